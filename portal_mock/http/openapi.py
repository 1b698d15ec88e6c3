"""The OpenAPI 3.1 document of everything the mock serves.

Request schemas are not written here: they are the ones in
``actions.ACTIONS`` and ``control.OPERATIONS`` that validate input, so the
document cannot drift from what the server enforces.  Response schemas
describe the objects the domain renders.
"""

from __future__ import annotations

import re
from typing import Any

from portal_mock.catalog.actions import ACTIONS, Action
from portal_mock.domain.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ORDERS
from portal_mock.domain.tasks import API_VERSION, OUTCOMES
from portal_mock.http.control import OPERATIONS, PREFIX, Operation

_REF = {
    "type": "object",
    "required": ["id", "identity", "metadata"],
    "properties": {
        "id": {"type": "integer"},
        "identity": {"type": "string"},
        "metadata": {"type": "object", "required": ["scope", "uri"], "properties": {"scope": {"type": "string"}, "uri": {"type": "string"}}},
    },
}
_LABELLED = {
    "type": "object",
    "required": ["name", "color", "id", "identity", "is_real"],
    "properties": {
        "name": {"type": "string"}, "color": {"type": "string"}, "id": {"type": "integer"}, "identity": {"type": "string"}, "is_real": {"type": "boolean"},
    },
}
_POST = {
    "type": "object",
    "required": ["id", "identity", "is_real", "meta", "body", "name", "date", "reply_by"],
    "properties": {
        "id": {"type": "integer"},
        "identity": {"type": "string"},
        "is_real": {"type": "boolean"},
        "meta": {"type": "object"},
        "body": {"type": "string"},
        "name": {"type": "string"},
        "date": {"type": "integer"},
        "reply_by": {"enum": ["client", "staff"]},
    },
}
_TASK = {
    "type": "object",
    "required": [
        "id", "uuid", "identity", "action", "status", "api_version", "errors", "input", "metadata", "request_date", "resolved_date", "resource",
        "staff_user", "user",
    ],
    "properties": {
        "id": {"type": "integer"},
        "uuid": {"type": "string", "format": "uuid"},
        "identity": {"type": "string"},
        "action": {"type": "string"},
        "status": {"enum": ["pending", *OUTCOMES]},
        "api_version": {"type": "string"},
        "errors": {"type": "object"},
        "input": {"type": "object"},
        "metadata": {"type": "object", "required": ["scope", "uri"]},
        "request_date": {"type": "integer"},
        "resolved_date": {"type": ["integer", "null"]},
        "resource": {"anyOf": [{"$ref": "#/components/schemas/Reference"}, {"type": "object"}, {"type": "null"}]},
        "staff_user": {"anyOf": [{"$ref": "#/components/schemas/Reference"}, {"type": "null"}]},
        "user": {"$ref": "#/components/schemas/Reference"},
    },
}
_TICKET = {
    "type": "object",
    "required": [
        "id", "identity", "mask", "company_id", "client_id", "subject", "recent_post", "last_reply_by", "last_replier_name", "num_posts",
        "num_posts_staff", "update_date", "staff_update_date", "client_update_date", "resolved_date", "rating", "category", "department",
        "priority", "status", "is_closed", "is_closeable",
    ],
    "properties": {
        "id": {"type": "integer"},
        "identity": {"type": "string"},
        "mask": {"type": "string", "pattern": "^[A-Z]{4}-[0-9]{4}$"},
        "company_id": {"type": "integer"},
        "client_id": {"type": "integer"},
        "subject": {"type": "string"},
        "recent_post": {"anyOf": [{"$ref": "#/components/schemas/Post"}, {"type": "null"}]},
        "last_reply_by": {"type": ["string", "null"]},
        "last_replier_name": {"type": ["string", "null"]},
        "num_posts": {"type": "integer"},
        "num_posts_staff": {"type": "integer"},
        "update_date": {"type": "integer"},
        "staff_update_date": {"type": "integer"},
        "client_update_date": {"type": "integer"},
        "resolved_date": {"type": "integer"},
        "rating": {"type": "integer"},
        "category": {"type": ["object", "null"]},
        "department": {"$ref": "#/components/schemas/Labelled"},
        "priority": {"$ref": "#/components/schemas/Labelled"},
        "status": {"$ref": "#/components/schemas/Labelled"},
        "is_closed": {"type": "boolean"},
        "is_closeable": {"type": "boolean"},
    },
}
_ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "near_misses": {"type": "array", "items": {"type": "object"}},
    },
}
SCHEMAS = {"Reference": _REF, "Labelled": _LABELLED, "Post": _POST, "Task": _TASK, "Ticket": _TICKET, "Error": _ERROR}

