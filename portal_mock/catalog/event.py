"""Client events (``event/list.md``): the account's activity log, read-only.
A ``sample-account`` account starts with some; the mock does not write
events as tasks resolve (the journal and the tasks list are the record)."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Id, Metadata, Pick, Stamped, When

EVENT = Kind(
    "event",
    scope="event",
    uri=None,
    shape={
        "id": Id(),
        "identity": Stamped("{scope}:{action}", at="event_date"),
        "metadata": Metadata(),
        "action": Pick(("store-add", "store-edit")),
        "event_date": When((-90, 0)),
        "scope": "api-task",
    },
)

FAMILY = Family(
    "event",
    kinds=(EVENT,),
    actions=(
        Action(
            "event:list",
            "GET",
            "/v1/event",
            "List the client's events",
            "event view",
            LIST,
            "event",
            fields={"id": "id", "action": "action", "scope": "scope", "user_id": "user_id", "recent": "event_date"},
            sorts=("id", "recent", "event_date", "action", "scope", "user_id"),
        ),
    ),
)
