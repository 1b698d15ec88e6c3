"""Reverse DNS records (``dns/reverse/*.md``): the names a client's IP
addresses resolve back to."""

from __future__ import annotations

from portal_mock.catalog.dns_record import INTEGER, TTL
from portal_mock.catalog.model import LIST, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.domain.resources import Create, Delete, Edit, Kind
from portal_mock.domain.shapes import Fake, Id, Metadata, Preset

ADDRESS = {"type": "string", "pattern": r"^(([0-9]{1,3}\.){3}[0-9]{1,3}|[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7})$"}
"""An IPv4 or IPv6 address, the host a reverse record names."""

DNS_REVERSE = Kind(
    "dns-reverse",
    scope="dns-record",
    uri="/v1/dns/reverse/{id}",
    shape={
        "id": Id(),
        "metadata": Metadata(),
        "host": Fake("ipv4_public", input="host"),
        "target": Fake("hostname", input="target"),
        "ttl": Preset((86400,), input="ttl", kind=INTEGER),
    },
)

FIELDS = {"ttl": TTL, "host": ADDRESS, "target": TEXT}
ADD = {"type": "object", "required": ["ttl", "host", "target"], "properties": FIELDS}
EDIT = {"type": "object", "properties": FIELDS}

FAMILY = Family(
    "dns-reverse",
    kinds=(DNS_REVERSE,),
    actions=(
        Action(
            "dns-reverse:add",
            "POST",
            "/v1/dns/reverse",
            "Add a reverse DNS record",
            "dns record edit",
            QUEUED,
            "dns-reverse",
            ADD,
            Create(),
            example={"host": "203.0.113.1", "ttl": "1111", "target": "203.0.113.1"},
        ),
        Action(
            "dns-reverse:list",
            "GET",
            "/v1/dns/reverse",
            "List reverse DNS records",
            "dns reverse view",
            LIST,
            "dns-reverse",
            fields={"id": "id"},
            sorts=("id", "host", "target"),
        ),
        Action("dns-reverse:show", "GET", "/v1/dns/reverse/{id}", "Show a reverse DNS record", "dns reverse view", SHOW, "dns-reverse"),
        Action(
            "dns-reverse:edit",
            "POST",
            "/v1/dns/reverse/{id}",
            "Edit a reverse DNS record",
            "dns reverse edit",
            QUEUED,
            "dns-reverse",
            EDIT,
            Edit(),
            example={"ttl": "1111"},
        ),
        Action(
            "dns-reverse:delete", "DELETE", "/v1/dns/reverse/{id}", "Delete a reverse DNS record", "dns reverse delete", QUEUED, "dns-reverse", effect=Delete()
        ),
    ),
)