RESPONSE_OBJECT = {"task:show": "Task", "ticket:show": "Ticket"}
DESCRIPTIONS = {
    200: "OK",
    201: "Created",
    202: "Accepted: the work is queued; poll Location",
    400: "Unknown scenario named in a request header",
    401: "Not logged in, or the key is unknown",
    403: "The key lacks the permission",
    404: "Unknown, or not this account's",
    409: "Conflicts with the current state",
    413: "Body over 1 MiB",
    415: "Unsupported media type",
    416: "Page or page size out of range",
    422: "Invalid input",
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _error(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": DESCRIPTIONS.get(status, "Error"), "content": _json({"$ref": "#/components/schemas/Error"})}
    if status == 401:
        answer["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return answer


def _path_parameters(path: str) -> list[dict[str, Any]]:
    parameters = []
    for name in re.findall(r"\{(\w+)\}", path):
        schema = {"type": "string", "format": "uuid"} if name == "uuid" else {"type": "integer", "minimum": 1}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def form_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON input schema as a form carries it: a form cannot say
    ``null`` (an empty field is how it leaves one out), so nullable fields
    lose their null."""
    properties = {}
    for name, rule in schema.get("properties", {}).items():
        if isinstance(rule.get("type"), list):
            rule = {**rule, "type": next(t for t in rule["type"] if t != "null")}
            if "enum" in rule:
                rule["enum"] = [v for v in rule["enum"] if v is not None]
        properties[name] = rule
    return {**schema, "properties": properties}


def _list_parameters(action: Action) -> list[dict[str, Any]]:
    """A list action's query parameters, from the fields it lists by."""
    if not action.fields:
        return []

    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    parameters = []
    for field in action.fields:
        parameters.append(query(f"filter[{field}]", {"type": "string"}, f"{field} equals this (case-insensitive)"))
        parameters.append(query(f"match[{field}]", {"type": "string"}, f"{field} contains this (case-insensitive)"))
    parameters += [
        query("sortBy", {"enum": list(action.sortable)}, "sort field (default: id)"),
        query("sortOrder", {"enum": list(ORDERS)}, "sort direction (default: ASC)"),
        query("page", {"type": "integer"}, "1-based page number; below 1 or past the last page is a 416, not a 422"),
        query("pageSize", {"type": "integer"}, f"items per page (default {DEFAULT_PAGE_SIZE}); outside 1-{MAX_PAGE_SIZE} is a 416, not a 422"),
    ]
    return parameters


def _portal_operation(action: Action) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status in action.statuses:
        if status == 202:
            responses["202"] = {
                "description": DESCRIPTIONS[202],
                "headers": {"Location": {"description": "/v1/task/{uuid}: the task to poll", "required": True, "schema": {"type": "string"}}},
                "content": _json({"$ref": "#/components/schemas/Task"}),
            }
        elif status == 200 and action.name.endswith(":list"):
            item = RESPONSE_OBJECT.get(action.name.replace(":list", ":show"), "Ticket")
            responses["200"] = {
                "description": DESCRIPTIONS[200],
                "headers": {"Content-Range": {"description": "items {first}-{last}/{total}", "required": True, "schema": {"type": "string"}}},
                "content": _json({"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}),
            }
        elif status == 200:
            shape = RESPONSE_OBJECT.get(action.name, "Task")
            responses["200"] = {"description": DESCRIPTIONS[200], "content": _json({"$ref": f"#/components/schemas/{shape}"})}
        else:
            responses[str(status)] = _error(status)
    responses["400"] = _error(400)
    responses["default"] = {"description": "Any status a scenario rule or Prefer: code= forces", "content": _json({})}
    operation: dict[str, Any] = {
        "operationId": action.name.replace(":", "_"),
        "summary": action.summary,
        "tags": [action.resource],
        "security": [{"bearer": []}],
        "parameters": _path_parameters(action.path),
        "responses": responses,
    }
    operation["parameters"].extend(_list_parameters(action))
    if action.queued and action.body is not None:
        operation["requestBody"] = {
            "required": bool(action.body.get("required")),
            "content": {"application/json": {"schema": action.body}, "application/x-www-form-urlencoded": {"schema": form_schema(action.body)}},
        }
    return operation


def _control_operation(operation: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status in operation.statuses:
        if status < 300:
            responses[str(status)] = {"description": DESCRIPTIONS.get(status, "OK"), "content": {operation.media_type: {"schema": {}}}}
        else:
            responses[str(status)] = _error(status)
    described: dict[str, Any] = {
        "operationId": f"mock_{operation.name}",
        "summary": operation.summary,
        "tags": ["control"],
        "parameters": _path_parameters(operation.path)
        + [{"name": name, "in": "query", "required": name in operation.required_query, "schema": schema} for name, schema in operation.query.items()],
        "responses": responses,
    }
    if operation.body is not None:
        described["requestBody"] = {"required": bool(operation.body.get("required")), "content": _json(operation.body)}
    return described


def openapi(admin: bool = True) -> dict[str, Any]:
    """The document; ``admin=False`` leaves the control API out."""
    paths: dict[str, dict[str, Any]] = {}
    for action in ACTIONS:
        paths.setdefault(action.path, {})[action.method.lower()] = _portal_operation(action)
    if admin:
        for operation in OPERATIONS:
            paths.setdefault(PREFIX + operation.path, {})[operation.method.lower()] = _control_operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portal API (portal-mock)",
            "version": API_VERSION,
            "description": (
                "The Nexcess/NocWorx Portal API v1 tickets family and tasks, as served by portal-mock, and portal-mock's control API"
                " under /__mock. Any Portal request may carry `Prefer: code=NNN` (a one-off forced status), `Prefer: scenario=NAME`"
                " or `X-Portal-Mock-Scenario: NAME` (answer by that scenario); an unknown name is a 400."
            ),
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
