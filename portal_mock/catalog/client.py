"""The client account behind a key (``client/*.md``).  The vendor's
references to a client carry a ``null`` uri, so no client show is added."""

from __future__ import annotations

from portal_mock.catalog.model import ANY_KEY, IMMEDIATE, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Fake, Format, Id, Metadata, Number, Ref, When

CLIENT = Kind(
    "client",
    scope="client",
    uri=None,
    shape={
        "id": Id(),
        "identity": Format("{company}"),
        "status": "active",
        "metadata": Metadata(),
        "company": Fake("company"),
        "name": Format("{company}"),
        "owner": Ref("user"),
        "pin": Number(100000, 999999),
        "self_classification": "",
        "start_date": When((-2000, -30)),
        "tax_exempt": {"number": ""},
        "external_key": "",
        "has_cancel_pending": False,
    },
)

FAMILY = Family(
    "client",
    kinds=(CLIENT,),
    actions=(Action("client:self", "GET", "/v1/client/self", "Show the key's own client account", ANY_KEY, IMMEDIATE, "client"),),
)
