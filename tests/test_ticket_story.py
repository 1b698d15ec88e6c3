"""A ticket's life end to end, as a client sees it: add, resolve, list,
comment, show, close, find it closed, reopen."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from helpers import start, stop, wait_until_serving


def story(http: httpx.Client, settle: Callable[[str], dict]) -> None:
    """Run the story; ``settle(location)`` returns the task once resolved."""
    accepted = http.post("/v1/ticket", json={"department": "support", "subject": "Checkout broken", "comment": "500 on pay."})
    assert accepted.status_code == 202
    added = settle(accepted.headers["location"])
    assert added["status"] == "success"
    uri = added["resource"]["metadata"]["uri"]

    listed = http.get("/v1/ticket", params={"match[subject]": "checkout"})
    assert listed.status_code == 200 and listed.headers["content-range"] == "items 1-1/1"
    assert [t["id"] for t in listed.json()] == [added["resource"]["id"]]

    commented = settle(http.post(f"{uri}/comment", json={"comment": "Still failing."}).headers["location"])
    assert commented["status"] == "success"
    shown = http.get(uri).json()
    assert shown["num_posts"] == 2 and shown["recent_post"]["body"] == "Still failing."

    assert settle(http.post(f"{uri}/close").headers["location"])["status"] == "success"
    closed = http.get("/v1/ticket", params={"filter[status]": "closed"}).json()
    assert [t["id"] for t in closed] == [shown["id"]] and closed[0]["is_closed"] is True
    assert http.get("/v1/ticket", params={"filter[status]": "open"}).json() == []

    assert settle(http.post(f"{uri}/open").headers["location"])["status"] == "success"
    reopened = http.get(uri).json()
    assert reopened["is_closed"] is False and reopened["status"]["name"] == "Open"
    assert http.get("/v1/ticket", params={"filter[status]": "Open"}).json() == [reopened]


def test_the_story_under_a_manual_clock(client):
    def settle(location: str) -> dict:
        assert client.http.get(location).json()["status"] == "pending"
        client.advance(2)
        return client.http.get(location).json()

    story(client.http, settle)


def test_the_story_against_portal_mock_serve():
    process, url, keys = start("--task-delay", "0.05")
    try:
        wait_until_serving(url)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys[0]}"}) as http:

            def settle(location: str) -> dict:
                deadline = time.monotonic() + 10
                while (task := http.get(location).json())["status"] == "pending":
                    assert time.monotonic() < deadline, "a 0.05 s task should resolve long before 10 s"
                    time.sleep(0.02)
                return task

            story(http, settle)
    finally:
        assert stop(process) == 0
