"""Credit cards: add → the task resolves → list and show have the card
(its number as stars and the last four digits, never in full) → rename →
delete → 404; the task never echoes the number or the cvv."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS
from receiver import Receiver

EXAMPLE = {"cvv": "504", "expiration": 1672230798, "number": "4242424242424242"}
"""The vendor's example request."""


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http


def test_a_card_is_added_listed_renamed_and_deleted_and_its_number_is_kept_as_its_last_four(client):
    queued = client.http.post("/v1/creditcard", json={**EXAMPLE, "name": "Travel", "make_primary": True})
    assert queued.status_code == 202
    assert queued.headers["location"] == queued.json()["metadata"]["uri"]
    assert client.http.get("/v1/creditcard").json() == [], "made when the task succeeds, not before"
    task = client.finish(queued)
    assert task["status"] == "success"
    card_id = task["resource"]["id"]
    assert task["resource"]["identity"] == "Visa ************4242"
    shown = client.http.get(f"/v1/creditcard/{card_id}")
    assert shown.status_code == 200
    card = shown.json()
    assert card["number"] == "************4242"
    assert (card["type"], card["name"], card["is_primary"], card["expiration"]) == ("Visa", "Travel", True, 1672230798)
    assert card["metadata"] == {"scope": "creditcard", "uri": f"/v1/creditcard/{card_id}"}
    assert client.http.get("/v1/creditcard").json() == [card]
    renamed = client.http.post(f"/v1/creditcard/{card_id}", json={"name": "My card name"})
    assert renamed.status_code == 202
    assert client.finish(renamed)["status"] == "success"
    assert client.http.get(f"/v1/creditcard/{card_id}").json() == {**card, "name": "My card name"}
    deleted = client.http.delete(f"/v1/creditcard/{card_id}")
    assert deleted.status_code == 202
    assert client.finish(deleted)["status"] == "success"
    assert client.http.get(f"/v1/creditcard/{card_id}").status_code == 404
    assert client.http.delete(f"/v1/creditcard/{card_id}").status_code == 404


def test_no_answer_or_task_ever_shows_the_full_number_or_the_cvv(client):
    queued = client.http.post("/v1/creditcard", json={"cvv": "9876", "expiration": 2219461199, "number": "5555555555554444"})
    task = client.finish(queued)
    seen = [queued.text, json.dumps(task), client.http.get("/v1/creditcard").text, json.dumps(client.control.tasks(key=client.key))]
    for text in seen:
        assert "5555555555554444" not in text and "9876" not in text
    assert task["input"] == {"expiration": 2219461199, "number": "************4444"}
    assert queued.json()["input"] == task["input"]
    assert client.http.get("/v1/creditcard").json()[0]["type"] == "MasterCard"


def test_a_webhook_hears_of_a_card_by_its_last_four_digits_only(client):
    with Receiver() as receiver:
        client.finish(client.http.post("/v1/task/webhook", json={"name": "billing", "url": receiver.url, "resource": "creditcard", "action": "add"}))
        task = client.finish(client.http.post("/v1/creditcard", json=EXAMPLE))
        delivered = json.loads(receiver.wait_for(1)[0].body)
    assert (delivered["uuid"], delivered["action"], delivered["status"]) == (task["uuid"], "creditcard:add", "success")
    assert delivered["input"] == {"expiration": 1672230798, "number": "************4242"}
    assert delivered["resource"]["identity"] == "Visa ************4242"


def test_the_vendors_example_is_accepted_and_a_bad_card_is_refused_naming_every_field(client):
    assert client.http.post("/v1/creditcard", json=EXAMPLE).status_code == 202
    missing = client.http.post("/v1/creditcard", json={})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"cvv", "number", "expiration"}
    bad = client.http.post("/v1/creditcard", json={"cvv": "5", "number": "4242-4242", "expiration": "soon", "make_primary": "yes"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"cvv", "number", "expiration", "make_primary"}
    assert "4242-4242" not in bad.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/creditcard", None),
        ("GET", "/v1/creditcard/{id}", None),
        ("POST", "/v1/creditcard", EXAMPLE),
        ("POST", "/v1/creditcard/{id}", {"name": "x"}),
        ("DELETE", "/v1/creditcard/{id}", None),
    ],
)
def test_every_card_endpoint_refuses_a_missing_key_and_a_key_without_the_permission(sample, control, anonymous, method, path, body):
    path = path.format(id=sample.get("/v1/creditcard").json()[0]["id"])
    assert anonymous.request(method, path, json=body).status_code == 401
    viewer = control.mint_key(clock="manual", permissions=["invoice view"]).key
    assert sample.request(method, path, json=body, headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    assert sample.request(method, path, json=body).status_code == (200 if method == "GET" else 202)


def test_an_unknown_card_is_a_404_and_a_bad_id_a_422(client):
    for method in ("GET", "POST", "DELETE"):
        assert client.http.request(method, "/v1/creditcard/999999", json={"name": "x"}).status_code == 404
        assert client.http.request(method, "/v1/creditcard/visa", json={"name": "x"}).status_code == 422


def test_the_sample_account_has_a_primary_card_and_the_list_sorts_by_the_documented_names(sample):
    cards = sample.get("/v1/creditcard").json()
    assert [card["is_primary"] for card in cards].count(True) == 1
    by_priority = sample.get("/v1/creditcard", params={"sortBy": "priority", "sortOrder": "DESC"}).json()
    assert [card["priority"] for card in by_priority] == sorted((card["priority"] for card in cards), reverse=True)
    assert sample.get("/v1/creditcard", params={"sortBy": "number"}).status_code == 422
    assert sample.get("/v1/creditcard", params={"pageSize": 0}).status_code == 416
