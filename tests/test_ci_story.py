"""The README's CI story, against a real ``portal-mock serve`` process, with
only the HTTP calls the README documents."""

from __future__ import annotations

import httpx
from helpers import start, stop, wait_until_serving


def run_client(url: str, key: str, advance) -> dict:
    """A well-behaved Portal client: add a ticket once, poll Location."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as portal:
        accepted = portal.post("/v1/ticket", json={"department": "support", "subject": "From CI"})
        assert accepted.status_code == 202
        for _ in range(10):
            task = portal.get(accepted.headers["location"]).json()
            if task["status"] != "pending":
                return task
            advance()
    raise AssertionError("the task never resolved")


def test_a_ci_job_checks_the_client_polled_and_never_reposted():
    process, url, _ = start("--clock", "manual")
    try:
        wait_until_serving(url)
        key = httpx.post(f"{url}/__mock/keys", json={"scenario": "task-failure"}).json()["key"]
        task = run_client(url, key, lambda: httpx.post(f"{url}/__mock/clock/advance", json={"seconds": 1, "key": key}))
        assert task["status"] == "failure"
        added = httpx.post(f"{url}/__mock/requests/count", json={"action": "ticket:add", "key": key}).json()
        polled = httpx.post(f"{url}/__mock/requests/count", json={"action": "task:show", "key": key, "path": task["metadata"]["uri"]}).json()
        assert added["count"] == 1
        assert polled["count"] >= 2
        journal = httpx.get(f"{url}/__mock/requests", params={"key": key}).json()
        assert [e["action"] for e in journal["requests"]][0] == "ticket:add"
        assert key not in str(journal)
    finally:
        assert stop(process) == 0
