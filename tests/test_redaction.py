"""Secrets in outputs: one redaction for the journal, its near misses, the
fixture's journal text, the dashboard, the access log, the control API,
webhook and task views and delivery attempts.  Matching and delivering use
the real values: a count matches on what the client sent, and a receiver
gets the webhook's real credentials."""

from __future__ import annotations

import json
from base64 import b64encode
from collections.abc import Iterator

import httpx
import pytest
from helpers import TICKET, TLS, control_of, eventually, start, stop, stop_and_read, wait_until_serving
from receiver import Receiver

from portal_mock import Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.redaction import redact, redact_value
from portal_mock.http.server import LiveServer
from portal_mock.testing.control_client import MintedKey
from portal_mock.testing.fixture import PortalMock
from portal_mock.testing.servers import ExternalServer

SHORT_KEY = "Zq7"
URL_PASSWORD = "url-pass-53"
BEARER = "bearer-tok-71"
BASIC = "basic-pw-62"
CARD = "4242424242424242"
CVV = "9071"
PASSPHRASE = "hunter2-passphrase-long"
SECRETS = (URL_PASSWORD, BEARER, BASIC, CARD, CVV, PASSPHRASE)


@pytest.fixture(scope="module")
def short() -> Iterator[LiveServer]:
    """A server whose one key is three characters long."""
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), keys=[SHORT_KEY]))) as live:
        yield live


def test_a_key_of_eight_characters_or_fewer_is_shown_as_stars_only():
    assert [redact(key) for key in ("k9", "Zq7", "demo-key")] == ["****"] * 3
    assert redact("demo-key1") == "…key1"


def test_a_short_key_never_appears_in_full_in_the_journal_near_misses_fixture_or_dashboard(short):
    with httpx.Client(base_url=short.url, headers={"Authorization": f"Bearer {SHORT_KEY}"}, verify=TLS) as http:
        assert http.post("/v1/ticket", json=TICKET).status_code == 202
        http.get("/v1/ticket", params={"token": SHORT_KEY, "page": "1"})
    journal = httpx.get(f"{short.url}/__mock/requests", verify=TLS)
    entries = journal.json()["requests"]
    assert [entry["key"] for entry in entries] == ["****", "****"]
    assert {entry["headers"]["authorization"] for entry in entries} == {"Bearer ****"}
    assert entries[1]["query"] == "token=****&page=1"
    assert SHORT_KEY not in journal.text
    with control_of(short) as control:
        counted = control.count(only_key=SHORT_KEY, action="ticket:add", query={"token": SHORT_KEY}, headers={"authorization": f"Bearer {SHORT_KEY}"})
        assert counted["near_misses"] and SHORT_KEY not in json.dumps(counted)
        assert control.count(only_key=SHORT_KEY, query={"token": SHORT_KEY}, headers={"authorization": f"Bearer {SHORT_KEY}"})["count"] == 1, (
            "a count matches on the values the client sent"
        )
    accounts = httpx.get(f"{short.url}/__mock/accounts", verify=TLS).json()["accounts"]
    (account,) = [account for account in accounts if account["label"] == "main"]
    assert [key["key"] for key in account["keys"]] == ["****"]
    minted = MintedKey(SHORT_KEY, account["account"], "short", None, [], {}, {"kind": "manual"})
    mock = PortalMock(ExternalServer(short.url), minted)
    assert SHORT_KEY not in mock.journal() and SHORT_KEY not in repr(mock)
    with pytest.raises(AssertionError) as missed:
        mock.assert_called("ticket:add", query={"token": SHORT_KEY})
    assert "ticket:add" in str(missed.value) and SHORT_KEY not in str(missed.value)
    for path in ("/__mock/ui", "/__mock/requests?limit=500", "/__mock/accounts", f"/__mock/deliveries?key={account['keys'][0]['ref']}"):
        answer = httpx.get(f"{short.url}{path}", verify=TLS)
        assert answer.status_code == 200 and SHORT_KEY not in answer.text, path


