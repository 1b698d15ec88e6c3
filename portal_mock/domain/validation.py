"""Checks Portal input (and seeded state) against the JSON Schemas in
``actions`` and ``tickets``.

Only the handful of keywords those schemas use are understood (``type``,
``required``, ``enum``, ``minLength``, ``pattern``, ``minimum``,
``maximum``, ``items``, nested ``properties``, ``additionalProperties:
false``, ``allOf`` of ``if``/``then``, and the formats ``email`` and
``webhook-url``).  A general validator would stop at the first error
per keyword or word its messages for schema authors; a Portal client wants
every bad field named at once, in a sentence it can show to a person.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from portal_mock.domain.webhooks import url_problem

REQUIRED = "This field is required."
_WIRE_INTEGER = re.compile(r"-?[0-9]{1,18}")
WIRE_INTEGER_MAX = 10**18 - 1
"""The largest integer ``wire_integer`` reads (and the OpenAPI document admits)."""


def wire_integer(text: str) -> int | None:
    """An integer as a request writes one — ASCII digits, an optional minus,
    at most 18 digits — or ``None``.  Every integer read from a header, a
    query or a form goes through here: ``int()`` alone takes Unicode digits
    (``²``) and refuses past 4,300 digits with an exception."""
    text = text.strip()
    return int(text) if _WIRE_INTEGER.fullmatch(text) else None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number", "array": "a list", "object": "an object", "boolean": "true or false"}


def _is_type(value: Any, kind: str | list[str]) -> bool:
    if isinstance(kind, list):
        return any(_is_type(value, one) for one in kind)
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or _integral(value)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "null":
        return value is None
    return True


def _integral(value: Any) -> bool:
    """A JSON number with no fraction (``4.0``), which JSON Schema counts as
    an integer (the JSON decoder reads integers past 64 bits so too)."""
    return isinstance(value, float) and value.is_integer()


def _as_integer(value: Any) -> Any:
    """``4.0`` stored as ``4``; one too large for the wire stays the number
    it is, so encoding it again cannot fail."""
    return int(value) if _integral(value) and abs(value) <= WIRE_INTEGER_MAX else value


_ECMA_SPACE = "\\t\\n\\x0b\\x0c\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
"""What ``\\s`` is in a JSON Schema pattern (ECMA-262): not Python's, which
also counts ``\\x1c``-``\\x1f`` and ``\\x85`` and leaves out ``\\ufeff``."""


@cache
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A schema's ``pattern`` compiled to mean what the OpenAPI document
    says it means to any client (ECMA-262): ``\\s`` and ``\\S`` are ECMA's
    white space, and ``$`` is the end of the text, never before a final
    newline as Python's is.  ``.`` keeps Python's meaning (any character
    but ``\\n``; ECMA's also stops at ``\\r``), as schemathesis generates it;
    a pattern that must say which line breaks it takes names them."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped == "s":
                out.append(_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{_ECMA_SPACE}]")
            else:
                assert escaped != "S", f"\\S inside a class has no ECMA translation here: {pattern}"
                out.append(char + escaped)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
        index += 1
    return re.compile("".join(out))


def _check(value: Any, rule: dict[str, Any]) -> list[str]:
    kind = rule.get("type")
    if kind and not _is_type(value, kind):
        kinds = [k for k in (kind if isinstance(kind, list) else [kind]) if k != "null"]
        return [f"Must be {' or '.join(_TYPE_NAMES.get(k, k) for k in kinds)}."]
    problems = []
    if "enum" in rule and value not in rule["enum"]:
        problems.append(f"Must be one of: {', '.join(str(v) for v in rule['enum'] if v is not None)}.")
    if "minLength" in rule and isinstance(value, str) and len(value) < rule["minLength"]:
        problems.append(f"Must be at least {rule['minLength']} characters.")
    if "pattern" in rule and isinstance(value, str) and not ecma_pattern(rule["pattern"]).search(value):
        problems.append("Must not be empty." if rule["pattern"] == r"\S" else f"Must match {rule['pattern']}.")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if "minimum" in rule and number and value < rule["minimum"]:
        problems.append(f"Must be at least {rule['minimum']}.")
    if "maximum" in rule and number and value > rule["maximum"]:
        problems.append(f"Must be at most {rule['maximum']}.")
    if rule.get("format") == "email" and isinstance(value, str) and not _EMAIL.match(value):
        problems.append(f"{value!r} is not an email address.")
    if rule.get("format") == "webhook-url" and (problem := url_problem(value)):
        problems.append(problem)
    if isinstance(value, list) and "items" in rule:
        for index, item in enumerate(value):
            problems.extend(f"Item {index + 1}: {p}" for p in _check(item, rule["items"]))
            if "properties" in rule["items"] and isinstance(item, dict):
                nested = validate(rule["items"], item)
                problems.extend(f"Item {index + 1}: {name}: {p}" for name, ps in nested.items() for p in ps)
    return problems


def validate(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, list[str]]:
    """Every problem with ``data``, keyed by field; empty when it is valid.

    ``null`` is accepted where the schema allows it (the Portal's optional
    fields do, meaning "not given"; forms drop empty fields before they get
    here, since a form cannot leave a field out); fields the schema does not name are
    ignored, as the vendor's PHP backend ignores them, unless the schema says
    ``additionalProperties: false``.  Problems inside a nested object are
    keyed by their path, as ``auth.type``; an ``allOf`` branch's ``then``
    applies when its ``if`` holds (``auth.token`` is required for bearer).
    """
    errors: dict[str, list[str]] = {}
    properties = schema.get("properties", {})
    required = schema.get("required", ())
    for name in required:
        if data.get(name) is None:
            errors[name] = [REQUIRED]
    for name, rule in properties.items():
        if name not in data or name in errors:
            continue
        problems = _check(data[name], rule)
        if problems:
            errors[name] = problems
        elif _allows(rule, "object") and "properties" in rule and isinstance(data[name], dict):
            errors.update({f"{name}.{inner}": p for inner, p in validate(rule, data[name]).items()})
    if schema.get("additionalProperties") is False:
        errors.update({name: ["Unknown field."] for name in data if name not in properties})
    for branch in schema.get("allOf", ()):
        if not validate(branch["if"], data):
            for name, problems in validate(branch["then"], data).items():
                errors.setdefault(name, problems)
    return errors


def clean(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The accepted input: the schema's fields only, ``null`` ones dropped,
    at every level of nested objects that name their properties, and
    integers written as ``4.0`` stored as the integers they are."""
    accepted = {}
    for name, rule in schema.get("properties", {}).items():
        value = data.get(name)
        if value is None:
            continue
        if _allows(rule, "object") and "properties" in rule and isinstance(value, dict):
            value = clean(rule, value)
        elif _allows(rule, "integer"):
            value = _as_integer(value)
        elif _allows(rule, "array") and isinstance(value, list) and _allows(rule.get("items", {}), "integer"):
            value = [_as_integer(item) for item in value]
        accepted[name] = value
    return accepted


