"""Reading and decoding request bodies without trusting them.

Bodies are read with a hard size limit (checked against ``Content-Length``
first, then while streaming, since the header can lie or be absent) and
decoded as JSON or as a PHP-style form.  Every way a body can be wrong ends
in a ``PortalError`` the client can read, never in an exception that reaches
the server.

This is where a body's text is checked, for the Portal and the control API
alike: what passes is Unicode text every encoder can write (no lone
surrogate in a JSON string or key, no form field whose percent-encoding is
not UTF-8), so nothing stored or journaled from it can fail to encode.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote

import orjson
from starlette.requests import Request
from starlette.types import Receive

from portal_mock.domain.validation import from_form, lone_surrogates
from portal_mock.http.wire import PortalError

MAX_BODY = 1024 * 1024
MAX_DEPTH = 32
TOO_DEEP = f"The request body is nested deeper than {MAX_DEPTH} levels."
FORM = "application/x-www-form-urlencoded"
_UNDECODED = re.compile("[\udc80-\udcff]+")
"""Bytes that were no UTF-8, as ``errors="surrogateescape"`` keeps them."""


class ClientGone(Exception):
    """The client disconnected before its body arrived: nobody is left to
    answer, and nothing went wrong inside the mock."""


async def read_stream(receive: Receive, declared: str | None, limit: int = MAX_BODY) -> bytes:
    """The body from the ASGI ``receive`` channel, refused past ``limit``:
    by the declared ``Content-Length`` first, then while it streams in,
    since the header can lie or be absent."""
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()) or len(declared) > 18:
            raise PortalError(400, "Content-Length is not a number.")
        if int(declared) > limit:
            raise PortalError(413)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PortalError(413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """``read_stream`` for a Starlette request."""
    return await read_stream(request.receive, request.headers.get("content-length"), limit)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def decode(raw: bytes, kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The body as a dict of input fields.

    An empty body is an empty object whatever its declared type, so a missing
    body is reported as missing fields rather than as a syntax error; so is
    the JSON ``[]``, which is how PHP clients encode an empty parameter
    array (the Portal, a PHP service, decodes ``[]`` and ``{}`` alike).
    With no ``Content-Type`` the body is read as JSON, the Portal's native
    format.
    """
    if not raw.strip():
        return {}
    if kind == FORM:
        text = _text(raw)
        if text.lstrip().startswith(("{", "[")):
            raise PortalError(422, f"The body looks like JSON but was sent as {FORM} (curl -d does that); send Content-Type: application/json.")
        return from_form(schema, _form_pairs(text))
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise PortalError(415, f"Unsupported media type {kind!r}: send application/json or {FORM}.")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        _text(raw)
        if "depth limit" in str(error):
            raise PortalError(422, TOO_DEEP) from None
        _refuse_surrogates(raw)
        raise PortalError(422, f"The request body is not valid JSON: {error}.") from None
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and _depth(data) > MAX_DEPTH:
        raise PortalError(422, TOO_DEEP)
    if data == []:
        return {}
    if not isinstance(data, dict):
        raise PortalError(422, f"The request body must be a JSON object, not {_json_kind(data)}.")
    return data


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PortalError(422, "The request body is not valid UTF-8.") from None


def _refuse_surrogates(raw: bytes) -> None:
    """orjson refuses a lone surrogate (``"\\ud800"``) as bad JSON without
    naming the field; the standard library reads one, so a body orjson
    refused is read again to name every field that holds one."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return
    fields = lone_surrogates(data)
    if fields:
        problem = "Must be text: a lone surrogate is half of a UTF-16 pair; send both halves of a character past U+FFFF, or the character in UTF-8."
        raise PortalError(422, f"The request body holds a lone surrogate, which is not text, in {', '.join(fields)}.", {field: [problem] for field in fields})


def _form_pairs(text: str) -> list[tuple[str, str]]:
    """The form's fields, each name and value percent-decoded as UTF-8; one
    whose bytes are not UTF-8 (``%ED%A0%80``, Latin-1's ``%E9``) is a 422
    naming the field as it was sent."""
    pairs = parse_qsl(text, keep_blank_values=True, errors="surrogateescape")
    errors: dict[str, list[str]] = {}
    for name, value in pairs:
        bad = [run.group() for part in (name, value) for run in _UNDECODED.finditer(part)]
        if bad:
            bytes_sent = "".join(quote(run, errors="surrogateescape") for run in bad)
            problem = f"Must be UTF-8 text: {bytes_sent} is not; percent-encode each character's UTF-8 bytes."
            errors.setdefault(quote(name, safe="[]", errors="surrogateescape"), []).append(problem)
    if errors:
        raise PortalError(422, f"The request body is not UTF-8 text in {', '.join(errors)}.", errors)
    return pairs


def _depth(value: Any) -> int:
    """How deeply objects and lists nest in ``value``, counted without
    recursion; anything past ``MAX_DEPTH`` would later overflow the stack
    when the input is echoed, encoded or flattened for a webhook."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                break
            pending.extend((inner, level + 1) for inner in (item.values() if isinstance(item, dict) else item))
    return deepest


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string" if isinstance(value, str) else "an array"
