"""ticket:comment, ticket:close, ticket:open, ticket:claim — queued, and
changing the ticket only when their task succeeds."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def ticket(client) -> dict:
    """A resolved ticket on the client's account, opened with one comment."""
    task = client.finish(client.add_ticket(subject="Site is down", comment="Since noon."))
    return client.http.get(task["resource"]["metadata"]["uri"]).json()


def show(client, ticket: dict) -> dict:
    return client.http.get(f"/v1/ticket/{ticket['id']}").json()


@pytest.mark.parametrize("verb, body", [("comment", {"comment": "Still down."}), ("close", None), ("open", None), ("claim", None)])
def test_accepted_as_a_pending_task_with_a_location(client, ticket, verb, body):
    response = client.http.post(f"/v1/ticket/{ticket['id']}/{verb}", json=body)
    assert response.status_code == 202
    task = response.json()
    assert response.headers["location"] == f"/v1/task/{task['uuid']}"
    assert task["action"] == f"ticket:{verb}" and task["status"] == "pending"
    assert task["input"] == (body or {})
    assert show(client, ticket) == ticket


def test_comment_changes_posts_and_dates_when_its_task_succeeds(client, ticket):
    accepted = client.http.post(f"/v1/ticket/{ticket['id']}/comment", json={"comment": "Still down."})
    client.advance(5)
    task = client.http.get(accepted.headers["location"]).json()
    assert task["status"] == "success"
    assert task["resource"] == {"id": ticket["id"], "identity": ticket["mask"], "metadata": {"scope": "ticket", "uri": f"/v1/ticket/{ticket['id']}"}}
    after = show(client, ticket)
    post = after["recent_post"]
    assert after["num_posts"] == ticket["num_posts"] + 1
    assert post["body"] == "Still down." and post["reply_by"] == "client" and post["date"] == task["resolved_date"]
    assert post["id"] != ticket["recent_post"]["id"]
    assert post["name"] == task["user"]["identity"].rpartition(" - ")[0]
    assert re.fullmatch(re.escape(post["name"]) + r" - \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", post["identity"])
    assert after["last_reply_by"] == "client" and after["last_replier_name"] == post["name"]
    assert after["update_date"] == after["client_update_date"] == task["resolved_date"] > ticket["update_date"]
    assert after["staff_update_date"] == ticket["staff_update_date"]


def test_comment_needs_a_comment(client, ticket):
    for body in ({}, {"comment": ""}, {"comment": "  "}, {"comment": 5}):
        response = client.http.post(f"/v1/ticket/{ticket['id']}/comment", json=body)
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["comment"]


def test_comment_as_a_form(client, ticket):
    response = client.http.post(f"/v1/ticket/{ticket['id']}/comment", data={"comment": "From PHP"})
    assert response.status_code == 202 and response.json()["input"] == {"comment": "From PHP"}


def test_close_then_open_flip_the_status(client, ticket):
    client.finish(client.http.post(f"/v1/ticket/{ticket['id']}/close"))
    closed = show(client, ticket)
    assert closed["is_closed"] is True and closed["is_closeable"] is False
    assert closed["status"] == {"name": "Closed", "color": "9e9e9e", "id": 5, "identity": "Closed", "is_real": True}
    assert closed["resolved_date"] == closed["update_date"] > ticket["update_date"]
    client.finish(client.http.post(f"/v1/ticket/{ticket['id']}/open"))
    reopened = show(client, ticket)
    assert reopened["is_closed"] is False and reopened["is_closeable"] is False, "open again, and still no staff answer"
    assert reopened["status"] == ticket["status"] == {"name": "Open", "color": "82bf3b", "id": 1, "identity": "Open", "is_real": True}
    assert reopened["resolved_date"] == 0


@pytest.mark.parametrize("verb, reason", [("open", "already open"), ("claim", "already claimed")])
def test_a_change_that_does_not_apply_is_rejected_with_a_reason(client, ticket, verb, reason):
    task = client.finish(client.http.post(f"/v1/ticket/{ticket['id']}/{verb}"))
    assert task["status"] == "rejected" and task["identity"] == f"ticket:{verb} (rejected)"
    assert reason in task["errors"]["message"] and task["resource"] is None
    assert show(client, ticket) == ticket


def test_closing_a_closed_ticket_is_rejected(client, ticket):
    client.finish(client.http.post(f"/v1/ticket/{ticket['id']}/close"))
    closed = show(client, ticket)
    task = client.finish(client.http.post(f"/v1/ticket/{ticket['id']}/close"))
    assert task["status"] == "rejected" and "already closed" in task["errors"]["message"]
    assert show(client, ticket) == closed


def test_claim_authenticates_an_unclaimed_ticket(client):
    (unclaimed,) = client.seed_tickets([{"is_authenticated": False}])
    assert client.http.get(f"/v1/ticket/{unclaimed['id']}").json()["is_authenticated"] is False
    task = client.finish(client.http.post(f"/v1/ticket/{unclaimed['id']}/claim"))
    assert task["status"] == "success"
    claimed = client.http.get(f"/v1/ticket/{unclaimed['id']}").json()
    assert claimed["is_authenticated"] is True and claimed["client_id"] == client.client_id()


@pytest.mark.parametrize("scenario, outcome", [("task-failure", "failure"), ("task-rejected", "rejected")])
@pytest.mark.parametrize("verb, body", [("comment", {"comment": "x"}), ("close", None), ("claim", None)])
def test_a_failed_or_rejected_task_changes_nothing(client, ticket, scenario, outcome, verb, body):
    client.use(scenario)
    task = client.finish(client.http.post(f"/v1/ticket/{ticket['id']}/{verb}", json=body))
    assert task["status"] == outcome
    assert show(client, ticket) == ticket


@pytest.mark.parametrize("verb", ["comment", "close", "open", "claim"])
def test_an_unknown_ticket_is_404_at_request_time(client, verb):
    response = client.http.post(f"/v1/ticket/999999999/{verb}", json={"comment": "x"})
    assert response.status_code == 404
    assert response.json()["message"]


@pytest.mark.parametrize("verb", ["comment", "close", "open", "claim"])
def test_another_accounts_ticket_is_404(client, ticket, verb):
    other = client.control.mint_key(label=f"actions-other-{verb}").key
    response = client.http.post(f"/v1/ticket/{ticket['id']}/{verb}", json={"comment": "x"}, headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404


def test_404_comes_before_the_body(client):
    assert client.http.post("/v1/ticket/999999999/comment", json={}).status_code == 404


@pytest.mark.parametrize("verb", ["comment", "close", "open", "claim"])
def test_needs_ticket_edit(client, ticket, verb):
    viewer = client.another_key(permissions=["ticket view"])
    response = client.http.post(f"/v1/ticket/{ticket['id']}/{verb}", json={"comment": "x"}, headers={"Authorization": f"Bearer {viewer}"})
    assert response.status_code == 403


@pytest.mark.parametrize("verb", ["comment", "close", "open", "claim"])
def test_401_without_a_key(anonymous, verb):
    assert anonymous.post(f"/v1/ticket/1/{verb}").status_code == 401
