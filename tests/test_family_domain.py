"""Domains through HTTP: domain:add orders a service for the domain when its
task succeeds, and the public availability lookup answers at once."""

from __future__ import annotations

import httpx
from helpers import TLS

from portal_mock.catalog import BY_NAME, PERMISSIONS

EXAMPLE = BY_NAME["domain:add"].example
"""The vendor's example request."""


def test_the_vendor_example_orders_a_service(client):
    assert client.http.get("/v1/service").json() == []
    added = client.http.post("/v1/domain", json=EXAMPLE)
    assert added.status_code == 202 and added.json()["action"] == "domain:add"
    assert client.http.get("/v1/service").json() == [], "ordered when the task succeeds, not before"
    task = client.finish(added)
    assert task["status"] == "success"
    assert task["resource"]["metadata"]["scope"] == "service"
    assert [s["id"] for s in client.http.get("/v1/service").json()] == [task["resource"]["id"]]
    assert client.http.get(task["resource"]["metadata"]["uri"]).status_code == 200


def test_a_nickname_and_package_given_are_the_service_s(client):
    package = client.http.get("/v1/package").json()[1]
    body = {"domain_name": "example", "tld_id": 7, "term": 24, "nickname": "my-domain", "package_id": package["id"]}
    task = client.finish(client.http.post("/v1/domain", json=body))
    assert task["status"] == "success"
    service = client.http.get(task["resource"]["metadata"]["uri"]).json()
    assert (service["nickname"], service["package"]["id"]) == ("my-domain", package["id"])


def test_bad_orders_are_refused_field_by_field(client):
    missing = client.http.post("/v1/domain", json={})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"term", "domain_name"}
    odd = client.http.post("/v1/domain", json={"domain_name": "example", "term": 13})
    assert odd.status_code == 422 and set(odd.json()["errors"]) == {"term", "tld_id"}
    stranger = client.http.post("/v1/domain", json={**EXAMPLE, "package_id": 424242})
    assert stranger.status_code == 422 and set(stranger.json()["errors"]) == {"package_id"}
    addons = client.http.post("/v1/domain", json={**EXAMPLE, "addons": [{"addon_id": 1}]})
    assert addons.status_code == 422 and set(addons.json()["errors"]) == {"addons"}


def test_domain_add_needs_a_key_and_order_edit(client, anonymous):
    assert anonymous.post("/v1/domain", json=EXAMPLE).status_code == 401
    limited = client.another_key([p for p in PERMISSIONS if p != "order edit"])
    with httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {limited}"}, verify=TLS) as key:
        assert key.post("/v1/domain", json=EXAMPLE).status_code == 403


def test_availability_is_public_and_answers_for_the_name_asked(client, anonymous):
    looked = anonymous.get("/v1/domain/availability/example.com")
    assert looked.status_code == 200
    body = looked.json()
    assert body["domain"]["domain"] == "example.com"
    assert isinstance(body["domain"]["is_available"], bool)
    assert body["domain"]["tld"]["metadata"] == {"scope": "domain-tld", "uri": None}
    assert body["alternatives"] and all(offer["pricing"][0]["term"] == {"months": 12, "display": "1 year"} for offer in body["alternatives"])
    mine = client.http.get("/v1/domain/availability/example.com").json()
    for offer in (mine["domain"], *mine["alternatives"]):
        assert client.http.get(offer["package"]["metadata"]["uri"]).status_code == 200


def test_availability_refuses_a_name_it_cannot_parse(anonymous):
    for name in ("exa%20mple.com", "example..com", ".example.com", "x" * 254):
        assert anonymous.get(f"/v1/domain/availability/{name}").status_code == 422, name
