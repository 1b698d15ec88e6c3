"""``serve --access-log``: one line per request on stderr, from a real
``portal-mock serve`` process, with the key shown only by its last four
characters."""

from __future__ import annotations

import re

import httpx
from helpers import TICKET, TLS, start, stop_and_read, wait_until_serving

from portal_mock import Settings, create_app
from portal_mock.http.server import LiveServer

PORTAL_LINE = re.compile(
    r"^(?P<method>\S+) (?P<path>\S+) -> (?P<status>\d{3}) in (?P<ms>\d+\.\d) ms (?P<action>\S+) \[(?P<rule>[^\]]+)\] key (?P<key>\S+)$"
)
CONTROL_LINE = re.compile(r"^(?P<method>\S+) (?P<path>/__mock\S*) -> (?P<status>\d{3}) in (?P<ms>\d+\.\d) ms control$")


def serve_and_log(*flags: str, requests) -> list[str]:
    """Start ``portal-mock serve`` with ``flags``, make the requests, stop
    it: the lines it wrote to stderr."""
    process, url, keys = start("--key", "access-log-key-1234", *flags)
    try:
        wait_until_serving(url)
        requests(url)
    finally:
        code, stderr = stop_and_read(process)
    assert code == 0, stderr
    return stderr.splitlines()


def portal_requests(url: str) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": "Bearer access-log-key-1234"}, verify=TLS) as http:
        http.get("/__mock/health")
        accepted = http.post("/v1/ticket", json=TICKET)
        http.get(accepted.headers["location"])
        http.get("/v1/ticket", headers={"Authorization": "Bearer not-a-key"})


def test_access_log_prints_one_line_per_request_with_the_key_redacted():
    lines = serve_and_log("--access-log", "--scenario", "task-failure", requests=portal_requests)
    # wait_until_serving's GET /v1/ticket (no key) comes first.
    parsed = [PORTAL_LINE.match(line) or CONTROL_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m["method"], m["status"]) for m in parsed if m] == [("GET", "401"), ("GET", "200"), ("POST", "202"), ("GET", "200"), ("GET", "401")]
    _, health, added, polled, refused = (m for m in parsed if m)
    assert health["path"] == "/__mock/health" and health.re is CONTROL_LINE
    assert (added["path"], added["action"], added["rule"], added["key"]) == ("/v1/ticket", "ticket:add", "task-failure: tasks fail", "…1234")
    assert polled["path"].startswith("/v1/task/") and polled["action"] == "task:show"
    assert (refused["rule"], refused["key"]) == ("no rule", "…-key")
    assert "access-log-key-1234" not in "\n".join(lines)
    assert not any("HTTP/1.1" in line for line in lines), "uvicorn's own access log stays off"


def test_without_the_flag_nothing_is_logged():
    assert serve_and_log(requests=portal_requests) == []


def test_the_flag_is_off_unless_asked_for():
    """Off, the request path pays one boolean check (read once per request)."""
    assert Settings().access_log is False
    with LiveServer(create_app(Settings())) as server:
        assert httpx.get(f"{server.url}/v1/ticket", verify=TLS).status_code == 401
