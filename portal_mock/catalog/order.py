"""Orders (``order/*.md``): what a client bought, each for a package and
the service it became.  Read-only but for ``order:estimate``, a public
price quote computed fresh for the items it is given."""

from __future__ import annotations

from portal_mock.catalog.model import ID, IMMEDIATE, LIST, PUBLIC, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import STRING, Const, Copy, Each, Format, Id, Metadata, Number, Pick, Ref, Total, Unlinked, When

ORDER_TYPES = (
    "app", "colocation", "dedicated", "domain", "eadn", "generic", "shared", "shared-reseller", "software-license",
    "ssl", "storage-object", "vps", "plan", "cloud-server", "virt-guest", "virt-guest-cloud", "virt-guest-volume",
)  # fmt: skip
"""``order:estimate``'s ``order_type`` values, as the page lists them."""
PLAN_TYPES = ("plan", "virt-guest-cloud")

ORDER = Kind(
    "order",
    scope="order",
    uri="/v1/order/{id}",
    shape={
        "id": Id(),
        "identity": Format("({id}) {package.identity}"),
        "metadata": Metadata(),
        "status": Pick(("allocated", "pending")),
        "addons": [],
        "facility": Const(None),
        "invoice": Unlinked(),
        "order_date": When((-700, -91)),
        "package": Ref("package"),
        "package_label": Copy("package.identity", STRING),
        "service": Ref("service"),
        "service_host": Const(None),
        "service_id": Copy("service.id"),
        "setup_fee": "0.00",
        "total": Number(1000, 30000, places=2),
        "type": "virt-guest-cloud",
    },
)

ADDRESS = {
    "type": "object",
    "properties": {
        name: {"type": "string"} for name in ("first_name", "last_name", "company", "address1", "address2", "city", "state", "zip", "country", "phone", "email")
    },
}
"""An estimate's billing address: ``address:add``'s fields, all optional here."""

ITEM = {
    "type": "object",
    "required": ["order_type", "term"],
    "properties": {
        "order_type": {"type": "string", "enum": list(ORDER_TYPES)},
        "nickname": {"type": "string"},
        "package_id": ID,
        "term": {"type": "integer", "minimum": 1},
        "addons": {
            "type": "array",
            "items": {"type": "object", "required": ["quantity"], "properties": {"addon_id": ID, "id": ID, "quantity": {"type": "integer", "minimum": 1}}},
        },
        "domain_name": {"type": "string", "pattern": r"\S"},
        "tld_id": ID,
        "contact": ADDRESS,
        "app_id": ID,
        "cloud_id": ID,
        "domain": {"type": "string"},
        "install_app": {"type": "boolean"},
        "password": {"type": "string"},
        "ssh_key_ids": {"type": "array", "items": ID},
        "ref_type": {"type": "string", "enum": ["development", "staging"]},
        "copy_account": {"type": "boolean"},
        "ref_cloud_account_id": ID,
        "ref_service_id": ID,
        "scrub_account": {"type": "boolean"},
        "scrub_users": {"type": "boolean"},
    },
    "allOf": [
        {
            "if": {"required": ["order_type"], "properties": {"order_type": {"enum": [t for t in ORDER_TYPES if t != "domain"]}}},
            "then": {"required": ["package_id"], "properties": {"package_id": ID}},
        },
        {
            "if": {"required": ["order_type"], "properties": {"order_type": {"enum": ["domain"]}}},
            "then": {"required": ["domain_name"], "properties": {"domain_name": {"type": "string", "pattern": r"\S"}}},
        },
        {
            "if": {"required": ["order_type"], "properties": {"order_type": {"enum": list(PLAN_TYPES)}}},
            "then": {"required": ["app_id", "cloud_id"], "properties": {"app_id": ID, "cloud_id": ID}},
        },
    ],
}

ESTIMATE = {
    "type": "object",
    "required": ["items"],
    "properties": {
        "address": ADDRESS,
        "discounts": {"type": "array", "items": {"type": "string"}},
        "items": {"type": "array", "items": ITEM},
    },
}

PRICED = {
    "package": Ref("package"),
    "price": Number(500, 30000, places=2),
    "term": Const(1, input="term"),
    "addons": [],
    "tax": Number(0, 400, places=2),
    "sub": Copy("price", STRING),
    "total": Copy("price", STRING),
    "discount": [],
}
"""One estimated item: the term asked for, a price drawn, no add-on or
discount applied; its total is its price (tax is summed separately)."""

QUOTE = {
    "items": Each(PRICED, input="items"),
    "subtotal": Total("sub", over="items"),
    "tax": Total("tax", over="items"),
    "total": Total("subtotal+tax"),
    "total_discount": "0.00",
}

FAMILY = Family(
    "order",
    kinds=(ORDER,),
    actions=(
        Action(
            "order:list",
            "GET",
            "/v1/order",
            "List orders",
            "order view",
            LIST,
            "order",
            fields={"id": "id", "type": "type", "status": "status", "order_total": "total"},
            sorts=("id", "order_date", "order_total", "status", "type"),
        ),
        Action("order:show", "GET", "/v1/order/{id}", "Show an order", "order view", SHOW, "order"),
        Action(
            "order:estimate",
            "POST",
            "/v1/order/estimate",
            "Estimate an order's charges",
            PUBLIC,
            IMMEDIATE,
            body=ESTIMATE,
            returns=QUOTE,
            example={
                "discounts": ["DISCEX10", "BADCOUPON5"],
                "items": [
                    {"order_type": "plan", "term": 1, "addons": [{"id": 2259, "quantity": 1}], "package_id": 707, "cloud_id": 4, "app_id": 12},
                    {"order_type": "domain", "term": 12, "domain_name": "example.com"},
                ],
            },
            behaviour="prices each item fresh: a total per item, their sum and tax; no discount applies",
        ),
    ),
)
