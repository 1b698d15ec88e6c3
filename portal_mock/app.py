"""The Starlette application: routes, and the answers for everything that
goes wrong before or inside a handler.

Every error a client can cause becomes a JSON body with the Portal's
headers; an unexpected exception becomes a plain JSON 500 (the traceback
goes to the server log, never to the client) and the server keeps serving.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from . import portal
from .state import MockState, Settings
from .wire import PortalError

log = logging.getLogger("portal_mock")


async def _portal_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortalError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    """Routing errors (unknown path, wrong method) in the Portal's shape."""
    assert isinstance(exc, HTTPException)
    message = None
    if exc.status_code == 404:
        message = f"No endpoint at {request.method} {request.url.path}."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}; use {exc.headers.get('Allow') if exc.headers else 'another method'}."
    return PortalError(exc.status_code, message, headers=exc.headers).response()


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return PortalError(500, "The mock hit an internal error; the server log has the details.").response()


def create_app(settings: Settings | None = None) -> Starlette:
    """Build a mock Portal.  The state lives on ``app.state.mock``."""
    state = MockState(settings or Settings())
    app = Starlette(
        routes=portal.routes(),
        exception_handlers={PortalError: _portal_error, HTTPException: _http_error, Exception: _server_error},
    )
    app.state.mock = state
    return app
