"""Invoices (``invoice/*.md``): what a client was billed, each for one of
its orders.  Read-only: the Portal makes invoices, clients list and read them."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.catalog.package import NAMES
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import STRING, Copy, Each, Fake, Format, Id, Metadata, Number, Pick, Ref, Total, When

BILL_FROM = {
    "id": 71888,
    "identity": "Nexcess",
    "metadata": {"scope": "address", "uri": None},
    "address1": "21700 Melrose Ave",
    "address2": "",
    "city": "Southfield",
    "country": "US",
    "state": "MI",
    "type": "default",
    "zip": "48075",
}
"""The vendor's own address, the same on every invoice."""

BILL_TO = {
    "id": Number(70000, 79999),
    "identity": Fake("name"),
    "metadata": {"scope": "address", "uri": None},
    "address1": Fake("street_address"),
    "address2": "",
    "city": Fake("city"),
    "country": "US",
    "state": Fake("state_abbr"),
    "type": "default",
    "zip": Fake("postcode"),
}

LINE_ITEM = {
    "description": Pick(NAMES),
    "price": Number(1000, 30000, places=2),
    "quantity": 1,
    "total": Copy("price", STRING),
    "type": "item",
}

INVOICE = Kind(
    "invoice",
    scope="invoice",
    uri="/v1/invoice/{id}",
    shape={
        "id": Id(),
        "identity": Format("{client.identity} - #{id}"),
        "metadata": Metadata(),
        "status": "paid",
        "amount_due": "0.00",
        "bill_from": BILL_FROM,
        "bill_to": BILL_TO,
        "client": Ref("client"),
        "due_date": When((-45, -31)),
        "full_id": Format("{id}-P"),
        "has_payments": True,
        "invoice_date": When((-90, -61)),
        "is_payable": False,
        "line_items": Each(LINE_ITEM, count=(1, 3)),
        "note": "",
        "order": Ref("order"),
        "paid_date": When((-60, -46)),
        "purchase_order_number": Format("PO{id}"),
        "tax": "0.00",
        "total": Total("total", over="line_items"),
    },
)

FAMILY = Family(
    "invoice",
    kinds=(INVOICE,),
    actions=(
        Action(
            "invoice:list",
            "GET",
            "/v1/invoice",
            "List invoices",
            "invoice view",
            LIST,
            "invoice",
            fields={"id": "id", "status": "status", "purchase_order_number": "purchase_order_number", "due": "amount_due"},
            sorts=("id", "due", "due_date", "invoice_date", "paid_date"),
        ),
        Action("invoice:show", "GET", "/v1/invoice/{id}", "Show an invoice", "invoice view", SHOW, "invoice"),
    ),
)
