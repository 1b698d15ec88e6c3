"""The Portal endpoints the mock serves, described once.

Each ``Action`` holds what the vendor documents for one endpoint: method,
path, the permission it needs, whether it is queued, and its input as JSON
Schema.  Request validation reads the schemas from here and so does the
OpenAPI document, so the field rules exist in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal_mock.domain.tickets import CATEGORIES, DEPARTMENTS
from portal_mock.domain.validation import nullable
from portal_mock.domain.webhooks import ANY, AUTH_TYPES, NONE, TYPES


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    path: str
    summary: str
    permission: str | None
    queued: bool = False
    body: dict[str, Any] | None = None
    statuses: tuple[int, ...] = field(default=())
    fields: tuple[str, ...] = ()
    sorts: tuple[str, ...] = ()
    """What a list endpoint sorts by, where that differs from ``fields``."""
    """What a list endpoint filters, matches and sorts by (item attributes)."""

    @property
    def sortable(self) -> tuple[str, ...]:
        return self.sorts or self.fields

    @property
    def resource(self) -> str:
        return self.name.partition(":")[0]


EMAIL = {"type": "string", "format": "email"}
NOT_BLANK = r"\S"



TICKET_ADD = {
    "type": "object",
    "required": ["department", "subject"],
    "properties": {
        "department": {"type": "string", "enum": list(DEPARTMENTS)},
        "category": nullable({"type": "string", "enum": list(CATEGORIES)}),
        "subject": {"type": "string", "pattern": NOT_BLANK},
        "comment": nullable({"type": "string"}),
        "service_id": nullable({"type": "integer", "minimum": 1}),
        "recipients": nullable({"type": "array", "items": EMAIL}),
    },
}
TICKET_COMMENT = {
    "type": "object",
    "required": ["comment"],
    "properties": {"comment": {"type": "string", "pattern": NOT_BLANK}},
}
NO_INPUT = {"type": "object", "properties": {}}
_SECRET = {"type": "string", "pattern": NOT_BLANK}
WEBHOOK_ADD = {
    "type": "object",
    "required": ["name", "url"],
    "properties": {
        "name": {"type": "string", "pattern": NOT_BLANK},
        "url": {"type": "string", "format": "webhook-url"},
        "type": {"type": "string", "enum": list(TYPES), "default": "json"},
        "resource": {"type": "string", "enum": [ANY, NONE, "ticket", "webhook"], "default": ANY},
        "action": {"type": "string", "enum": [ANY, NONE, "add", "comment", "close", "open", "claim"], "default": ANY},
        "auth": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string", "enum": list(AUTH_TYPES)}, "username": _SECRET, "password": _SECRET, "token": _SECRET},
            "allOf": [
                {
                    "if": {"required": ["type"], "properties": {"type": {"enum": ["basic", "digest"]}}},
                    "then": {"required": ["username", "password"], "properties": {"username": _SECRET, "password": _SECRET}},
                },
                {
                    "if": {"required": ["type"], "properties": {"type": {"enum": ["bearer"]}}},
                    "then": {"required": ["token"], "properties": {"token": _SECRET}},
                },
            ],
        },
        "user_data": {"type": "object"},
    },
}

_QUEUED = (202, 401, 403, 413, 415, 422)
_TICKET_QUEUED = (202, 401, 403, 404, 413, 415, 422)

ACTIONS: tuple[Action, ...] = (
    Action("ticket:add", "POST", "/v1/ticket", "Open a support ticket", "ticket edit", True, TICKET_ADD, _QUEUED),
    Action("ticket:list", "GET", "/v1/ticket", "List tickets", "ticket view", statuses=(200, 401, 403, 416, 422), fields=("id", "subject", "status")),
    Action("ticket:show", "GET", "/v1/ticket/{id}", "Show one ticket", "ticket view", statuses=(200, 401, 403, 404, 422)),
    Action("ticket:comment", "POST", "/v1/ticket/{id}/comment", "Comment on a ticket", "ticket edit", True, TICKET_COMMENT, _TICKET_QUEUED),
    Action("ticket:close", "POST", "/v1/ticket/{id}/close", "Close a ticket", "ticket edit", True, NO_INPUT, _TICKET_QUEUED),
    Action("ticket:open", "POST", "/v1/ticket/{id}/open", "Reopen a ticket", "ticket edit", True, NO_INPUT, _TICKET_QUEUED),
    Action("ticket:claim", "POST", "/v1/ticket/{id}/claim", "Claim a ticket", "ticket edit", True, NO_INPUT, _TICKET_QUEUED),
    Action("webhook:add", "POST", "/v1/task/webhook", "Add a task webhook", "account edit", True, WEBHOOK_ADD, _QUEUED),
    Action(
        "webhook:list", "GET", "/v1/task/webhook", "List task webhooks", "account view",
        statuses=(200, 401, 403, 416, 422), fields=("id", "name", "resource", "action", "url"), sorts=("id", "name", "listen_to", "url"),
    ),
    Action("webhook:show", "GET", "/v1/task/webhook/{id}", "Show a task webhook", "account view", statuses=(200, 401, 403, 404, 422)),
    Action("task:show", "GET", "/v1/task/{uuid}", "Show a task", None, statuses=(200, 401, 404)),
)

BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}
