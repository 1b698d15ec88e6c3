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
import time
import traceback
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from portal_mock.domain.errors import Problem
from portal_mock.engine.state import MockState, Settings
from portal_mock.http import control, portal
from portal_mock.http.faults import apply_fault
from portal_mock.http.near_misses import closest
from portal_mock.http.wire import PortalError, problem_response
from portal_mock.scenarios.reload import watch_scenarios

log = logging.getLogger("portal_mock")


async def _portal_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortalError)
    return exc.response()


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, control=request.url.path.startswith(control.PREFIX))


async def _http_error(request: Request, exc: Exception) -> Response:
    """Routing errors (unknown path, wrong method) in the Portal's shape."""
    assert isinstance(exc, HTTPException)
    message, extra = None, None
    path = request.url.path
    if exc.status_code == 404:
        message = f"No endpoint at {request.method} {path}."
        if path.startswith("/v1/") or path == "/v1":
            extra = {"near_misses": closest(request.method, path)}
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {path}; use {exc.headers.get('Allow') if exc.headers else 'another method'}."
    return PortalError(exc.status_code, message, headers=exc.headers, extra=extra).response()


async def _server_error(request: Request, exc: Exception) -> Response:
    """The traceback goes to the log, the journal entry and the state's
    error listeners, before the 500 is sent: whoever waits for the answer
    (a test) can already see why."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    scope = request.scope
    scope["portal.error"] = "".join(traceback.format_exception(exc))
    request.app.state.mock.internal_error(scope.get("portal.key"), scope["portal.error"])
    return PortalError(500, "The mock hit an internal error; the server log has the details.").response()


class PortalApp(Starlette):
    """Starlette, plus the one layer that sees every Portal request whole and
    the server's own ``send``: it writes the journal entry and applies a
    scripted fault to the response the handler made."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(control.PREFIX):
            await super().__call__(scope, receive, send)
            return
        started, clock = time.time(), time.perf_counter()
        held: list[Message] = []
        status = 0

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            if "portal.decision" in scope and scope["portal.decision"].fault is not None:
                held.append(message)
            else:
                await send(message)

        try:
            await super().__call__(scope, receive, observe)
            if held:
                body = b"".join(m.get("body", b"") for m in held[1:])
                await apply_fault(scope["portal.decision"].fault, held[0], body, send)
        finally:
            decision = scope.get("portal.decision")
            self.state.mock.journal.record(
                time=started,
                method=scope["method"],
                path=scope["path"],
                query=scope["query_string"].decode("latin-1"),
                raw_headers=scope["headers"],
                body=scope.get("portal.body"),
                action=scope.get("portal.action"),
                key=scope.get("portal.key"),
                account=scope.get("portal.account"),
                scenario=decision.scenario if decision else None,
                rule=decision.rule if decision else None,
                status=status,
                duration=time.perf_counter() - clock,
                error=scope.get("portal.error"),
            )


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
        routes=portal.routes() + (control.routes() if state.settings.admin else []),
        lifespan=lifespan,
        exception_handlers={PortalError: _portal_error, Problem: _problem, HTTPException: _http_error, Exception: _server_error},
    )
    app.state.mock = state
    return app
