"""The JSON Schema of scenario files.

Built here from the action table so a new endpoint is a valid ``match``
target the moment it exists, and from the one definition of each other
vocabulary (permissions, task outcomes, faults); ``portal_mock/scenarios/scenario.schema.json`` is this
schema written out for editors (a test keeps the two identical, and
``portal-mock schema`` prints it).  Durations are accepted here as any number
or string and checked by ``durations.parse_duration``, whose message says
what a good one looks like.
"""

from __future__ import annotations

from typing import Any

from portal_mock.catalog import ACTIONS, KINDS, PERMISSIONS
from portal_mock.domain.tasks import OUTCOMES
from portal_mock.domain.tickets import SEED_TICKET
from portal_mock.scenarios.rules import FAULTS

SCHEMA_ID = "https://portal-mock.invalid/scenario.schema.json"

_DURATION = {"type": ["number", "string"], "description": "250ms, 2s, 1m, 1h, or a number of seconds"}
_MATCHER = {
    "description": "A value to equal, or one test: equals, contains, regex, present",
    "anyOf": [
        {"type": ["string", "number", "boolean", "null", "array"]},
        {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "maxProperties": 1,
            "properties": {
                "equals": {},
                "contains": {"type": "string"},
                "regex": {"type": "string", "description": "RE2 syntax (linear-time matching: no backreferences or lookaround), found anywhere in the value"},
                "present": {"type": "boolean"},
            },
        },
    ],
}
_MATCHERS = {"type": "object", "additionalProperties": _MATCHER}
_ONE_OR_MORE = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}


def match_schema() -> dict[str, Any]:
    """A rule's ``match``; the control API's verification takes the same."""
    actions = sorted(action.name for action in ACTIONS)
    action = {"anyOf": [{"enum": actions}, {"type": "array", "items": {"enum": actions}, "minItems": 1}]}
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "Every condition given must hold; an empty match matches every request.",
        "properties": {
            "action": action,
            "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
            "path": {"type": "string", "description": "/v1/ticket/*/comment: * stands for one path segment, ** for any rest"},
            "key": _ONE_OR_MORE,
            "headers": _MATCHERS,
            "query": _MATCHERS,
            "body": _MATCHERS,
        },
    }


def scenario_schema() -> dict[str, Any]:
    match = match_schema()
    respond = {
        "type": "object",
        "additionalProperties": False,
        "required": ["status"],
        "properties": {
            "status": {"type": "integer"},
            "headers": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
            "body": {},
        },
    }
    delay = {
        "anyOf": [
            _DURATION,
            {"const": "never"},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["min", "max"],
                "properties": {"min": _DURATION, "max": _DURATION},
            },
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["median", "sigma"],
                "properties": {"median": _DURATION, "sigma": {"type": "number", "minimum": 0}},
            },
        ]
    }
    task = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "after": delay,
            "after_polls": {"type": "integer", "minimum": 1},
            "outcome": {"enum": list(OUTCOMES)},
            "errors": {"type": "object"},
            "resource": {"type": ["object", "null"]},
        },
    }
    latency = {
        "anyOf": [
            _DURATION,
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["min", "max"],
                "properties": {"min": _DURATION, "max": _DURATION},
            },
        ]
    }
    fault = {
        "anyOf": [
            {"enum": list(FAULTS)},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["type"],
                "properties": {"type": {"enum": ["slow_body"]}, "duration": _DURATION},
            },
        ]
    }
    rule = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "match": match,
            "times": {"type": "integer"},
            "every": {"type": "integer", "minimum": 1},
            "rate": {
                "type": "object",
                "additionalProperties": False,
                "required": ["requests", "per"],
                "properties": {"requests": {"type": "integer", "minimum": 1}, "per": _DURATION},
            },
            "respond": respond,
            "task": task,
            "latency": latency,
            "fault": fault,
        },
    }
    key = {
        "type": ["object", "null"],
        "additionalProperties": False,
        "properties": {
            "user": {"type": "string", "description": "<name> - <email>"},
            "account": {"type": "string", "description": "keys naming the same account share its tickets and tasks"},
            "permissions": {"type": "array", "items": {"enum": list(PERMISSIONS)}},
            "scenario": {"type": "string"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "portal-mock scenario",
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$", "maxLength": 100},
            "description": {"type": "string"},
            "seed": {"type": ["integer", "string"]},
            "keys": {"type": "object", "additionalProperties": key},
            "tickets": {
                "type": "array",
                "items": SEED_TICKET,
                "description": "tickets every account using this scenario starts with; Faker fills what is left out",
            },
            "resources": {
                "type": "object",
                "description": "resources of any kind every account using this scenario starts with: a count, or partial records (Faker fills the rest)",
                "propertyNames": {"enum": sorted(kind for kind in KINDS if kind not in ("ticket", "webhook", "user", "client"))},
                "additionalProperties": {
                    "anyOf": [
                        {"type": "integer", "minimum": 0, "maximum": 1000},
                        {"type": "array", "items": {"type": "object"}, "maxItems": 1000},
                    ]
                },
            },
            "rules": {"type": "array", "items": rule},
        },
    }
