"""Webhook deliveries over HTTP, as a client sees them: webhooks added
through the API, tasks resolved by polling or by the clock, and a real
receiver on loopback."""

from __future__ import annotations

import json
from base64 import b64encode
from collections.abc import Iterator

import httpx
import pytest
from helpers import eventually, start, stop, wait_until_serving
from receiver import Receiver

from portal_mock import Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """The shared server's settings, with retries short enough for tests."""
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), task_delay=2.0, webhook_retry_delays=(0.01, 0.02, 0.04)))) as live:
        yield live


def test_a_polled_resolution_is_delivered_as_a_form_with_basic_auth(client):
    with Receiver() as receiver:
        auth = {"type": "basic", "username": "u", "password": "p"}
        hook = {"name": "ops", "url": receiver.url, "type": "form", "resource": "ticket", "auth": auth, "user_data": {"team": "ops"}}
        client.finish(client.http.post("/v1/task/webhook", json=hook))
        task = client.finish(client.add_ticket(subject="Hooked"))
        delivered = receiver.wait_for(1)[0]
    fields = delivered.fields()
    assert (fields["uuid"], fields["action"], fields["status"], fields["input[subject]"]) == (task["uuid"], "ticket:add", "success", "Hooked")
    assert fields["user_data[team]"] == "ops"
    assert delivered.headers["authorization"] == "Basic " + b64encode(b"u:p").decode()


def test_a_500_is_retried_and_each_attempt_is_recorded(client):
    with Receiver(statuses=(500,)) as receiver:
        client.finish(client.http.post("/v1/task/webhook", json={"name": "flaky", "url": receiver.url, "resource": "ticket"}))
        task = client.finish(client.add_ticket())
        first, second = receiver.wait_for(2)
        eventually(lambda: len(client.deliveries()) == 2, "the second attempt's record")
    assert (first.status, second.status) == (500, 200) and first.body == second.body
    attempts = client.deliveries()
    assert [(a["number"], a["status"], a["task_uuid"]) for a in attempts] == [(1, 500, task["uuid"]), (2, 200, task["uuid"])]


def test_a_webhook_listening_elsewhere_receives_nothing(client):
    with Receiver() as heard, Receiver() as deaf:
        client.finish(client.http.post("/v1/task/webhook", json={"name": "deaf", "url": deaf.url, "resource": "ticket", "action": "close"}))
        client.finish(client.http.post("/v1/task/webhook", json={"name": "heard", "url": heard.url, "resource": "ticket"}))
        client.finish(client.add_ticket())
        heard.wait_for(1)
        eventually(lambda: len(client.deliveries()) == 1, "the delivery's record")
    assert deaf.requests == []
    assert [a["url"] for a in client.deliveries()] == [heard.url]


def test_under_a_real_clock_webhooks_fire_without_polling():
    with Receiver() as receiver:
        process, url, keys = start("--task-delay", "0.05")
        try:
            wait_until_serving(url)
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys[0]}"}) as http:
                hook = http.post("/v1/task/webhook", json={"name": "live", "url": receiver.url, "user_data": {"run": 1}})
                assert hook.status_code == 202
                made = json.loads(receiver.wait_for(1)[0].body)
                assert made["action"] == "webhook:add" and made["uuid"] == hook.json()["uuid"]
                ticket = http.post("/v1/ticket", json={"department": "support", "subject": "Live"})
                delivered = json.loads(receiver.wait_for(2)[1].body)
        finally:
            assert stop(process) == 0
    assert delivered["uuid"] == ticket.json()["uuid"] and delivered["status"] == "success"
    assert delivered["resource"]["metadata"]["scope"] == "ticket" and delivered["user_data"] == {"run": 1}
