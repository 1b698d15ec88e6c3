"""``serve --proxy``: what the mock does not serve goes to the upstream (a
second ``portal-mock serve``), journaled as proxied; everything else is
answered by the mock as always."""

from __future__ import annotations

import socket
import subprocess
import sys

import httpx
import pytest
from helpers import TICKET, TLS, start, stop

KEY = "shared-proxy-key-1234"


def test_only_requests_the_mock_does_not_serve_reach_the_upstream():
    upstream, upstream_url, _ = start("--key", KEY)
    try:
        mock, mock_url, _ = start("--key", KEY, "--proxy", upstream_url)
        try:
            with httpx.Client(base_url=mock_url, headers={"Authorization": f"Bearer {KEY}"}, verify=TLS) as http:
                served = http.post("/v1/ticket", json=TICKET)
                forced = http.get("/v1/ticket", headers={"Prefer": "code=422"})
                unknown = http.get("/v1/unserved/7", params={"page": "2"})
                wrong_method = http.delete("/v1/ticket")
                posted = http.post("/v1/unserved", json={"amount": 5})
                journal = httpx.get(f"{mock_url}/__mock/requests", verify=TLS).json()["requests"]
            reached = httpx.get(f"{upstream_url}/__mock/requests", verify=TLS).json()["requests"]
        finally:
            stop(mock)
    finally:
        stop(upstream)
    assert (served.status_code, forced.status_code) == (202, 422)
    # The upstream's own answers, passed on: its 404 and 405 with their bodies.
    assert unknown.status_code == 404 and unknown.json()["message"] == "No endpoint at GET /v1/unserved/7."
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST, GET"
    assert posted.status_code == 404
    assert [(r["method"], r["path"], r["query"], r["body"]) for r in reached] == [
        ("GET", "/v1/unserved/7", "page=2", None),
        ("DELETE", "/v1/ticket", "", None),
        ("POST", "/v1/unserved", "", None),
    ]
    assert reached[0]["headers"]["authorization"] == f"Bearer …{KEY[-4:]}"
    assert [(r["path"], r["proxied"]) for r in journal] == [
        ("/v1/ticket", False),
        ("/v1/ticket", False),
        ("/v1/unserved/7", True),
        ("/v1/ticket", True),
        ("/v1/unserved", True),
    ]


def test_an_upstream_that_is_down_is_a_502():
    port = free_port()
    mock, mock_url, _ = start("--proxy", f"http://127.0.0.1:{port}")
    try:
        answer = httpx.get(f"{mock_url}/v1/nothing", verify=TLS)
    finally:
        stop(mock)
    assert answer.status_code == 502 and answer.json()["message"].startswith(f"The upstream Portal at 127.0.0.1:{port} could not be reached")


@pytest.mark.parametrize("url", ["http://10.1.2.3:8080", "https://portal.example.com"])
def test_a_remote_upstream_needs_remote_proxy(url):
    refused = subprocess.run([sys.executable, "-m", "portal_mock", "serve", "--port", "0", "--proxy", url], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert "is not on loopback; give --remote-proxy" in refused.stderr


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
