"""Slow and greedy clients against a real ``portal-mock serve``: a request
head or body that is not read in time is answered 408, oversized headers
431, idle connections are closed, and IPv6 loopback can be served."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from helpers import start, stop


def address(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("http://").rpartition(":")
    return host.strip("[]"), int(port)


def half_body(path: str, key: str) -> bytes:
    """A JSON request to ``path`` whose body stops after 1 of the 100 bytes it declares."""
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    return head.encode() + b"{"


def read_all(sock: socket.socket, seconds: float) -> bytes:
    """What the server sends until it closes the connection, within ``seconds``."""
    sock.settimeout(seconds)
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk


@pytest.fixture(scope="module")
def served():
    process, url, keys = start("--clock", "manual", "--read-timeout", "1", "--keep-alive", "1", "--max-header-bytes", "8192")
    yield url, keys[0], process
    stop(process)


def test_fifty_request_heads_sent_byte_by_byte_are_answered_408_after_the_read_timeout(served):
    url, _, _ = served
    slow = [socket.create_connection(address(url)) for _ in range(50)]
    try:
        started = time.monotonic()
        for byte in b"GET /v1/ticket HTTP/1.1\r\nHost: x\r\n"[:16]:
            for sock in slow:
                sock.sendall(bytes([byte]))
            time.sleep(0.05)
        answers = [read_all(sock, 5) for sock in slow]
        took = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()
    assert all(answer.startswith(b"HTTP/1.1 408 ") for answer in answers), answers[0]
    assert took < 3, f"took {took:.1f}s"


def test_a_body_that_stops_half_way_is_answered_408_and_journaled(served):
    url, key, _ = served
    with socket.create_connection(address(url)) as sock:
        sock.sendall(half_body("/v1/ticket", key))
        answer = read_all(sock, 5)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    journal = httpx.get(f"{url}/__mock/requests").json()["requests"]
    assert [entry["status"] for entry in journal if entry["path"] == "/v1/ticket"][-1] == 408


def test_idle_connections_are_closed_after_the_keep_alive_timeout(served):
    url, _, _ = served
    idle = [socket.create_connection(address(url)) for _ in range(200)]
    used = socket.create_connection(address(url))
    used.sendall(b"GET /__mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        started = time.monotonic()
        for sock in idle:
            assert read_all(sock, 5) == b""
        assert read_all(used, 5).startswith(b"HTTP/1.1 200 ")
        assert time.monotonic() - started < 3
    finally:
        for sock in [*idle, used]:
            sock.close()


def test_headers_past_the_limit_are_answered_431(served):
    url, key, _ = served
    with socket.create_connection(address(url)) as sock:
        sock.sendall(b"GET /v1/ticket HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(100):
                sock.sendall(b"X-Filler: " + b"a" * 1000 + b"\r\n")
        except OSError:
            pass
        answer = read_all(sock, 5)
    assert answer.startswith(b"HTTP/1.1 431 "), answer
    assert httpx.get(f"{url}/v1/ticket", headers={"Authorization": f"Bearer {key}", "X-Filler": "a" * 4000}).status_code == 200


@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_ipv6_loopback_is_served(host):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    process, url, keys = start("--host", host)
    try:
        assert url.startswith("http://[::1]:")
        assert httpx.get(f"{url}/v1/ticket", headers={"Authorization": f"Bearer {keys[0]}"}).status_code == 200
    finally:
        stop(process)


@pytest.mark.parametrize(
    "flags", [["--read-timeout", "0"], ["--keep-alive", "-1"], ["--max-header-bytes", "0"], ["--shutdown-grace", "soon"], ["--read-timeout", "inf"]]
)
def test_limits_out_of_range_are_usage_errors(flags, capsys):
    from portal_mock.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", *flags])
    assert exited.value.code == 2
    assert flags[0] in capsys.readouterr().err
