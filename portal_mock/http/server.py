"""How the mock is served: uvicorn with the ``Limits`` every connection
lives under (``GuardedProtocol``) and a shutdown bounded in time
(``MockServer``), for ``portal-mock serve`` and ``LiveServer`` alike.

``LiveServer`` runs an app on a loopback socket in a background thread,
for the pytest plugin and the project's own tests: the server is real
(uvicorn, a real socket) but lives in the test process, so it starts in
milliseconds and stops with the session.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httptools
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("portal_mock")

READ_TIMED_OUT = "portal_mock.read_timed_out"
"""Set in a request's scope when the server stopped waiting for its body:
the app, which then sees the client as gone, journals the 408 it got."""


@dataclass(frozen=True)
class Limits:
    """What a client may cost the server, in time and bytes.

    ``read_timeout``: seconds from a request's first byte until its head and
    body have arrived (408 otherwise), so a client sending byte by byte
    holds a connection for a bounded time.  ``keep_alive``: seconds an idle
    connection (a new one, or one between requests) stays open.
    ``max_header_bytes``: the request line and headers together (431
    past it).  ``shutdown_grace``: seconds a stopping server waits for
    requests in flight before it closes every connection still open."""

    read_timeout: float = 10.0
    keep_alive: float = 5.0
    max_header_bytes: int = 64 * 1024
    shutdown_grace: float = 5.0


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one.  Binding here rather than
    in uvicorn lets the caller learn the real port before serving.

    The protocol is named (``IPPROTO_TCP``, not the default 0) because
    asyncio's event loop turns Nagle's algorithm off only on sockets that say
    they are TCP; without it every keep-alive answer written in two pieces
    waits for the client's delayed ACK, about 40 ms (uvloop does not check)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Refused(Exception):
    """Raised inside the HTTP parser to stop reading a request the
    protocol has already answered."""


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the ``Limits`` it lacks: a timer
    for reading each request (head and body), idle connections closed
    from the moment they open, and a bound on the head's size.  The
    answers are the Portal's JSON errors, and the connection closes after
    them: the rest of such a request cannot be trusted to frame the next."""

    def __init__(self, config: uvicorn.Config, *args: object, **kwargs: object) -> None:
        super().__init__(config, *args, **kwargs)  # type: ignore[arg-type]
        self.limits = config.limits if isinstance(config, ServerConfig) else Limits()
        self.read_timer: asyncio.TimerHandle | None = None
        self.reading_since: float | None = None
        """When the request being read began arriving; ``None`` between requests."""
        self.head_bytes = 0
        self.refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.timeout_keep_alive_task = self.loop.call_later(self.limits.keep_alive, self.timeout_keep_alive_handler)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.read_timer is not None:
            self.read_timer.cancel()
            self.read_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # the rest of a refused request, read only so closing sends no reset
        if self.reading_since is None:
            self._start_read_timer()
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError:
            if self.refused:
                return
            self.logger.warning("Invalid HTTP request received.")
            self.send_400_response("Invalid HTTP request received.")
        except httptools.HttpParserError:
            self.logger.warning("Invalid HTTP request received.")
            self.send_400_response("Invalid HTTP request received.")
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_bytes = 0
        if self.reading_since is None:
            self._start_read_timer()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        self._stop_read_timer()
        super().on_message_complete()

    def _count(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > self.limits.max_header_bytes:
            self._refuse(431, f"The request line and headers are larger than {self.limits.max_header_bytes} bytes.")
            raise _Refused()

    def _start_read_timer(self) -> None:
        """Start a request's time.  One timer per connection serves every
        request on it: ending a request only marks it read, and a timer
        that fires early for the request now being read waits again, so a
        keep-alive connection schedules a timer per ``read_timeout``, not
        one per request."""
        self.reading_since = self.loop.time()
        if self.read_timer is None:
            self.read_timer = self.loop.call_at(self.reading_since + self.limits.read_timeout, self._read_deadline)

    def _stop_read_timer(self) -> None:
        self.reading_since = None

    def _read_deadline(self) -> None:
        self.read_timer = None
        if self.reading_since is None:
            return
        deadline = self.reading_since + self.limits.read_timeout
        if self.loop.time() < deadline:
            self.read_timer = self.loop.call_at(deadline, self._read_deadline)
        else:
            self._read_timed_out()

    def _read_timed_out(self) -> None:
        """The request did not arrive in time.  Unanswered, it gets a 408;
        an app waiting for its body is told the client is gone, with the
        scope saying why."""
        self.reading_since = None
        if self.transport.is_closing() or self.refused:
            return
        cycle = self.cycle
        reading_body = cycle is not None and cycle.more_body and not cycle.response_complete
        if cycle is not None and reading_body and cycle.response_started:
            self.transport.close()
            return
        if cycle is not None and not reading_body and not cycle.response_complete:
            # The next request's head is slow while the last one is still
            # being answered: its time starts once the connection is free.
            self._start_read_timer()
            return
        if cycle is not None and reading_body:
            cycle.scope[READ_TIMED_OUT] = True  # type: ignore[literal-required]
        self._refuse(408, f"The request did not arrive within {self.limits.read_timeout:g} seconds.")
        if cycle is not None and reading_body:
            cycle.disconnected = True
            cycle.message_event.set()

    def _refuse(self, status: int, message: str) -> None:
        log.warning("refused a request from %s: %d %s", f"{self.client[0]}:{self.client[1]}" if self.client else "?", status, message)
        # Imported here: the bench's baseline loads this module on its own,
        # without the package, and never refuses.
        from portal_mock.http.wire import PortalError

        answer = PortalError(status, message).reply()
        head = [f"HTTP/1.1 {status} {REFUSALS[status]}\r\n".encode()]
        head.extend(name + b": " + value + b"\r\n" for name, value in [*self.server_state.default_headers, *answer.headers])
        self.transport.write(b"".join(head) + b"connection: close\r\n\r\n" + answer.body)
        self.refused = True
        # A close with unread input would reset the connection and could
        # destroy the answer before the client reads it: end the sending
        # side, discard what still comes, and close a moment later.
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER, self.transport.close)
        else:
            self.transport.close()


