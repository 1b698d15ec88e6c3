"""Account credits (``credit/*.md``): money the client holds against
future invoices.  Read-only: staff grant credits, clients list and read them."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Format, Id, Metadata, Number, Ref, Unlinked, When

REASON = {"id": 3, "identity": "##LG_OTHER##: ##LG_OTHER##", "metadata": {"scope": "credit-reason", "uri": None}}
"""The vendor's one example reason; reasons have no endpoint of their own."""

CREDIT = Kind(
    "credit",
    scope="credit",
    uri="/v1/credit/{id}",
    shape={
        "id": Id(),
        "identity": Format("{client.identity} - #{id}"),
        "metadata": Metadata(),
        "status": "unapplied",
        "amount": Number(1000, 50000, places=2),
        "applied_amount": "0.00",
        "client": Ref("client"),
        "credit_date": When((-365, -1)),
        "description": "Credit",
        "invoice": Unlinked(),
        "order": Unlinked(),
        "payment": Unlinked(),
        "reason": REASON,
        "service": Unlinked(),
        "type": "credit",
    },
)

FAMILY = Family(
    "credit",
    kinds=(CREDIT,),
    actions=(
        Action(
            "credit:list",
            "GET",
            "/v1/credit",
            "List credits",
            "credit view",
            LIST,
            "credit",
            fields={"id": "id", "type": "type", "status": "status"},
            sorts=("id",),
        ),
        Action("credit:show", "GET", "/v1/credit/{id}", "Show a credit", "credit view", SHOW, "credit"),
    ),
)
