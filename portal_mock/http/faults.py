"""Network faults: what a scenario's ``fault`` does to a finished response.

The handler decides on a fault and leaves it in the request scope; the app's
outermost layer applies it to the response on its way out, where the
server's own ``send`` (and through it the connection) is still in reach.

Under uvicorn the connection itself is reset or closed.  Under a server that
does not expose its transport (an in-process httpx transport), a reset or an
empty response raises ``ConnectionResetError`` into the client instead,
which is what the client would see.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

from starlette.types import Message, Send

from portal_mock.scenarios.rules import Fault

SLOW_BODY_CHUNKS = 10


def _transport(send: Send) -> Any:
    """uvicorn's ``send`` is a method of its request cycle, which holds the
    connection's transport."""
    return getattr(getattr(send, "__self__", None), "transport", None)


async def _drop(send: Send, reset: bool) -> None:
    transport = _transport(send)
    if transport is None:
        raise ConnectionResetError("portal-mock fault: the connection was dropped")
    sock = transport.get_extra_info("socket")
    if reset and sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    # Let the connection-lost callback run so the server knows the client is
    # gone and does not try to answer for the app.
    await asyncio.sleep(0)


def _with_length(start: Message, length: int) -> Message:
    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
    headers.append((b"content-length", str(length).encode()))
    return {**start, "headers": headers}


async def apply_fault(fault: Fault, start: Message, body: bytes, send: Send) -> None:
    """Send (or fail to send) a buffered response as ``fault`` says."""
    if fault.kind in ("connection_reset", "empty_response"):
        await _drop(send, reset=fault.kind == "connection_reset")
        return
    if fault.kind == "malformed_json":
        broken = body[: max(1, len(body) // 2)] if body else b"{"
        await send(_with_length(start, len(broken)))
        await send({"type": "http.response.body", "body": broken})
        return
    await send(start)
    size = max(1, -(-len(body) // SLOW_BODY_CHUNKS))
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    pause = fault.duration / len(pieces)
    for index, piece in enumerate(pieces):
        await asyncio.sleep(pause)
        await send({"type": "http.response.body", "body": piece, "more_body": index < len(pieces) - 1})
