"""Forwarding to an upstream Portal: the client both ``portal-mock record``
and ``serve --proxy`` use, and the recording proxy itself.

The upstream's answer goes back to the client as it came (status, headers,
body), less the hop-by-hop headers a proxy must not pass on.  An upstream
that cannot be reached is a 502 and one that does not answer in time a
504, each with a Portal-shaped body, so a client (and a recording) sees
what a gateway in front of the real Portal would show.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.types import Receive, Scope, Send

from portal_mock.http.bodies import ClientGone, read_stream
from portal_mock.http.wire import PortalError, Reply, dumps, error_body, has_body, raw_headers
from portal_mock.recording.recorder import Exchange, Recording, decode_body

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"}
)
"""Headers that belong to one connection, not to the request or answer."""
DROPPED_ANSWER = HOP_BY_HOP | {"content-encoding", "date"}
"""Also dropped from answers: the body is passed on decoded, and the server
sending it adds its own ``Date``."""


@dataclass
class Forwarded:
    """The upstream's answer, or the gateway's when ``error`` says why not."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    error: str | None = None

    def reply(self) -> Reply:
        raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in self.headers]
        if has_body(self.status):
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        return Reply(self.status, self.body, raw)


class Upstream:
    """One upstream Portal, reached through one connection pool."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        self.url = url.rstrip("/")
        self.host = parts.netloc.rpartition("@")[2]
        self.timeout = timeout
        import httpx  # on first use: it costs a fifth of a server's start-up

        # No environment proxies: the upstream is exactly the URL given.
        self.client = httpx.AsyncClient(timeout=timeout, trust_env=False, follow_redirects=False)

    async def forward(self, method: str, path: str, query: str, headers: list[tuple[bytes, bytes]], body: bytes) -> Forwarded:
        """Send one request on and return the answer; never raises for the
        upstream's failures."""
        sent = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers if name.decode("latin-1").lower() not in HOP_BY_HOP]
        sent = [(name, value) for name, value in sent if name.lower() != "accept-encoding"]
        sent.append(("accept-encoding", "identity"))
        target = self.url + path + (f"?{query}" if query else "")
        import httpx

        try:
            response = await self.client.request(method, target, headers=sent, content=body or None)
        except httpx.TimeoutException:
            return _gateway(504, f"The upstream Portal at {self.host} did not answer within {self.timeout:g}s.", "timeout")
        except httpx.TransportError as error:
            return _gateway(502, f"The upstream Portal at {self.host} could not be reached ({type(error).__name__}).", "unreachable")
        kept = [(name, value) for name, value in response.headers.multi_items() if name.lower() not in DROPPED_ANSWER]
        return Forwarded(response.status_code, kept, response.content)

    async def close(self) -> None:
        await self.client.aclose()


def _gateway(status: int, message: str, error: str) -> Forwarded:
    body = dumps(error_body(status, message))
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw_headers(status, body) if name != b"content-length"]
    return Forwarded(status, headers, body, error)


class RecordingProxy:
    """The ASGI app of ``portal-mock record``: every request goes to the
    upstream, the answer back to the client, and both into ``recording``.
    After ``max_requests`` answers, ``stop`` is called."""

    def __init__(self, upstream: Upstream, recording: Recording, stop: Callable[[], None], max_requests: int | None = None) -> None:
        self.upstream = upstream
        self.recording = recording
        self.stop = stop
        self.max_requests = max_requests
        self.started = time.monotonic()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in reversed(scope["headers"])}
        try:
            body = await read_stream(receive, headers.get("content-length"))
        except PortalError as refused:
            await refused.reply().send(send)
            return
        except ClientGone:
            return
        query = scope["query_string"].decode("latin-1")
        answer = await self.upstream.forward(scope["method"], scope["path"], query, scope["headers"], body)
        await answer.reply().send(send, head=scope["method"] == "HEAD")
        answered = {name.lower(): value for name, value in reversed(answer.headers)}
        self.recording.add(
            Exchange(
                method=scope["method"],
                path=scope["path"],
                query=query,
                headers=headers,
                body=decode_body(body, headers.get("content-type", "")),
                status=answer.status,
                response_headers=answered,
                answer=decode_body(answer.body, answered.get("content-type", "application/json")),
                seconds=time.monotonic() - self.started,
                upstream_error=answer.error,
            )
        )
        if self.max_requests is not None and len(self.recording.exchanges) >= self.max_requests:
            self.stop()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.upstream.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
