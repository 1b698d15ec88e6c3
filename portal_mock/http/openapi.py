"""The OpenAPI 3.1 document of everything the mock serves.

Request schemas are not written here: they are the ones in the catalog's
actions and ``control.OPERATIONS`` that validate input, so the
document cannot drift from what the server enforces.  Response schemas
are the catalog's shapes, the ones the fidelity tests check answers against.
"""

from __future__ import annotations

import re
from typing import Any

from portal_mock.catalog import ACTIONS, KINDS
from portal_mock.catalog.model import IMMEDIATE, LIST, PUBLIC, QUEUED, Action
from portal_mock.domain.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ORDERS
from portal_mock.domain.shapes import REFERENCE_SCHEMA
from portal_mock.domain.tasks import API_VERSION, OUTCOMES
from portal_mock.domain.validation import WIRE_INTEGER_MAX, form_carries
from portal_mock.http.control import OPERATIONS, PREFIX, Operation

_REF = REFERENCE_SCHEMA
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
_ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "near_misses": {"type": "array", "items": {"type": "object"}},
    },
}


def component(kind: str) -> str:
    """``dns-record`` → ``DnsRecord``: a kind's schema name in the document."""
    return "".join(part.capitalize() for part in kind.split("-"))


SCHEMAS = {"Reference": _REF, "Task": _TASK, "Error": _ERROR, **{component(kind.name): kind.schema for kind in KINDS.values()}}
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


def _path_parameters(path: str, action: Action | None = None) -> list[dict[str, Any]]:
    """A path's placeholders: an id of the kind it addresses, a task's
    uuid, or a value the action's input rules describe (a passphrase)."""
    parameters = []
    for name in re.findall(r"\{(\w+)\}", path):
        given = ((action.body or {}).get("properties", {}) if action is not None else {}).get(name)
        if name == "uuid":
            schema: dict[str, Any] = {"type": "string", "format": "uuid"}
        elif given is not None and (action is None or name not in action.targets):
            schema = given
        else:
            schema = {"type": "integer", "minimum": 1, "maximum": WIRE_INTEGER_MAX}
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
        parameters.append(query(f"filter[{field}]", {"type": "string"}, f"{field} equals this (case-insensitive; empty: {field} is empty)"))
        parameters.append(query(f"match[{field}]", {"type": "string"}, f"{field} contains this (case-insensitive; empty: any {field})"))
    parameters += [
        query("sortBy", {"enum": list(action.sortable)}, "sort field (default: id; an empty value is a 422)"),
        query("sortOrder", {"enum": list(ORDERS)}, "sort direction (default: ASC; an empty value is a 422)"),
        query("page", {"type": "integer", "minimum": 1}, "1-based page number (an empty value is a 422); past the last page is a 416"),
        query(
            "pageSize",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            f"items per page (default {DEFAULT_PAGE_SIZE}; an empty value is a 422); outside 1-{MAX_PAGE_SIZE} is a 416",
        ),
    ]
    # An empty value is a value, checked by the schema like any other: the
    # string parameters take one, the others refuse it (OpenAPI's default).
    for parameter in parameters:
        parameter["allowEmptyValue"] = parameter["schema"].get("type") == "string"
    return parameters


def _success(action: Action) -> dict[str, Any]:
    """The schema of an action's successful answer."""
    if action.name == "task:show" or action.mode == QUEUED:
        return {"$ref": "#/components/schemas/Task"}
    if action.mode == IMMEDIATE and action.answer_schema is not None:
        return action.answer_schema
    item = {"$ref": f"#/components/schemas/{component(action.resource or action.family)}"}
    return {"type": "array", "items": item} if action.mode == LIST else item


def _portal_operation(action: Action) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status in action.statuses:
        if status == 202:
            responses["202"] = {
                "description": DESCRIPTIONS[202],
                "headers": {"Location": {"description": "/v1/task/{uuid}: the task to poll", "required": True, "schema": {"type": "string"}}},
                "content": _json(_success(action)),
            }
        elif status == 200 and action.mode == LIST:
            responses["200"] = {
                "description": DESCRIPTIONS[200],
                "headers": {"Content-Range": {"description": "items {first}-{last}/{total}", "required": True, "schema": {"type": "string"}}},
                "content": _json(_success(action)),
            }
        elif status in (200, 201):
            responses[str(status)] = {"description": DESCRIPTIONS[status], "content": _json(_success(action))}
        else:
            responses[str(status)] = _error(status)
    responses["400"] = _error(400)
    operation: dict[str, Any] = {
        "operationId": action.name.replace(":", "_"),
        "summary": action.summary,
        "tags": [action.family],
        "security": [] if action.permission == PUBLIC else [{"bearer": []}],
        "parameters": _path_parameters(action.path, action),
        "responses": responses,
    }
    operation["parameters"].extend(_list_parameters(action))
    if action.body is not None and action.method not in ("GET", "HEAD"):
        operation["requestBody"] = {
            "required": bool(action.body.get("required")),
            "content": {
                "application/json": {"schema": action.body},
                **({"application/x-www-form-urlencoded": {"schema": form_schema(action.body)}} if form_carries(action.body) else {}),
            },
        }
    return operation


def _control_operation(operation: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status in (*operation.statuses, 401):
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
                "The Nexcess/NocWorx Portal API v1, as served by portal-mock, and portal-mock's control API"
                " under /__mock. Any Portal request may carry `Prefer: code=NNN` (a one-off forced status), `Prefer: scenario=NAME`"
                " or `X-Portal-Mock-Scenario: NAME` (answer by that scenario); an unknown name is a 400."
            ),
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
