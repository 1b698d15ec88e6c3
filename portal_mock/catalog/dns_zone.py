"""DNS zones (``dns/zone/*.md``): the domains a client hosts DNS for.  A
zone holds its records (``dns_record``): adding a zone makes its default
records with it, and deleting it removes them."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Create, Delete, Kind
from portal_mock.domain.shapes import STRING, Copy, Fake, Format, Id, Metadata, Ref, When

DEFAULT_RECORDS = 16
"""How many records a new zone starts with, as the vendor's zones do."""

DOMAIN = {"type": "string", "pattern": r"^([A-Za-z0-9_-]{1,63}\.)+[A-Za-z][A-Za-z0-9-]{1,62}$"}
"""A fully qualified domain name: dot-separated labels ending in a TLD."""

DNS_ZONE = Kind(
    "dns-zone",
    scope="dns-zone",
    uri="/v1/dns/zone/{id}",
    shape={
        "id": Id(),
        "identity": Copy("domain", STRING),
        "metadata": Metadata(),
        "client": Ref("client"),
        "contact": Format("hostmaster@{domain}"),
        "domain": Fake("domain_name", input="domain"),
        "expire": 1048576,
        "hosted": True,
        "minimum": 2560,
        "nameserver": "ns1.nexcess.net",
        "record_count": DEFAULT_RECORDS,
        "refresh": 7200,
        "retry": 2048,
        "serial": When((-365, 0)),
    },
)

ADD = {"type": "object", "required": ["domain"], "properties": {"domain": DOMAIN}}

FAMILY = Family(
    "dns-zone",
    kinds=(DNS_ZONE,),
    actions=(
        Action(
            "dns-zone:add", "POST", "/v1/dns/zone", "Add a DNS zone", "dns zone edit", QUEUED, "dns-zone", ADD,
            Create(children=(("dns-record", DEFAULT_RECORDS),)),
            example={"domain": "test-domain.nexcess.com"},
        ),
        Action(
            "dns-zone:list", "GET", "/v1/dns/zone", "List DNS zones", "dns zone view", LIST, "dns-zone",
            fields={"id": "id"}, sorts=("id", "domain"),
        ),
        Action("dns-zone:show", "GET", "/v1/dns/zone/{id}", "Show a DNS zone", "dns zone view", SHOW, "dns-zone"),
        Action("dns-zone:delete", "DELETE", "/v1/dns/zone/{id}", "Delete a DNS zone and its records", "dns zone delete", QUEUED, "dns-zone", effect=Delete()),
    ),
)
