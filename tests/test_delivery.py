"""Webhook deliveries through the domain and delivery API, to a real HTTP
receiver on loopback: encoding, auth, retries, matching, and drain."""

from __future__ import annotations

import asyncio
import json
import socket
from base64 import b64encode

import pytest
from receiver import Receiver

from portal_mock.domain.accounts import Account, Registry
from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.tasks import TaskPlan
from portal_mock.engine.delivery import Deliveries, flatten

TICKET = {"department": "support", "subject": "Down", "comment": "Since noon."}
AUTHS = {
    "none": None,
    "basic": {"type": "basic", "username": "hook", "password": "s3cret"},
    "bearer": {"type": "bearer", "token": "tok-123"},
    "digest": {"type": "digest", "username": "hook", "password": "s3cret"},
}


def account_with_deliveries() -> tuple[Account, Deliveries]:
    registry = Registry(seed=1, clock=ClockSpec("manual"))
    deliveries = Deliveries(retry_delays=(0.01, 0.02, 0.04))
    registry.on_new_account.append(deliveries.watch)
    return registry.create_account("hooks"), deliveries


def hook(account: Account, url: str, **fields):
    return account.webhooks.add({"name": "hook", "url": url, **fields}, account.client_reference())


def resolve(account: Account, deliveries: Deliveries, action: str = "ticket:add", input: dict = TICKET, target: int | None = None, **plan) -> dict:
    """Queue a task, move past its delay, drain; the resolved task object."""
    task = account.queue(action, input, account.primary_user, TaskPlan(delay=1, **plan), target)

    async def advance() -> None:
        account.clock.advance(1)
        account.settle()
        await deliveries.drain(account)

    asyncio.run(advance())
    return task.to_dict()


@pytest.mark.parametrize("auth", AUTHS)
@pytest.mark.parametrize("kind", ["json", "form", "multipart"])
def test_each_type_and_auth_reaches_the_receiver(kind, auth):
    account, deliveries = account_with_deliveries()
    with Receiver(digest=("hook", "s3cret") if auth == "digest" else None) as receiver:
        hook(account, receiver.url, type=kind, auth=AUTHS[auth], user_data={"team": "ops", "ids": [1, 2]})
        task = resolve(account, deliveries)
    delivered = receiver.requests[-1]
    assert delivered.status == 200 and delivered.path == "/hook"
    expected = {**task, "user_data": {"team": "ops", "ids": [1, 2]}}
    if kind == "json":
        assert delivered.content_type == "application/json"
        assert json.loads(delivered.body) == expected
    else:
        assert delivered.content_type == {"form": "application/x-www-form-urlencoded", "multipart": "multipart/form-data"}[kind]
        assert delivered.fields() == dict(flatten(expected))
        assert delivered.fields()["resource[metadata][scope]"] == "ticket" and delivered.fields()["user_data[ids][1]"] == "2"
    authorization = delivered.headers.get("authorization")
    if auth == "none":
        assert authorization is None and len(receiver.requests) == 1
    elif auth == "basic":
        assert authorization == "Basic " + b64encode(b"hook:s3cret").decode()
    elif auth == "bearer":
        assert authorization == "Bearer tok-123"
    else:
        assert [r.status for r in receiver.requests] == [401, 200]
        assert "authorization" not in receiver.requests[0].headers and authorization.startswith("Digest ")
    assert [(a.number, a.status, a.delivered) for a in deliveries.attempts(account)] == [(1, 200, True)]


def test_a_wrong_digest_password_is_retried_then_given_up():
    account, deliveries = account_with_deliveries()
    with Receiver(digest=("hook", "right")) as receiver:
        hook(account, receiver.url, auth={**AUTHS["digest"], "password": "wrong"})
        resolve(account, deliveries)
    assert [a.status for a in deliveries.attempts(account)] == [401] * 4


def test_form_encoding_follows_php():
    assert flatten({"a": {"b": [True, False, None], "c": {}}, "d": 1.5, "e": ""}) == [("a[b][0]", "1"), ("a[b][1]", "0"), ("d", "1.5"), ("e", "")]


def test_a_500_is_retried_and_every_attempt_is_recorded():
    account, deliveries = account_with_deliveries()
    with Receiver(statuses=(500, 503)) as receiver:
        webhook = hook(account, receiver.url)
        task = resolve(account, deliveries)
    assert [r.status for r in receiver.requests] == [500, 503, 200]
    assert receiver.requests[0].body == receiver.requests[2].body
    attempts = [a.to_dict() for a in deliveries.attempts(account)]
    assert [(a["number"], a["status"], a["delivered"]) for a in attempts] == [(1, 500, False), (2, 503, False), (3, 200, True)]
    recorded = {(a["webhook_id"], a["task_uuid"], a["action"], a["url"], a["error"]) for a in attempts}
    assert recorded == {(webhook.id, task["uuid"], "ticket:add", receiver.url, None)}