def hooks(receiver: Receiver) -> list[dict]:
    """Three webhooks on ``receiver``: a password in the URL, a bearer token, a basic password."""
    host = receiver.url.removeprefix("http://").removesuffix("/hook")
    return [
        {"name": "in-url", "url": f"http://hookuser:{URL_PASSWORD}@{host}/in-url", "resource": "ticket"},
        {"name": "bearer", "url": f"http://{host}/bearer", "resource": "ticket", "auth": {"type": "bearer", "token": BEARER}},
        {"name": "basic", "url": f"http://{host}/basic", "resource": "ticket", "auth": {"type": "basic", "username": "hookuser", "password": BASIC}},
    ]


def secret_free(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


def test_webhook_secrets_are_shown_nowhere_but_are_sent_to_the_receiver(client):
    with Receiver() as receiver:
        tasks = [client.finish(client.http.post("/v1/task/webhook", json=hook)) for hook in hooks(receiver)]
        client.finish(client.add_ticket())
        arrived = {request.path: request for request in receiver.wait_for(3)}
        eventually(lambda: len(client.deliveries()) == 3, "the deliveries' records")
    assert arrived["/in-url"].headers["authorization"] == "Basic " + b64encode(f"hookuser:{URL_PASSWORD}".encode()).decode()
    assert arrived["/bearer"].headers["authorization"] == f"Bearer {BEARER}"
    assert arrived["/basic"].headers["authorization"] == "Basic " + b64encode(f"hookuser:{BASIC}".encode()).decode()
    assert all(secret_free(request.body.decode()) for request in arrived.values())

    webhooks = client.http.get("/v1/task/webhook").json()
    assert webhooks[0]["url"].startswith("http://hookuser:****@127.0.0.1:")
    assert webhooks[1]["auth"] == {"type": "bearer", "token": "****"}
    assert webhooks[2]["auth"] == {"type": "basic", "username": "hookuser", "password": "****"}
    shown = [client.http.get(f"/v1/task/webhook/{webhook['id']}").text for webhook in webhooks]
    polled = [client.http.get(task["metadata"]["uri"]).text for task in tasks]
    journal = client.control.requests(key=client.key)
    missed = client.control.count(only_key=client.key, action="webhook:add", body={"auth.token": "not-it", "url": {"contains": "nowhere"}})
    views = [
        json.dumps(webhooks), *shown, *polled, json.dumps(tasks), json.dumps(journal), json.dumps(missed),
        json.dumps(client.control.tasks(key=client.key)), json.dumps(client.deliveries()), json.dumps(client.control.resources("webhook", key=client.key)),
    ]
    assert all(secret_free(view) for view in views), [view for view in views if not secret_free(view)]
    assert missed["near_misses"] and any("auth.token is '****'" in miss["reason"] for miss in missed["near_misses"])
    assert client.control.count(only_key=client.key, action="webhook:add", body={"auth.token": BEARER})["count"] == 1
    assert client.control.count(only_key=client.key, action="webhook:add", body={"url": {"contains": URL_PASSWORD}})["count"] == 1
    bodies = [entry["body"] for entry in journal["requests"] if entry["action"] == "webhook:add"]
    assert [body.get("auth") for body in bodies] == [None, {"type": "bearer", "token": "****"}, {"type": "basic", "username": "hookuser", "password": "****"}]


def test_a_card_number_and_cvv_never_appear_in_the_journal(client):
    for body in ({"cvv": CVV, "expiration": 2219461199, "number": CARD}, {"number": CARD}):
        client.http.post("/v1/creditcard", json=body)
    journal = client.control.requests(key=client.key)
    assert [entry["body"] for entry in journal["requests"]] == [
        {"cvv": "****", "expiration": 2219461199, "number": "************4242"},
        {"number": "************4242"},
    ]
    assert secret_free(json.dumps(journal))
    assert client.control.count(only_key=client.key, action="creditcard:add", body={"number": CARD, "cvv": CVV})["count"] == 1


def test_passwords_tokens_and_pins_are_masked_in_request_bodies_and_task_input(client):
    client.http.post("/v1/login", json={"username": "nobody@example.com", "password": "hunter2-login"})
    pin = client.http.post("/v1/client/pin", json={"pin": "135790"})
    form = client.http.post("/v1/register", content="email=a%40example.com&password=hunter2-register-long&agree_to_terms=true",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assessed = client.http.get(f"/v1/assess-passphrase/{PASSPHRASE}")
    assert form.status_code == 201, form.text
    assert assessed.status_code == 200 and assessed.json()["passphrase"] == PASSPHRASE, "the answer is the Portal's own"
    assert pin.json()["input"] == {"pin": "****"}
    journal = client.control.requests(key=client.key)
    assert journal["requests"][-1]["path"] == "/v1/assess-passphrase/****"
    assert not any(secret in json.dumps(journal) for secret in ("hunter2", "135790")), journal


def test_the_answers_that_mint_a_key_still_show_it_in_full(client):
    made = client.http.post("/v1/api-token", json={"name": "laptop"})
    email = client.minted.user["identity"].rpartition(" - ")[2]
    login = client.http.post("/v1/login", json={"username": email, "password": "any"})
    for key in (made.json()["token"], login.json()["authorization"]):
        assert "*" not in key and "…" not in key
        assert client.http.get("/v1/client/self", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert login.headers["authorization"] == f"Bearer {login.json()['authorization']}"


def test_redact_value_walks_a_body():
    body = {
        "url": "https://user:pass@example.com/a?b=c",
        "auth": {"type": "basic", "username": "u", "password": "p"},
        "api_key": "abc",
        "nested": [{"client_secret": "s", "token": ""}],
        "use_password": True,
        "tax_exempt": {"number": "X1234567890"},
        "card_number": "4000056655665556",
    }
    assert redact_value(body) == {
        "url": "https://user:****@example.com/a?b=c",
        "auth": {"type": "basic", "username": "u", "password": "****"},
        "api_key": "****",
        "nested": [{"client_secret": "****", "token": ""}],
        "use_password": True,
        "tax_exempt": {"number": "X1234567890"},
        "card_number": "************5556",
    }
    assert body["auth"]["password"] == "p", "the value shown is a copy"


def test_the_access_log_of_a_served_mock_holds_no_secret():
    process, url, _ = start("--key", SHORT_KEY, "--access-log", "--task-delay", "0.05")
    try:
        wait_until_serving(url)
        with Receiver() as receiver, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {SHORT_KEY}"}, verify=TLS) as http:
            for hook in hooks(receiver):
                assert http.post("/v1/task/webhook", json=hook).status_code == 202
            http.post("/v1/creditcard", json={"cvv": CVV, "expiration": 2219461199, "number": CARD})
            http.get("/v1/ticket", params={"token": SHORT_KEY})
            http.get(f"/v1/assess-passphrase/{PASSPHRASE}")
            http.post("/v1/ticket", json=TICKET)
            eventually(lambda: len(receiver.requests) >= 3, "the webhooks to hear the ticket's task")
    finally:
        code, stderr = stop_and_read(process)
    assert code == 0, stderr
    assert "key ****" in stderr and "/v1/creditcard" in stderr and "/v1/assess-passphrase/**** -> 200" in stderr
    assert SHORT_KEY not in stderr and secret_free(stderr), stderr


def test_serve_prints_the_keys_it_was_given_in_full():
    """The banner is where a person reads the key to use: it stays whole."""
    process, url, keys = start("--key", SHORT_KEY)
    try:
        assert keys == [SHORT_KEY]
    finally:
        stop(process)
