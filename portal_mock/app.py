"""The Starlette application: routes, the answers for everything that goes
wrong before or inside a handler, and the outermost layer that applies
scripted network faults.

Every error a client can cause becomes a JSON body with the Portal's
headers; an unexpected exception becomes a plain JSON 500 (the traceback
goes to the server log, never to the client) and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from . import portal
from .faults import apply_fault
from .reload import watch_scenarios
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


class PortalApp(Starlette):
    """Starlette, plus the one layer that must see the server's own ``send``:
    a scripted fault is applied to the response after the handler made it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            if "portal.decision" in scope and scope["portal.decision"].fault is not None:
                held.append(message)
            else:
                await send(message)

        await super().__call__(scope, receive, hold)
        if held:
            body = b"".join(m.get("body", b"") for m in held[1:])
            await apply_fault(scope["portal.decision"].fault, held[0], body, send)


def create_app(settings: Settings | None = None) -> PortalApp:
    """Build a mock Portal.  The state lives on ``app.state.mock``.  Raises
    ``CatalogError`` when a scenario file is invalid and ``ValueError`` for
    an unknown active scenario."""
    state = MockState(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        watcher = asyncio.create_task(watch_scenarios(state)) if state.catalog.user_dirs else None
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()

    app = PortalApp(
        routes=portal.routes(),
        lifespan=lifespan,
        exception_handlers={PortalError: _portal_error, HTTPException: _http_error, Exception: _server_error},
    )
    app.state.mock = state
    return app
