"""DNS records (``dns/record/*.md``): the records of a client's DNS zones.
A record belongs to its zone (``zone``): it is added by naming the zone,
listed under it, and removed with it."""

from __future__ import annotations

from typing import Any

from portal_mock.catalog.model import ID, LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Create, Delete, Edit, Kind
from portal_mock.domain.shapes import Dotted, Id, Metadata, Preset, Ref, When

ADDRESS = "203.0.113.10"
"""Where a new zone's default records point: a documentation address."""

DEFAULTS: tuple[tuple[str, str, str, int], ...] = (
    ("NS", "", "ns1.nexcess.net", 86400),
    ("NS", "", "ns2.nexcess.net", 86400),
    ("NS", "", "ns3.nexcess.net", 86400),
    ("NS", "", "ns4.nexcess.net", 86400),
    ("A", "", ADDRESS, 900),
    ("CNAME", "www", "@", 1800),
    ("CNAME", "ftp", "@", 1800),
    ("CNAME", "ssh", "@", 1800),
    ("A", "mail", ADDRESS, 1800),
    ("MX", "", "10 mail", 1800),
    ("SRV", "_imap._tcp", "0 0 0 .", 1800),
    ("SRV", "_imaps._tcp", "0 1 993 mail", 1800),
    ("SRV", "_pop3._tcp", "0 0 0 .", 1800),
    ("SRV", "_pop3s._tcp", "0 1 995 mail", 1800),
    ("TXT", "", f"v=spf1 +a +mx +ip4:{ADDRESS} include:relay.mailchannels.net ~all", 1800),
    ("TXT", "default._domainkey", "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuXv6cOhVvPtzsMJUHz7Q", 1800),
)
"""The records a new zone starts with, in the vendor's order; names inside
the zone are written relative to it (``@`` is the zone itself)."""

TYPES = ("A", "AAAA", "CAA", "CNAME", "MX", "NS", "PTR", "SRV", "TXT")
TTL = {"type": ["string", "integer"], "pattern": r"^[0-9]{1,9}$", "minimum": 0, "maximum": 999999999}
"""A TTL in seconds: digits, as the vendor's pages send it, or an integer."""
INTEGER = {"type": "integer"}

DNS_RECORD = Kind(
    "dns-record",
    scope="dns-record",
    uri="/v1/dns/record/{id}",
    parent="zone",
    rollup=(("record_count", "count"),),
    shape={
        "id": Id(),
        "identity": Dotted("{host}.{zone.identity}"),
        "metadata": Metadata(),
        "host": Preset(tuple(host for _, host, _, _ in DEFAULTS), input="host", omitted=""),
        "target": Preset(tuple(target for _, _, target, _ in DEFAULTS), input="target", omitted=""),
        "ttl": Preset(tuple(ttl for _, _, _, ttl in DEFAULTS), input="ttl", kind=INTEGER),
        "type": Preset(tuple(kind for kind, _, _, _ in DEFAULTS), input="type"),
        "update_date": When((-365, 0)),
        "zone": Ref("dns-zone", input="zone_id"),
    },
)

FIELDS: dict[str, Any] = {"type": {"type": "string", "enum": list(TYPES)}, "ttl": TTL, "host": {"type": "string"}, "target": {"type": "string"}}

ADD = {"type": "object", "required": ["zone_id", "type", "ttl"], "properties": {"zone_id": ID, **FIELDS}}
EDIT = {"type": "object", "properties": FIELDS}

FAMILY = Family(
    "dns-record",
    kinds=(DNS_RECORD,),
    actions=(
        Action(
            "dns-record:add", "POST", "/v1/dns/record", "Add a record to a DNS zone", "dns record edit", QUEUED, "dns-record", ADD, Create(),
            example={"zone_id": "<dns-zone>", "type": "AAAA", "host": "www", "ttl": "1111"},
        ),
        Action(
            "dns-record:list", "GET", "/v1/dns/zone/{zone_id}/record", "List a DNS zone's records", "dns record view", LIST, "dns-record",
            fields={"id": "id", "type": "type", "zone_id": "zone.id"}, params={"zone_id": "dns-zone"},
        ),
        Action("dns-record:show", "GET", "/v1/dns/record/{id}", "Show a DNS record", "dns record view", SHOW, "dns-record"),
        Action(
            "dns-record:edit", "POST", "/v1/dns/record/{id}", "Edit a DNS record", "dns record edit", QUEUED, "dns-record", EDIT, Edit(),
            example={"type": "A"},
        ),
        Action("dns-record:delete", "DELETE", "/v1/dns/record/{id}", "Delete a DNS record", "dns record delete", QUEUED, "dns-record", effect=Delete()),
    ),
)
