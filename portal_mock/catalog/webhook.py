"""Task webhooks (``task/webhook/*.md``).  Their store is
``domain.webhooks``; what they may listen to is every family and verb the
catalog declares, so the declaration is made from the rest of the catalog."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from portal_mock.catalog.model import LIST, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Const, Id, Ref
from portal_mock.domain.webhooks import ANY, AUTH_TYPES, NONE, TYPES

WEBHOOK = Kind(
    "webhook",
    scope="api-webhook",
    uri="/v1/task/webhook/{id}/",
    shape={
        "id": Id(),
        "identity": "",
        "client": Ref("client"),
        "listen_to": {"resource": "", "action": ""},
        "metadata": {"scope": "", "uri": ""},
        "name": "",
        "type": "",
        "url": "",
        "auth": Const({}, nullable=True),
        "user_data": {},
    },
)


def _add(resources: Iterable[str], verbs: Iterable[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["name", "url"],
        "properties": {
            "name": TEXT,
            "url": {"type": "string", "format": "webhook-url"},
            "type": {"type": "string", "enum": list(TYPES), "default": "json"},
            "resource": {"type": "string", "enum": [ANY, NONE, *sorted(resources)], "default": ANY},
            "action": {"type": "string", "enum": [ANY, NONE, *sorted(verbs)], "default": ANY},
            "auth": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string", "enum": list(AUTH_TYPES)}, "username": TEXT, "password": TEXT, "token": TEXT},
                "allOf": [
                    {
                        "if": {"required": ["type"], "properties": {"type": {"enum": ["basic", "digest"]}}},
                        "then": {"required": ["username", "password"], "properties": {"username": TEXT, "password": TEXT}},
                    },
                    {
                        "if": {"required": ["type"], "properties": {"type": {"enum": ["bearer"]}}},
                        "then": {"required": ["token"], "properties": {"token": TEXT}},
                    },
                ],
            },
            "user_data": {"type": "object"},
        },
    }


def family(actions: Iterable[Action]) -> Family:
    """The webhook family, listening to the families and verbs of ``actions``
    (and its own)."""
    names = [action.name for action in actions] + ["webhook:add"]
    resources = {name.partition(":")[0] for name in names}
    verbs = {name.partition(":")[2] for name in names}
    return Family(
        "webhook",
        kinds=(WEBHOOK,),
        actions=(
            Action(
                "webhook:add", "POST", "/v1/task/webhook", "Add a task webhook", "account edit", QUEUED, "webhook", _add(resources, verbs),
                example={
                    "name": "example-webhook",
                    "url": "https://example.com/webhook",
                    "resource": "cloud-server",
                    "action": "reboot",
                    "auth": {"type": "basic", "username": "foo", "password": "passw0rd!"},
                    "user_data": {"whatever": "you like"},
                },
                behaviour="stores the webhook; it hears every task that resolves after",
            ),
            Action(
                "webhook:list", "GET", "/v1/task/webhook", "List task webhooks", "account view", LIST, "webhook",
                fields={"id": "id", "name": "name", "resource": "resource", "action": "action", "url": "url"}, sorts=("id", "name", "listen_to", "url"),
            ),
            Action("webhook:show", "GET", "/v1/task/webhook/{id}", "Show a task webhook", "account view", SHOW, "webhook"),
        ),
    )
