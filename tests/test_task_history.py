"""Finished tasks are kept within a bound in bytes over every account: the
oldest finished go first (polling one is then a 404, as for a task that
never was), pending tasks are never dropped, and health says what is kept."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from helpers import TICKET, TLS, control_of, start, stop

from portal_mock import Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer

CAPACITY = 64 * 1024
"""Room for some tens of small finished tasks (each is charged 640 bytes and its input)."""


@pytest.fixture(scope="module")
def served():
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), task_bytes=CAPACITY))) as server:
        yield server


@pytest.fixture
def control(served):
    with control_of(served) as client:
        client.reset()
        yield client


def add_tickets(url: str, key: str, count: int) -> list[str]:
    """Queue ``count`` ticket:adds; their task paths, oldest first."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, verify=TLS) as client:
        return [client.post("/v1/ticket", json=TICKET).headers["location"] for _ in range(count)]


def status(url: str, key: str, path: str) -> int:
    return httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {key}"}, verify=TLS).status_code


def test_the_oldest_finished_tasks_go_first_and_health_counts_them(served, control):
    first, second = control.mint_key().key, control.mint_key().key
    older = add_tickets(served.url, first, 150)
    newer = add_tickets(served.url, second, 150)
    control.advance(2)
    finished = httpx.get(f"{served.url}/__mock/health", verify=TLS).json()["finished_tasks"]
    assert finished["capacity_bytes"] == CAPACITY
    assert 0 < finished["bytes"] <= CAPACITY
    assert finished["dropped"] == 300 - finished["kept"] > 0
    assert status(served.url, first, older[0]) == 404, "the oldest finished task is forgotten"
    assert status(served.url, second, newer[-1]) == 200, "the newest finished task is kept"
    assert len(control.tasks(key=second)) == min(150, finished["kept"])
    # Forgetting tasks forgets nothing else: every ticket they made is there.
    tickets = httpx.get(f"{served.url}/v1/ticket?pageSize=1", headers={"Authorization": f"Bearer {first}"}, verify=TLS)
    assert tickets.headers["content-range"].endswith("/150")


def test_pending_tasks_are_never_dropped(served, control):
    key = control.mint_key().key
    pending = add_tickets(served.url, key, 300)
    assert all(status(served.url, key, path) == 200 for path in pending)
    assert len(control.tasks(key=key, status="pending")) == 300


def test_reset_empties_the_history(served, control):
    add_tickets(served.url, control.mint_key().key, 20)
    control.advance(2)
    control.reset()
    assert httpx.get(f"{served.url}/__mock/health", verify=TLS).json()["finished_tasks"] == {
        "kept": 0,
        "dropped": 0,
        "bytes": 0,
        "capacity_bytes": CAPACITY,
    }


def test_serve_takes_the_bound_from_task_bytes():
    process, url, keys = start("--task-bytes", "32K", "--task-delay", "0")
    try:
        paths = add_tickets(url, keys[0], 100)
        health = httpx.get(f"{url}/__mock/health", verify=TLS).json()["finished_tasks"]
        first, last = status(url, keys[0], paths[0]), status(url, keys[0], paths[-1])
    finally:
        stop(process)
    assert health["capacity_bytes"] == 32 * 1024 and health["dropped"] > 0
    assert (first, last) == (404, 200)


@pytest.mark.parametrize("flag", ["0", "12X", "1.5M"])
def test_a_bad_task_bytes_is_refused_at_start(flag):
    done = subprocess.run([sys.executable, "-m", "portal_mock", "serve", "--task-bytes", flag], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "--task-bytes" in done.stderr and "size" in done.stderr
