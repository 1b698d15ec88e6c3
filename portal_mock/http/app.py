"""The application: the Portal layer outermost (it serves ``/v1``, applies
scripted faults and keeps the journal), and Starlette inside it for the
control plane, with the answers for everything that goes wrong there.

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
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal_mock.catalog import shown_path
from portal_mock.domain.errors import Problem
from portal_mock.domain.redaction import redact, redact_error
from portal_mock.engine.state import MockState, Settings
from portal_mock.http import control, portal
from portal_mock.http.bodies import ClientGone
from portal_mock.http.faults import apply_fault
from portal_mock.http.record import RequestRecord
from portal_mock.http.server import READ_TIMED_OUT
from portal_mock.http.wire import PortalError, Reply, problem_response
from portal_mock.scenarios.reload import watch_scenarios

log = logging.getLogger("portal_mock")
access = logging.getLogger("portal_mock.access")
"""``serve --access-log``'s lines, one per request (see ``PortalLayer``)."""

INTERNAL_ERROR = "The mock hit an internal error; the server log has the details."
CLIENT_GONE = 499
"""The journal's status for a request whose client left before it was
answered (nginx's code for it): nothing was sent."""


async def _portal_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortalError)
    return exc.response()


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, control=control.addresses(request.url.path))


async def _http_error(request: Request, exc: Exception) -> Response:
    """The control plane's routing errors (unknown path, wrong method) in
    the shape the Portal layer gives its own."""
    assert isinstance(exc, HTTPException)
    message = None
    path = request.url.path
    if exc.status_code == 404:
        message = f"No endpoint at {request.method} {path}."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {path}; use {exc.headers.get('Allow') if exc.headers else 'another method'}."
    return PortalError(exc.status_code, message, headers=exc.headers).response()


async def _client_gone(request: Request, exc: Exception) -> Response:
    """A control request whose client left mid-body: nobody reads the
    answer, and nothing went wrong inside the mock, so nothing is logged."""
    return Response(status_code=408 if request.scope.get(READ_TIMED_OUT) else CLIENT_GONE)


async def _server_error(request: Request, exc: Exception) -> Response:
    """A control request failed: the traceback goes to the log and the
    state's error listeners before the 500 is sent, never to the client."""
    shown = redact_error("".join(traceback.format_exception(exc)), None)
    log.error("unhandled error on %s %s\n%s", request.method, request.url.path, shown.rstrip())
    request.app.state.mock.internal_error(None, shown)
    return PortalError(500, INTERNAL_ERROR).response()


class PortalLayer:
    """The outermost layer, a plain ASGI middleware: it answers every HTTP
    request outside the control plane as the Portal, applies the scripted
    fault to the answer, and writes the request's journal entry from its
    ``RequestRecord``.  Everything else (the control plane, lifespan) goes
    on to the Starlette app.

    It must be outermost: a fault drops the connection through the server's
    own ``send``, which any Starlette middleware would wrap.

    With access logging on it also logs each request, from the same
    record: a Portal request with its action, the rule that decided it and
    the key redacted; a control request with only its status and duration
    (the control plane has no action or rule, and its query may hold a
    full key)."""

    def __init__(self, app: ASGIApp, state: MockState) -> None:
        self.app = app
        self.state = state
        self.portal = portal.Portal(state)
        self.access_log = state.settings.access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or control.addresses(scope["path"]):
            if scope["type"] == "http" and scope["path"] == control.PREFIX:
                scope = {**scope, "path": control.PREFIX + "/", "raw_path": control.PREFIX.encode() + b"/"}
            if self.access_log and scope["type"] == "http":
                await self._logged_control(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        started, clock = time.time(), time.perf_counter()
        record = scope["portal.record"] = RequestRecord(scope["query_string"].decode("latin-1"))
        status = 0
        try:
            try:
                answer = await self.portal.answer(scope, receive, record)
            except ClientGone:
                status = 408 if scope.get(READ_TIMED_OUT) else CLIENT_GONE
                return
            except Exception as error:
                answer = self._internal_error(scope, record, error)
            status = answer.status
            fault = record.decision.fault if record.decision is not None else None
            if fault is None:
                await answer.send(send, head=scope["method"] == "HEAD")
            else:
                await apply_fault(fault, answer.start(), answer.body, send)
        finally:
            decision = record.decision
            duration = time.perf_counter() - clock
            if self.access_log:
                access.info(
                    "%s %s -> %d in %.1f ms %s [%s] key %s",
                    scope["method"],
                    shown_path(record.action, scope["path"]),
                    status,
                    duration * 1000,
                    record.action or "-",
                    f"{decision.scenario}: {decision.rule}" if decision else "no rule",
                    redact(record.key) if record.key else "-",
                )
            self.state.journal.record(
                time=started,
                method=scope["method"],
                path=scope["path"],
                query=record.query,
                raw_headers=scope["headers"],
                body=record.body,
                sent=record.sent,
                action=record.action,
                key=record.key,
                account=record.account,
                scenario=decision.scenario if decision else None,
                rule=decision.rule if decision else None,
                status=status,
                duration=duration,
                error=record.error,
                proxied=record.proxied,
            )

    async def _logged_control(self, scope: Scope, receive: Receive, send: Send) -> None:
        clock, status = time.perf_counter(), 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            access.info("%s %s -> %d in %.1f ms control", scope["method"], scope["path"], status, (time.perf_counter() - clock) * 1000)

    def _internal_error(self, scope: Scope, record: RequestRecord, error: Exception) -> Reply:
        """The traceback goes to the log, the journal entry and the state's
        error listeners before the 500 is sent: whoever waits for the answer
        (a test) can already see why."""
        record.error = redact_error("".join(traceback.format_exception(error)), record.key)
        log.error("unhandled error on %s %s\n%s", scope["method"], shown_path(record.action, scope["path"]), record.error.rstrip())
        self.state.internal_error(record.key, record.error)
        return PortalError(500, INTERNAL_ERROR).reply()


class PortalApp(Starlette):
    """Starlette for the control plane, with the ``PortalLayer`` around it all."""

    def build_middleware_stack(self) -> ASGIApp:
        return PortalLayer(super().build_middleware_stack(), self.state.mock)


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
        routes=[control.routes()] if state.settings.admin else [],
        lifespan=lifespan,
        exception_handlers={ClientGone: _client_gone, PortalError: _portal_error, Problem: _problem, HTTPException: _http_error, Exception: _server_error},
    )
    app.state.mock = state
    return app
