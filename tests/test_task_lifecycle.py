"""task:show — a queued task's life, observed by polling its Location."""

from __future__ import annotations

import re
import time

import httpx

from portal_mock import Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer


def test_pending_until_exactly_the_delay_then_success(client):
    accepted = client.add_ticket()
    location = accepted.headers["location"]
    client.advance(1.999)
    pending = client.http.get(location).json()
    assert pending["status"] == "pending" and pending["resolved_date"] is None and pending["resource"] is None
    client.advance(0.001)
    done = client.http.get(location).json()
    assert done["status"] == "success"
    assert done["identity"] == "ticket:add (success)"
    assert done["resolved_date"] - done["request_date"] == 2
    assert done["errors"] == {}


def test_success_points_at_the_new_ticket(client):
    task = client.finish(client.add_ticket(subject="Mail bounces", comment="Since 9am."))
    resource = task["resource"]
    assert resource["metadata"] == {"scope": "ticket", "uri": f"/v1/ticket/{resource['id']}"}
    assert re.fullmatch(r"[A-Z]{4}-\d{4}", resource["identity"])
    ticket = client.http.get(resource["metadata"]["uri"]).json()
    assert ticket["id"] == resource["id"] and ticket["mask"] == resource["identity"]
    assert ticket["subject"] == "Mail bounces"
    assert ticket["recent_post"]["body"] == "Since 9am."


def test_polling_is_idempotent_once_resolved(client):
    location = client.add_ticket().headers["location"]
    client.advance(5)
    first = client.http.get(location).json()
    client.advance(5)
    assert client.http.get(location).json() == first


def test_unknown_and_malformed_uuids_are_404(client):
    assert client.http.get("/v1/task/00000000-0000-4000-8000-000000000000").status_code == 404
    response = client.http.get("/v1/task/not-a-uuid")
    assert response.status_code == 404
    assert response.json()["message"]


def test_another_accounts_task_is_404(client):
    location = client.add_ticket().headers["location"]
    other = client.control.mint_key(label="other").key
    response = client.http.get(location, headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404


def test_202_is_pending_even_with_zero_delay():
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), task_delay=0, keys=["k"]))) as live:
        with httpx.Client(base_url=live.url, headers={"Authorization": "Bearer k"}) as http:
            accepted = http.post("/v1/ticket", json={"department": "sales", "subject": "Quote"})
            assert accepted.json()["status"] == "pending"
            assert http.get(accepted.headers["location"]).json()["status"] == "success"


def test_scaled_clock_resolves_in_a_fraction_of_the_delay():
    with LiveServer(create_app(Settings(clock=ClockSpec("scaled", 100), task_delay=2, keys=["k"]))) as live:
        with httpx.Client(base_url=live.url, headers={"Authorization": "Bearer k"}) as http:
            location = http.post("/v1/ticket", json={"department": "sales", "subject": "Quote"}).headers["location"]
            deadline = time.monotonic() + 5
            while http.get(location).json()["status"] == "pending":
                assert time.monotonic() < deadline, "a 2 s task at 100x should resolve in about 20 ms"
                time.sleep(0.01)



def test_an_action_answered_201_leaves_no_task_behind(client):
    """ssh-key:add is done when it answers: no task to poll, none pending
    forever in the control API's list."""
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host"
    created = client.http.post("/v1/ssh-key", json={"name": "laptop", "key": key})
    assert created.status_code == 201
    assert client.control.tasks(key=client.key) == []
