"""Keys are resources: api-token:add makes a working key, api-token:delete
revokes it, auth:login hands out a key for a user; and the public
passphrase helpers."""

from __future__ import annotations

import httpx
from helpers import TLS


def as_key(client, token: str) -> httpx.Client:
    return httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {token}"}, verify=TLS)


def test_a_token_made_by_api_token_add_is_a_key_of_the_same_account_until_deleted(client):
    made = client.http.post("/v1/api-token", json={"name": "laptop"})
    assert made.status_code == 201
    token = made.json()["token"]
    assert made.json()["metadata"] == {"scope": "client-user-api-token", "uri": f"/v1/api-token/{made.json()['id']}"}
    with as_key(client, token) as laptop:
        assert laptop.get("/v1/client/self").json() == client.http.get("/v1/client/self").json()
        assert laptop.post("/v1/ticket", json={"department": "support", "subject": "from the laptop"}).status_code == 202
        listed = client.http.get("/v1/api-token").json()
        assert [t["name"] for t in listed] == ["laptop"]
        assert "token" not in listed[0], "the token is shown once, in the 201"
        deleting = client.http.delete(f"/v1/api-token/{made.json()['id']}")
        assert deleting.status_code == 202
        assert laptop.get("/v1/client/self").status_code == 200, "revoked when the task succeeds, not before"
        client.advance(2)
        assert client.http.get(deleting.headers["location"]).json()["status"] == "success"
        assert laptop.get("/v1/client/self").status_code == 401
        assert client.http.get(f"/v1/api-token/{made.json()['id']}").status_code == 404


def test_api_token_edit_renames_and_add_refuses_a_name_of_two_lines(client):
    made = client.http.post("/v1/api-token", json={"name": "laptop"}).json()
    assert client.http.post(f"/v1/api-token/{made['id']}", json={"name": "workstation"}).status_code == 202
    client.advance(2)
    assert client.http.get(f"/v1/api-token/{made['id']}").json()["name"] == "workstation"
    refused = client.http.post("/v1/api-token", json={"name": "two\nlines"})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"name"}


def test_auth_login_hands_out_a_key_for_the_user_an_email_names(client, anonymous):
    me = client.http.get("/v1/user/self").json()["user"]
    logged_in = anonymous.post("/v1/login", json={"username": me["email"].upper(), "password": "anything at all"})
    assert logged_in.status_code == 200
    body = logged_in.json()
    assert logged_in.headers["authorization"] == f"Bearer {body['authorization']}"
    assert body["user"]["id"] == me["id"]
    assert body["client"]["id"] == client.http.get("/v1/client/self").json()["id"]
    with as_key(client, body["authorization"]) as session:
        assert session.get("/v1/user/self").json()["user"]["id"] == me["id"]


def test_auth_login_refuses_an_unknown_user_and_names_missing_fields(anonymous):
    assert anonymous.post("/v1/login", json={"username": "nobody@example.invalid", "password": "x"}).status_code == 401
    missing = anonymous.post("/v1/login", json={})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"username", "password"}


def test_every_uri_a_task_names_resolves_including_its_user(client):
    task = client.http.post("/v1/ticket", json={"department": "support", "subject": "x"}).json()
    assert client.http.get(task["user"]["metadata"]["uri"]).status_code == 200


def test_a_key_minted_as_another_user_is_that_user_at_user_show(client):
    minted = client.control.mint_key(label="someone else", clock="manual", user="Pat Doe - pat@example.com")
    with as_key(client, minted.key) as pat:
        task = pat.post("/v1/ticket", json={"department": "support", "subject": "x"}).json()
        shown = pat.get(task["user"]["metadata"]["uri"])
        assert shown.status_code == 200
        assert shown.json()["email"] == "pat@example.com"


def test_the_passphrase_helpers_are_public_and_check_their_input(anonymous):
    assessed = anonymous.get("/v1/assess-passphrase/theamazingpassphrase")
    assert assessed.status_code == 200
    assert assessed.json()["passphrase"] == "theamazingpassphrase"
    assert anonymous.get("/v1/assess-passphrase/short").status_code == 422
    generated = anonymous.get("/v1/passphrase")
    assert generated.status_code == 200
    assert len(generated.json()["passphrase"]) >= 8
