"""Support tickets (``ticket/*.md``).  Their store is ``domain.tickets``,
which keeps posts, staff replies and the closeable rule; the shape here
describes the wire body for the OpenAPI document and the fidelity tests."""

from __future__ import annotations

from portal_mock.catalog.model import EMAIL, LIST, NO_INPUT, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Const, Id
from portal_mock.domain.tickets import CATEGORIES, DEPARTMENTS
from portal_mock.domain.validation import nullable

_LABELLED = {"name": "", "color": "", "id": 0, "identity": "", "is_real": True}
_POST = {"id": 0, "identity": "", "is_real": True, "meta": {"scope": ""}, "body": "", "name": "", "date": 0, "reply_by": ""}

TICKET = Kind(
    "ticket",
    scope="ticket",
    uri="/v1/ticket/{id}",
    shape={
        "id": Id(),
        "identity": "",
        "mask": "",
        "company_id": 0,
        "client_id": 0,
        "subject": "",
        "recent_post": Const(_POST, nullable=True),
        "last_reply_by": Const("", nullable=True),
        "last_replier_name": Const("", nullable=True),
        "num_posts": 0,
        "num_posts_staff": 0,
        "update_date": 0,
        "staff_update_date": 0,
        "client_update_date": 0,
        "resolved_date": 0,
        "rating": 0,
        "category": Const({"id": 0, "identity": "", "is_real": True, "meta": {"scope": ""}}, nullable=True),
        "department": _LABELLED,
        "priority": _LABELLED,
        "status": _LABELLED,
        "is_closed": False,
        "is_closeable": False,
        "is_authenticated": False,
        "service_id": Const(0, nullable=True),
        "recipients": [],
    },
)

ADD = {
    "type": "object",
    "required": ["department", "subject"],
    "properties": {
        "department": {"type": "string", "enum": list(DEPARTMENTS)},
        "category": nullable({"type": "string", "enum": list(CATEGORIES)}),
        "subject": TEXT,
        "comment": nullable({"type": "string"}),
        "service_id": nullable({"type": "integer", "minimum": 1}),
        "recipients": nullable({"type": "array", "items": EMAIL}),
    },
}
COMMENT = {"type": "object", "required": ["comment"], "properties": {"comment": TEXT}}

FAMILY = Family(
    "ticket",
    kinds=(TICKET,),
    actions=(
        Action(
            "ticket:add",
            "POST",
            "/v1/ticket",
            "Open a support ticket",
            "ticket edit",
            QUEUED,
            "ticket",
            ADD,
            example={"department": "support", "category": "dns", "subject": "It can't be DNS", "comment": "It was DNS."},
            behaviour="opens the ticket, with the comment as its first post",
        ),
        Action(
            "ticket:list",
            "GET",
            "/v1/ticket",
            "List tickets",
            "ticket view",
            LIST,
            "ticket",
            fields={"id": "id", "subject": "subject", "status": "status"},
        ),
        Action("ticket:show", "GET", "/v1/ticket/{id}", "Show one ticket", "ticket view", SHOW, "ticket"),
        Action(
            "ticket:comment",
            "POST",
            "/v1/ticket/{id}/comment",
            "Comment on a ticket",
            "ticket edit",
            QUEUED,
            "ticket",
            COMMENT,
            example={"comment": "Test comment"},
            behaviour="adds a client post",
        ),
        Action(
            "ticket:close",
            "POST",
            "/v1/ticket/{id}/close",
            "Close a ticket",
            "ticket edit",
            QUEUED,
            "ticket",
            NO_INPUT,
            behaviour="closes it (rejected when closed)",
        ),
        Action(
            "ticket:open",
            "POST",
            "/v1/ticket/{id}/open",
            "Reopen a ticket",
            "ticket edit",
            QUEUED,
            "ticket",
            NO_INPUT,
            behaviour="reopens it (rejected when open)",
        ),
        Action(
            "ticket:claim",
            "POST",
            "/v1/ticket/{id}/claim",
            "Claim a ticket",
            "ticket edit",
            QUEUED,
            "ticket",
            NO_INPUT,
            behaviour="makes it the client's (rejected when it is already)",
        ),
    ),
)
