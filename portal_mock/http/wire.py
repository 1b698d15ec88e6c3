"""What every Portal response looks like on the wire: headers, JSON, errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import Message, Send

from portal_mock.domain.errors import (
    BadRequest,
    Conflict,
    Invalid,
    NotFound,
    OutOfRange,
    Problem,
)
from portal_mock.domain.tasks import API_VERSION

PORTAL_HEADERS = {
    "Server": "nginx",
    "NocWorx-Api-Version": API_VERSION,
    "X-Powered-By": "PHP/7.4.3",
    "Served-By": "nwdev-web01-int",
}
JSON = "application/json"

REASONS = {
    400: "The request could not be understood.",
    401: "You are not logged in, or your token has expired.",
    403: "You do not have permission to do that.",
    404: "Not found.",
    405: "Method not allowed.",
    408: "The request took too long to arrive.",
    409: "The request conflicts with the current state.",
    413: "The request body is larger than 1 MiB.",
    415: "Unsupported media type: send application/json or application/x-www-form-urlencoded.",
    416: "Requested range not satisfiable.",
    422: "The given data was invalid.",
    429: "Too many requests.",
    500: "Internal server error.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable.",
    504: "Gateway timeout.",
}


# The standard library's encoder is the fallback for what orjson refuses
# (integers past 64 bits in echoed input, a lone surrogate in a string built
# in Python); one instance each, since json.dumps with any option builds a
# new encoder per call.
_FALLBACK = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_ESCAPING = json.JSONEncoder(separators=(",", ":"))
_PORTAL_RAW = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in PORTAL_HEADERS.items()]
_CONTENT_TYPE = (b"content-type", JSON.encode("latin-1"))
_OWN = frozenset(name.lower() for name in PORTAL_HEADERS) | {"content-length", "content-type"}


def dumps(payload: Any) -> bytes:
    """Compact UTF-8 JSON, as the vendor sends it; a string no UTF-8 can
    carry (a lone surrogate) is written as its ``\\udXXX`` escape rather
    than failing the answer."""
    try:
        return orjson.dumps(payload)
    except TypeError:
        pass
    try:
        return _FALLBACK.encode(payload).encode("utf-8")
    except UnicodeEncodeError:
        return _ESCAPING.encode(payload).encode("ascii")


def has_body(status: int) -> bool:
    """HTTP forbids a body on 1xx, 204 and 304 answers."""
    return not (status < 200 or status in (204, 304))


def raw_headers(status: int, body: bytes, headers: Mapping[str, str] | None = None) -> list[tuple[bytes, bytes]]:
    """The header list of a Portal response, exactly as Starlette builds it
    from the vendor's headers merged with ``headers``.  The vendor's are
    encoded once, at import; only a header that replaces one of them (or
    the body's length or type) goes through Starlette's own merge."""
    raw = _PORTAL_RAW.copy()
    if headers:
        for name, value in headers.items():
            lower = name.lower()
            if lower in _OWN:
                return Response(body, status_code=status, headers={**PORTAL_HEADERS, **headers}, media_type=JSON).raw_headers
            raw.append((lower.encode("latin-1"), value.encode("latin-1")))
    if has_body(status):
        raw.append((b"content-length", str(len(body)).encode("latin-1")))
    raw.append(_CONTENT_TYPE)
    return raw


class Reply:
    """A finished Portal answer: status, header list and body, sent as the
    two ASGI messages they make.  The layer that journals and applies
    faults holds it whole, so nothing needs to be read back from a
    ``send``."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.status = status
        self.body = body if has_body(status) else b""
        self.headers = headers

    def start(self) -> Message:
        return {"type": "http.response.start", "status": self.status, "headers": self.headers}

    async def send(self, send: Send, head: bool = False) -> None:
        await send(self.start())
        await send({"type": "http.response.body", "body": b"" if head else self.body})


def reply(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    """A JSON answer with the vendor's headers."""
    body = dumps(payload)
    return Reply(status, body, raw_headers(status, body, headers))


def portal_response(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """``reply`` as a Starlette response, for the rare Portal-style answer
    given from inside the Starlette app."""
    answer = reply(payload, status, headers)
    response = Response(answer.body, status_code=status)
    response.raw_headers = answer.headers
    return response


def error_body(status: int, message: str | None = None, errors: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message or REASONS.get(status, "Error.")}
    if errors is not None:
        body["errors"] = dict(errors)
    return body


class PortalError(Exception):
    """An error answer for a client: raised anywhere below a handler, turned
    into the vendor-style JSON body by the app's exception handler."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message or REASONS.get(status, "Error."))
        self.status = status
        self.body = error_body(status, message, errors)
        if extra:
            self.body.update(extra)
        self.headers = dict(headers or {})
        if status == 401:
            self.headers.setdefault("WWW-Authenticate", "Bearer")

    def response(self) -> Response:
        return portal_response(self.body, self.status, self.headers)

    def reply(self) -> Reply:
        return reply(self.body, self.status, self.headers)


STATUS_OF: tuple[tuple[type[Problem], int], ...] = ((NotFound, 404), (BadRequest, 400), (Invalid, 422), (OutOfRange, 416), (Conflict, 409))
"""The status of each kind of problem: the one place a domain error becomes
an HTTP status, for the Portal and the control API alike."""


def problem_status(problem: Problem) -> int:
    for kind, status in STATUS_OF:
        if isinstance(problem, kind):
            return status
    return 400


def _problem_parts(problem: Problem) -> tuple[int, dict[str, Any], dict[str, str] | None]:
    status = problem_status(problem)
    body = error_body(status, problem.message, problem.errors if isinstance(problem, Invalid) else None)
    headers = {"Content-Range": f"items */{problem.total}"} if isinstance(problem, OutOfRange) else None
    return status, body, headers


def problem_reply(problem: Problem) -> Reply:
    """The Portal's answer for a problem raised below the HTTP layer."""
    status, body, headers = _problem_parts(problem)
    return reply(body, status, headers)


def problem_response(problem: Problem, control: bool = False) -> Response:
    """``problem_reply`` as a Starlette response; plain JSON, without the
    vendor's headers, for the control API."""
    status, body, headers = _problem_parts(problem)
    if control:
        return Response(dumps(body), status_code=status, headers=headers, media_type=JSON)
    return portal_response(body, status, headers)
