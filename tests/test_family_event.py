"""Client events: a read-only list, empty in a new account and seeded in
a ``sample-account`` one, with the documented filters and sorts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http


def test_a_new_account_has_no_events(client):
    listed = client.http.get("/v1/event")
    assert (listed.status_code, listed.json(), listed.headers["content-range"]) == (200, [], "items 0-0/0")


def test_the_sample_accounts_events_have_the_vendors_shape_and_sort_by_the_documented_names(sample):
    events = sample.get("/v1/event").json()
    assert len(events) == 3
    for event in events:
        assert event["metadata"] == {"scope": "event", "uri": None}
        assert re.fullmatch(rf"api-task:{event['action']} - \d\d/\d\d/\d{{4}} \d\d:\d\d:\d\d", event["identity"])
    recent = sample.get("/v1/event", params={"sortBy": "recent", "sortOrder": "DESC"}).json()
    assert [e["event_date"] for e in recent] == sorted((e["event_date"] for e in events), reverse=True)
    by_action = sample.get("/v1/event", params={"filter[action]": events[0]["action"]}).json()
    assert by_action == [e for e in events if e["action"] == events[0]["action"]]
    assert sample.get("/v1/event", params={"match[scope]": "task"}).json() == events
    assert sample.get("/v1/event", params={"sortBy": "identity"}).status_code == 422
    assert sample.get("/v1/event", params={"page": 2}).status_code == 416


def test_event_list_refuses_a_missing_key_and_a_key_without_the_permission(client, anonymous):
    assert anonymous.get("/v1/event").status_code == 401
    viewer = client.another_key(permissions=["invoice view"])
    assert client.http.get("/v1/event", headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    assert client.http.get("/v1/event", headers={"Authorization": f"Bearer {client.another_key(permissions=['event view'])}"}).status_code == 200
