"""Run an app on a loopback socket in a background thread.

Used by the pytest plugin and by the project's own tests: the server is
real (uvicorn, a real socket) but lives in the test process, so it starts in
milliseconds and stops with the session.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable

import uvicorn
from starlette.types import ASGIApp


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


def uvicorn_config(app: ASGIApp, access_log: bool = False) -> uvicorn.Config:
    """The settings every portal-mock server runs with (see bench/RESULTS.md
    for why): uvloop and httptools where installed, and no uvicorn access
    log unless asked for (``serve --access-log`` logs through the app
    instead: see ``log_access``).  The lifespan runs the scenario watcher."""
    return uvicorn.Config(app, lifespan="on", access_log=access_log, log_level="warning", server_header=False)


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


class AnnouncingServer(uvicorn.Server):
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
        self._server = uvicorn.Server(uvicorn_config(app))
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
