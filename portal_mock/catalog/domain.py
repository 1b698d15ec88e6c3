"""Domains (``domain/*.md``): registering a domain, which orders a service
for it, and the public availability lookup that comes before."""

from __future__ import annotations

from portal_mock.catalog.model import ID, IMMEDIATE, PUBLIC, QUEUED, TEXT, Action, Family
from portal_mock.domain.resources import Create
from portal_mock.domain.shapes import Const, Fake, Flag, Many, Number, Pick, Ref

TERMS = tuple(range(12, 121, 12))
"""A registration term in months: the page asks for multiples of 12."""

ADD = {
    "type": "object",
    "required": ["term", "domain_name"],
    "properties": {
        "nickname": {"type": "string"},
        "discount_code": {"type": "string"},
        "package_id": ID,
        "term": {"type": "integer", "enum": list(TERMS)},
        "addons": {
            "type": "array",
            "items": {"type": "object", "required": ["addon_id", "quantity"], "properties": {"addon_id": ID, "quantity": {"type": "integer", "minimum": 1}}},
        },
        "domain_name": TEXT,
        "tld_id": ID,
        "contact": {"type": "object"},
    },
    "allOf": [{"if": {"required": ["domain_name"], "properties": {"domain_name": {"pattern": r"^[^.]+$"}}}, "then": {"required": ["tld_id"]}}],
}
"""``tld_id`` is required when ``domain_name`` carries no TLD."""

NAME = {"type": "object", "required": ["domain"], "properties": {"domain": {"type": "string", "pattern": r"^(?!.*\.\.)[^\s.][^\s]{0,252}$"}}}
"""A name that can be parsed: no blanks, no empty label, at most 253 characters."""

PRICING = [
    {"term": {"months": 12, "display": "1 year"}, "price": "15.99"},
    {"term": {"months": 24, "display": "2 years"}, "price": "29.95"},
]


def offer(name: object) -> dict[str, object]:
    """One name's availability, as the lookup reports it for the name asked and each alternative."""
    return {
        "domain": name,
        "is_available": Flag(0.5),
        "tld": {"id": Number(1000, 9999), "identity": Pick(("com", "net", "org", "io")), "metadata": {"scope": "domain-tld", "uri": None}},
        "package": Ref("package"),
        "pricing": PRICING,
    }


AVAILABILITY = {"domain": offer(Const("", input="domain")), "alternatives": Many(offer(Fake("domain_name")), (1, 3))}

FAMILY = Family(
    "domain",
    actions=(
        Action(
            "domain:add",
            "POST",
            "/v1/domain",
            "Register a domain, ordering a service for it",
            "order edit",
            QUEUED,
            "service",
            ADD,
            Create(),
            example={
                "domain_name": "example.horse",
                "term": 12,
                "contact": {
                    "technical": {
                        "first_name": "William",
                        "last_name": "Louis",
                        "address1": "21700 Melrose Ave",
                        "country": "US",
                        "state": "MI",
                        "zip": "48075",
                        "city": "Southfield",
                        "email": "william@example.com",
                    }
                },
            },
            behaviour="creates a service (nicknamed as given, of the package given or one drawn)",
        ),
        Action(
            "domain:availability-lookup",
            "GET",
            "/v1/domain/availability/{domain}",
            "Look up whether a domain can be registered",
            PUBLIC,
            IMMEDIATE,
            body=NAME,
            returns=AVAILABILITY,
            statuses=(200, 422),
        ),
    ),
)
