"""httpx transports that hand requests to the app without a socket.

``httpx.ASGITransport`` runs the app in the caller's event loop, and only
for async clients.  portal-mock's app already runs on the live server's
loop, in its own thread, and its state (clocks, tasks, webhook deliveries)
belongs to that loop.  These transports pass each request to that loop and
wait for the answer, so a sync ``httpx.Client``, an ``httpx.AsyncClient`` on
any other loop, and the socket all reach one app and one state, one request
at a time.

A scripted fault that drops the connection reaches the client as the
``httpx.TransportError`` a socket would have given; an internal error is
the JSON 500 a socket would have given.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import httpx
from starlette.types import ASGIApp, Message

_CLIENT = ("127.0.0.1", 50000)


async def _call(app: ASGIApp, request: httpx.Request, body: bytes) -> httpx.Response:
    """Run one request through the app and collect its whole response."""
    url = request.url
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in request.headers.raw],
        "client": _CLIENT,
        "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
        "extensions": {},
    }
    sent = False
    started: Message | None = None
    chunks: list[bytes] = []
    done = asyncio.Event()

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(scope, receive, send)
    except ConnectionResetError as error:
        raise httpx.ReadError(str(error), request=request) from None
    except Exception:
        # The app already answered 500 (Starlette re-raises after its error
        # handler ran, for servers to log); a socket client gets that answer.
        if started is None:
            raise
    finally:
        done.set()
    if started is None:
        raise httpx.RemoteProtocolError("portal-mock sent no response", request=request)
    return httpx.Response(started["status"], headers=started.get("headers", []), content=b"".join(chunks), request=request)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _timeout(request: httpx.Request) -> float | None:
    return (request.extensions.get("timeout") or {}).get("read")


class LoopTransport(httpx.BaseTransport):
    """A sync httpx transport to ``app`` running on ``loop`` (another thread's)."""

    def __init__(self, app: ASGIApp, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if _running_loop() is self.loop:
            raise RuntimeError("a sync client cannot wait on the loop it runs on; use AsyncLoopTransport there")
        body = request.read()
        future = asyncio.run_coroutine_threadsafe(_call(self.app, request, body), self.loop)
        try:
            return future.result(_timeout(request))
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise httpx.ReadTimeout("portal-mock did not answer in time", request=request) from None


class AsyncLoopTransport(httpx.AsyncBaseTransport):
    """An async httpx transport to ``app`` running on ``loop``; the caller's
    loop may be any other."""

    def __init__(self, app: ASGIApp, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        future = asyncio.run_coroutine_threadsafe(_call(self.app, request, body), self.loop)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), _timeout(request))
        except asyncio.TimeoutError:
            future.cancel()
            raise httpx.ReadTimeout("portal-mock did not answer in time", request=request) from None
