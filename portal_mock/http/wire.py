"""What every Portal response looks like on the wire: headers, JSON, errors."""

from __future__ import annotations

import json
from typing import Any, Mapping

from starlette.responses import Response

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


# One encoder for every response: json.dumps with any option builds a new
# JSONEncoder per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_PORTAL_RAW = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in PORTAL_HEADERS.items()]
_CONTENT_TYPE = (b"content-type", JSON.encode("latin-1"))


def dumps(payload: Any) -> bytes:
    return _ENCODER.encode(payload).encode("utf-8")


class PortalResponse(Response):
    """A JSON response with the vendor's headers.

    Starlette lower-cases and encodes every header of every response; the
    vendor's headers never change, so they are encoded once and the raw
    header list is built as Starlette would have built it from the merged
    headers.  Headers that replace a vendor header or set the body's
    length or type go through Starlette's ``init_headers`` unchanged.
    """

    media_type = JSON

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        extra = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()] if headers else []
        if headers and (headers.keys() & PORTAL_HEADERS.keys() or any(name in (b"content-length", b"content-type") for name, _ in extra)):
            super().init_headers({**PORTAL_HEADERS, **headers})
            return
        raw = [*_PORTAL_RAW, *extra]
        if not (self.status_code < 200 or self.status_code in (204, 304)):
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        raw.append(_CONTENT_TYPE)
        self.raw_headers = raw


def portal_response(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response carrying the vendor's headers."""
    return PortalResponse(dumps(payload), status_code=status, headers=headers)


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


STATUS_OF: tuple[tuple[type[Problem], int], ...] = ((NotFound, 404), (BadRequest, 400), (Invalid, 422), (OutOfRange, 416), (Conflict, 409))
"""The status of each kind of problem: the one place a domain error becomes
an HTTP status, for the Portal and the control API alike."""


def problem_status(problem: Problem) -> int:
    for kind, status in STATUS_OF:
        if isinstance(problem, kind):
            return status
    return 400


def problem_response(problem: Problem, control: bool = False) -> Response:
    """The answer for a problem raised below the HTTP layer: the vendor's
    error body and headers on the Portal, plain JSON on the control API."""
    status = problem_status(problem)
    body = error_body(status, problem.message, problem.errors if isinstance(problem, Invalid) else None)
    headers = {"Content-Range": f"items */{problem.total}"} if isinstance(problem, OutOfRange) else None
    if control:
        return Response(dumps(body), status_code=status, headers=headers, media_type=JSON)
    return portal_response(body, status, headers)