def nullable(rule: dict[str, Any]) -> dict[str, Any]:
    """``rule``, also accepting ``null`` (for an optional field: "not given")."""
    widened = {**rule, "type": [rule["type"], "null"]}
    if "enum" in rule:
        widened["enum"] = [*rule["enum"], None]
    return widened


def _allows(rule: dict[str, Any], kind: str) -> bool:
    declared = rule.get("type")
    return declared == kind or (isinstance(declared, list) and kind in declared)


_INDEXED = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<index>[^\[\]]*)\]$")


def from_form(schema: dict[str, Any], pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Turn ``application/x-www-form-urlencoded`` pairs into typed input.

    PHP conventions: ``recipients[]=a&recipients[]=b`` (or ``recipients[0]=``)
    build a list; ``auth[type]=basic`` builds an object, one level deep;
    integers and booleans arrive as text and are converted when the text is
    one, left as strings otherwise so validation names the field.  An
    empty field is the empty string, checked as the JSON ``""`` is: a form
    leaves a field out by not sending it.
    """
    properties = schema.get("properties", {})
    data: dict[str, Any] = {}
    for raw_name, value in pairs:
        indexed = _INDEXED.match(raw_name)
        name = indexed.group("name") if indexed else raw_name
        rule = properties.get(name, {})
        if _allows(rule, "object") and indexed and indexed.group("index"):
            data.setdefault(name, {})
            if isinstance(data[name], dict):
                data[name][indexed.group("index")] = value
            continue
        if _allows(rule, "array") or indexed:
            data.setdefault(name, [])
            if isinstance(data[name], list):
                data[name].append(_form_value(rule.get("items", {}), value))
            continue
        data[name] = _form_value(rule, value)
    return data


_FORM_BOOLEANS = {"true": True, "false": False}


def _form_value(rule: dict[str, Any], value: str) -> Any:
    """One form value as the type ``rule`` asks for, where the text is one
    (digits for an integer, ``true`` or ``false`` for a boolean);
    otherwise the text, so validation names the field."""
    if _allows(rule, "integer") and (number := wire_integer(value)) is not None:
        return number
    if _allows(rule, "boolean") and value.lower() in _FORM_BOOLEANS:
        return _FORM_BOOLEANS[value.lower()]
    return value


def form_carries(schema: dict[str, Any]) -> bool:
    """Whether a form can carry input of ``schema``: scalars, lists of
    scalars and objects of scalars (``auth[type]=basic``); a list of
    objects (an order's items) needs JSON."""

    def scalar(rule: dict[str, Any]) -> bool:
        return not (_allows(rule, "array") or _allows(rule, "object"))

    for rule in schema.get("properties", {}).values():
        if _allows(rule, "array") and not scalar(rule.get("items", {})):
            return False
        if _allows(rule, "object") and not all(scalar(inner) for inner in rule.get("properties", {}).values()):
            return False
    return True


SURROGATE = re.compile("[\ud800-\udfff]")
"""A code point no UTF-8 can carry: half of a UTF-16 surrogate pair, or an
undecodable byte as ``errors="surrogateescape"`` keeps it.  A Python string
holding one cannot be encoded, so none may enter what the mock stores."""


def shown(text: str) -> str:
    """``text`` printable and encodable: each lone surrogate as ``\\udXXX``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def lone_surrogates(value: Any) -> list[str]:
    """Where ``value`` (decoded JSON) holds a lone surrogate, in a key or a
    string, as dotted paths (``subject``, ``recipients.1``,
    ``user_data.a.b``; a bad key named by itself, escaped); empty when it
    is all text.  Walked without recursion, as bodies may nest deep."""
    found: list[str] = []
    pending: list[tuple[Any, str]] = [(value, "")]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            if SURROGATE.search(item):
                found.append(path)
        elif isinstance(item, dict):
            for key, inner in item.items():
                here = f"{path}.{shown(key)}" if path else shown(key)
                if SURROGATE.search(key):
                    found.append(here)
                else:
                    pending.append((inner, here))
        elif isinstance(item, list):
            pending.extend((inner, f"{path}.{index}" if path else str(index)) for index, inner in enumerate(item))
    return sorted(found)
