"""Keys and permissions: 401 and 403 as the error table says."""

from __future__ import annotations

import pytest
from helpers import TICKET


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer unknown-key", "Token abc"],
)
def test_401_with_www_authenticate_and_a_message(anonymous, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = anonymous.post("/v1/ticket", json=TICKET, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["message"]
    assert response.headers["nocworx-api-version"] == "0.5.0"


def test_401_on_task_show_too(anonymous):
    assert anonymous.get("/v1/task/00000000-0000-4000-8000-000000000000").status_code == 401


def test_bearer_scheme_is_case_insensitive(client):
    response = client.http.post("/v1/ticket", json=TICKET, headers={"Authorization": f"bearer {client.key}"})
    assert response.status_code == 202


def test_a_key_without_ticket_edit_gets_403(client):
    viewer = client.another_key(permissions=["ticket view"])
    response = client.http.post("/v1/ticket", json=TICKET, headers={"Authorization": f"Bearer {viewer}"})
    assert response.status_code == 403
    assert "ticket edit" in response.json()["message"]


def test_auth_is_checked_before_the_body(anonymous):
    response = anonymous.post("/v1/ticket", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_every_key_of_an_account_sees_its_tasks(client):
    second = client.another_key()
    location = client.add_ticket().headers["location"]
    assert client.http.get(location, headers={"Authorization": f"Bearer {second}"}).status_code == 200
