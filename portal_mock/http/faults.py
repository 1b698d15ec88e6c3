"""Network faults: what a scenario's ``fault`` does to a finished response.

The scenario decides on a fault and the handler records it; the app's
outermost layer applies it to the finished answer, where the server's own
``send`` (and through it the connection) is still in reach.  Each fault
name the scenario vocabulary defines (``rules.FAULTS``) has exactly one
applier here; the module refuses to load otherwise.

Under uvicorn the connection itself is reset or closed.  Under a server that
does not expose its transport (an in-process httpx transport), a reset or an
empty response raises ``ConnectionResetError`` into the client instead,
which is what the client would see.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import Message, Send

from portal_mock.scenarios.rules import FAULTS, Fault

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


async def _reset(fault: Fault, start: Message, body: bytes, send: Send) -> None:
    await _drop(send, reset=True)


async def _empty(fault: Fault, start: Message, body: bytes, send: Send) -> None:
    await _drop(send, reset=False)


async def _malformed(fault: Fault, start: Message, body: bytes, send: Send) -> None:
    broken = body[: max(1, len(body) // 2)] if body else b"{"
    await send(_with_length(start, len(broken)))
    await send({"type": "http.response.body", "body": broken})


async def _slow(fault: Fault, start: Message, body: bytes, send: Send) -> None:
    await send(start)
    size = max(1, -(-len(body) // SLOW_BODY_CHUNKS))
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    pause = fault.duration / len(pieces)
    for index, piece in enumerate(pieces):
        await asyncio.sleep(pause)
        await send({"type": "http.response.body", "body": piece, "more_body": index < len(pieces) - 1})


_APPLY: dict[str, Callable[[Fault, Message, bytes, Send], Awaitable[None]]] = {
    "connection_reset": _reset,
    "empty_response": _empty,
    "malformed_json": _malformed,
    "slow_body": _slow,
}
if set(_APPLY) != set(FAULTS):
    raise ImportError(f"faults.py applies {sorted(_APPLY)}, but scenarios name {sorted(FAULTS)}")


async def apply_fault(fault: Fault, start: Message, body: bytes, send: Send) -> None:
    """Send (or fail to send) a finished response as ``fault`` says."""
    await _APPLY[fault.kind](fault, start, body, send)