LINGER = 2.0
"""Seconds a refused connection still reads (and discards) input before closing."""

REFUSALS = {408: "Request Timeout", 431: "Request Header Fields Too Large"}


LAST_RESORT = 1.0
"""Seconds after the grace period at which uvicorn cancels what still runs
(an app sleeping through a scripted latency): it logs each as an error."""


class ServerConfig(uvicorn.Config):
    """uvicorn's settings plus the ``Limits`` the ``GuardedProtocol`` reads."""

    def __init__(self, app: ASGIApp, limits: Limits, **settings: object) -> None:
        super().__init__(app, http=GuardedProtocol, timeout_keep_alive=limits.keep_alive, **settings)  # type: ignore[arg-type]
        self.limits = limits
        # uvicorn takes fractions of a second; its type hint says whole seconds.
        self.timeout_graceful_shutdown = limits.shutdown_grace + LAST_RESORT  # type: ignore[assignment]


def _not_a_cancellation(record: logging.LogRecord) -> bool:
    """Whether a uvicorn log record is worth showing: a request cancelled
    because the grace period is over (one still sleeping through a scripted
    latency) is logged by uvicorn as an application error with a
    traceback; its own line saying how many it cancelled is enough."""
    return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def hold_stop_signals() -> None:
    """Hold Ctrl-C and SIGTERM until ``MockServer.startup`` hands them to
    uvicorn's own handlers.  A signal sent while the process starts (a
    script that reads the banner and stops it at once) then stops the
    server as any other does; unheld, it could kill the process before its
    handlers were in place, or land in a garbage-collector callback, where
    Python ignores the exception a handler raises and the server kept on."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


class MockServer(uvicorn.Server):
    """uvicorn's server, whose shutdown ends within the grace period: when
    it is over, every connection still open is closed, so a request whose
    client still holds a half-sent body ends as a client that left (499 in
    the journal), not as a task uvicorn cancels with a traceback.  Stop
    signals held since start-up (``hold_stop_signals``) reach it once it
    has started."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            # uvicorn's handlers are in place (``capture_signals``): a held
            # signal is delivered to them now.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        limits = self.config.limits if isinstance(self.config, ServerConfig) else Limits()
        timer = asyncio.get_running_loop().call_later(limits.shutdown_grace, self._close_connections)
        uvicorn_log = logging.getLogger("uvicorn.error")
        uvicorn_log.addFilter(_not_a_cancellation)
        try:
            await super().shutdown(sockets)
        finally:
            timer.cancel()
            uvicorn_log.removeFilter(_not_a_cancellation)

    def _close_connections(self) -> None:
        if self.server_state.connections:
            log.warning("shutdown grace period over: closing %d connection(s) still open", len(self.server_state.connections))
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.close()


SETTINGS: dict[str, object] = {"lifespan": "on", "log_level": "warning", "server_header": False}
"""uvicorn's settings for every portal-mock server, which the bench's
baseline runs with too: uvloop and httptools where installed (uvicorn's
default), and a lifespan, which runs the scenario watcher."""


def uvicorn_config(app: ASGIApp, access_log: bool = False, limits: Limits | None = None) -> uvicorn.Config:
    """The configuration every portal-mock server runs with (see
    bench/RESULTS.md for why): ``SETTINGS``, the ``Limits`` on every
    connection, and no uvicorn access log unless asked for (``serve
    --access-log`` logs through the app instead: see ``log_access``)."""
    return ServerConfig(app, limits or Limits(), access_log=access_log, **SETTINGS)


def log_access() -> None:
    """Print the app's access lines (``portal_mock.access``, at INFO) on
    stderr, one message a line.  uvicorn runs at WARNING, so they need a
    logger of their own; uvicorn's own access log stays off, which leaves
    exactly one line per request."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("portal_mock.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class AnnouncingServer(MockServer):
    """A uvicorn server that calls ``on_ready`` once it serves: after the
    lifespan has started and the sockets are being answered, which is when
    ``serve --ready-file`` may tell a script to go ahead."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.on_ready()


class LiveServer:
    """A uvicorn server on ``127.0.0.1`` and a free port, in a daemon thread."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._socket = bind(host, port)
        self.url = url_of(self._socket)
        self._server = MockServer(uvicorn_config(app))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, name="portal-mock", daemon=True)

    def start(self, timeout: float = 10.0) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("portal-mock's server thread did not start")
            time.sleep(0.002)
        return self

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the app runs on (once started): in-process
        transports hand their requests to it."""
        return self._server.servers[0].get_loop()

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
