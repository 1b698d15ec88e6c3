"""The loopback socket portal-mock serves on."""

from __future__ import annotations

import socket

from portal_mock.http.server import bind


def test_bound_socket_says_it_is_tcp_so_asyncio_disables_nagle():
    """asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP;
    a socket made with the default protocol 0 would make every keep-alive
    answer under the asyncio loop wait ~40 ms for the client's delayed ACK."""
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
