"""Credit cards (``creditcard/*.md``): the cards a client pays with.

A card's number is never kept: the card stores twelve stars and its last
four digits (as the vendor shows it) and its brand read from the leading
digits; the cvv is checked and dropped.  The task that adds a card echoes
its input the same way (``domain.tasks``)."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Create, Delete, Edit, Kind
from portal_mock.domain.shapes import CardBrand, Const, Format, Id, LastFour, Metadata, Ref, Series, When

CREDITCARD = Kind(
    "creditcard",
    scope="creditcard",
    uri="/v1/creditcard/{id}",
    shape={
        "id": Id(),
        "identity": Format("{type} {number}"),
        "metadata": Metadata(),
        "client": Ref("client"),
        "expiration": When((180, 1500), input="expiration"),
        "has_transactions": False,
        "is_primary": Const(False, input="make_primary"),
        "name": Const("", input="name"),
        "number": LastFour(input="number"),
        "priority": Series((1, 2, 3, 4, 5)),
        "type": CardBrand(input="number"),
    },
)

NAME = {"type": "string"}
ADD = {
    "type": "object",
    "required": ["cvv", "number", "expiration"],
    "properties": {
        "cvv": {"type": "string", "pattern": r"^[0-9]{3,4}$"},
        "number": {"type": "string", "pattern": r"^[0-9]{12,19}$"},
        "expiration": {"type": "integer", "minimum": 1},
        "make_primary": {"type": "boolean"},
        "name": NAME,
    },
}
EDIT = {"type": "object", "properties": {"name": NAME}}
PERMISSION = "credit card view"
"""What every creditcard page names as its access, the writing ones too."""

FAMILY = Family(
    "creditcard",
    kinds=(CREDITCARD,),
    actions=(
        Action(
            "creditcard:add",
            "POST",
            "/v1/creditcard",
            "Add a credit card",
            PERMISSION,
            QUEUED,
            "creditcard",
            ADD,
            Create(),
            example={"cvv": "504", "expiration": 1672230798, "number": "4242424242424242"},
            behaviour="creates it, keeping the number's last four digits only",
        ),
        Action(
            "creditcard:list",
            "GET",
            "/v1/creditcard",
            "List credit cards",
            PERMISSION,
            LIST,
            "creditcard",
            sorts=("id", "expiration", "name", "type", "priority"),
        ),
        Action("creditcard:show", "GET", "/v1/creditcard/{id}", "Show a credit card", PERMISSION, SHOW, "creditcard"),
        Action(
            "creditcard:edit",
            "POST",
            "/v1/creditcard/{id}",
            "Rename a credit card",
            PERMISSION,
            QUEUED,
            "creditcard",
            EDIT,
            Edit(),
            example={"name": "My card name"},
        ),
        Action("creditcard:delete", "DELETE", "/v1/creditcard/{id}", "Delete a credit card", PERMISSION, QUEUED, "creditcard", effect=Delete()),
    ),
)