def test_retries_are_bounded():
    account, deliveries = account_with_deliveries()
    with Receiver(statuses=(500,) * 10) as receiver:
        hook(account, receiver.url)
        resolve(account, deliveries)
    assert len(receiver.requests) == 4
    assert [a.number for a in deliveries.attempts(account)] == [1, 2, 3, 4]


def test_a_connection_error_is_recorded_and_retried():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    account, deliveries = account_with_deliveries()
    hook(account, f"http://127.0.0.1:{port}/nobody")
    resolve(account, deliveries)
    attempts = deliveries.attempts(account)
    assert [(a.status, a.delivered) for a in attempts] == [(None, False)] * 4
    assert all("Connect" in a.error for a in attempts)


@pytest.mark.parametrize(
    "listen, heard",
    [
        ({}, True),
        ({"resource": "ticket"}, True),
        ({"resource": "ticket", "action": "comment"}, True),
        ({"action": "comment"}, True),
        ({"resource": "webhook"}, False),
        ({"action": "close"}, False),
        ({"resource": "-"}, False),
        ({"action": "-"}, False),
    ],
)
def test_only_listeners_of_the_resource_and_action_hear_it(listen, heard):
    account, deliveries = account_with_deliveries()
    ticket = account.tickets.seed([{}], account.clock.now())[0]
    with Receiver() as receiver:
        hook(account, receiver.url, **listen)
        resolve(account, deliveries, "ticket:comment", {"comment": "hi"}, target=ticket.id)
    assert len(receiver.requests) == (1 if heard else 0)
    assert len(deliveries.attempts(account)) == (1 if heard else 0)


def test_every_matching_webhook_gets_its_own_delivery():
    account, deliveries = account_with_deliveries()
    with Receiver() as first, Receiver() as second:
        hook(account, first.url, user_data={"n": 1})
        hook(account, second.url, user_data={"n": 2})
        hook(account, second.url, resource="-")
        resolve(account, deliveries)
    assert [json.loads(r.body)["user_data"] for r in first.requests + second.requests] == [{"n": 1}, {"n": 2}]


@pytest.mark.parametrize("outcome", ["failure", "rejected"])
def test_failed_and_rejected_tasks_are_delivered_too(outcome):
    account, deliveries = account_with_deliveries()
    with Receiver() as receiver:
        hook(account, receiver.url)
        resolve(account, deliveries, outcome=outcome)
    delivered = json.loads(receiver.requests[0].body)
    assert delivered["status"] == outcome and delivered["errors"]["message"]


def test_drain_returns_only_once_the_resolution_is_delivered():
    account, deliveries = account_with_deliveries()
    with Receiver(statuses=(500,)) as receiver:
        hook(account, receiver.url)
        account.queue("ticket:add", TICKET, account.primary_user, TaskPlan(delay=5))

        async def advance(seconds: float) -> int:
            account.clock.advance(seconds)
            account.settle()
            await deliveries.drain(account)
            return len(receiver.requests)

        assert asyncio.run(advance(4.999)) == 0
        assert asyncio.run(advance(0.001)) == 2


def test_a_resolution_outside_the_event_loop_is_delivered_by_the_next_drain():
    account, deliveries = account_with_deliveries()
    with Receiver() as receiver:
        hook(account, receiver.url)
        task = account.queue("ticket:add", TICKET, account.primary_user, TaskPlan(delay=1))
        account.clock.advance(1)
        account.settle()
        assert task.status == "success" and receiver.requests == []
        asyncio.run(deliveries.drain(account))
    assert json.loads(receiver.requests[0].body)["uuid"] == task.uuid


def test_a_new_webhook_hears_the_task_that_made_it_with_secrets_masked():
    account, deliveries = account_with_deliveries()
    with Receiver() as receiver:
        fields = {"name": "catch-all", "url": receiver.url, "auth": AUTHS["bearer"]}
        task = resolve(account, deliveries, "webhook:add", fields)
    delivered = json.loads(receiver.requests[0].body)
    assert delivered["action"] == "webhook:add" and delivered["status"] == "success"
    assert delivered["resource"] == task["resource"] and delivered["resource"]["metadata"]["scope"] == "api-webhook"
    assert delivered["input"]["auth"] == {"type": "bearer", "token": "****"}
    assert receiver.requests[0].headers["authorization"] == "Bearer tok-123"


def test_activate_settles_on_time_without_anyone_polling():
    account, deliveries = account_with_deliveries()
    with Receiver() as receiver:
        hook(account, receiver.url)
        task = account.queue("ticket:add", TICKET, account.primary_user, TaskPlan(delay=1))

        async def wait_for_the_ticker() -> None:
            deliveries.activate(account)
            account.clock.advance(1)
            while not receiver.requests:
                await asyncio.sleep(0.01)

        asyncio.run(asyncio.wait_for(wait_for_the_ticker(), 10))
    assert json.loads(receiver.requests[0].body)["uuid"] == task.uuid
