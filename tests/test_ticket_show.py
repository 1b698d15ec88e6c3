"""ticket:show — GET /v1/ticket/{id}, as portal-api.md documents it."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "1.5", "²", "١٢"])
def test_a_bad_id_is_422_naming_the_id(client, raw):
    response = client.http.get(f"/v1/ticket/{raw}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["id"]


@pytest.mark.parametrize("verb", ["comment", "close", "open", "claim"])
def test_a_bad_id_is_422_on_queued_actions_too(client, verb):
    response = client.http.post(f"/v1/ticket/²/{verb}", json={"comment": "hi"})
    assert response.status_code == 422


DOCUMENTED = {
    "id", "identity", "mask", "company_id", "client_id", "subject", "recent_post", "last_reply_by", "last_replier_name",
    "num_posts", "num_posts_staff", "update_date", "staff_update_date", "client_update_date", "resolved_date", "rating",
    "category", "department", "priority", "status", "is_closed", "is_closeable",
}


def test_shows_every_documented_field(client):
    task = client.finish(client.add_ticket(department="billing", category="site_down", comment="Down."))
    response = client.http.get(task["resource"]["metadata"]["uri"])
    assert response.status_code == 200
    ticket = response.json()
    assert DOCUMENTED <= set(ticket)
    assert ticket["id"] == task["resource"]["id"] and ticket["identity"] == ticket["mask"] == task["resource"]["identity"]
    assert isinstance(ticket["company_id"], int) and ticket["client_id"] == client.client_id()
    assert ticket["category"] == {"id": 10, "identity": "Site Down", "is_real": True, "meta": {"scope": "ticket-category"}}
    assert ticket["department"] == {"name": "Billing", "color": "bf8a3b", "id": 2, "identity": "Billing", "is_real": True}
    assert ticket["priority"]["name"] == "Normal" and ticket["status"]["name"] == "Open"
    assert ticket["num_posts"] == 1 and ticket["num_posts_staff"] == 0 and ticket["last_reply_by"] == "client"
    assert ticket["update_date"] == ticket["client_update_date"] == task["resolved_date"]
    assert ticket["staff_update_date"] == ticket["resolved_date"] == ticket["rating"] == 0
    assert (ticket["is_closed"], ticket["is_closeable"]) == (False, False), "open, but no staff member has answered"


def test_an_unknown_ticket_is_404(client):
    response = client.http.get("/v1/ticket/999999999")
    assert response.status_code == 404
    assert response.json()["message"]


def test_another_accounts_ticket_is_404(client):
    task = client.finish(client.add_ticket())
    other = client.control.mint_key(label="show-other").key
    response = client.http.get(task["resource"]["metadata"]["uri"], headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404


def test_needs_ticket_view(client):
    editor = client.another_key(permissions=["ticket edit"])
    assert client.http.get("/v1/ticket/1", headers={"Authorization": f"Bearer {editor}"}).status_code == 403


def test_401_without_a_key(anonymous):
    assert anonymous.get("/v1/ticket/1").status_code == 401
