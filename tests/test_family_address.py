"""Addresses: add → the task resolves → list shows it → edit → show
reflects it → delete → show is 404; the vendor's example requests; 401,
403, 404 and 422; and the phone-number lookup, whose path value is a
phone number, not an id."""

from __future__ import annotations

import json

import httpx
from helpers import TLS
from receiver import Receiver

from portal_mock.catalog.address import EXAMPLE

ADDRESS = {**EXAMPLE, "company": "Nexcess", "phone": "+18666392377"}


def as_key(client, token: str) -> httpx.Client:
    return httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {token}"}, verify=TLS)


def test_an_address_is_added_listed_edited_shown_and_deleted(client):
    assert client.http.get("/v1/address").json() == [], "a default account has no addresses"
    added = client.http.post("/v1/address", json=ADDRESS)
    assert added.status_code == 202
    assert client.http.get("/v1/address").json() == [], "made when the task succeeds, not before"
    task = client.finish(added)
    assert task["status"] == "success"
    id = task["resource"]["id"]
    listed = client.http.get("/v1/address")
    assert listed.headers["content-range"] == "items 1-1/1"
    [record] = listed.json()
    assert record["id"] == id
    assert record["identity"] == "William Louis"
    assert record["metadata"] == {"scope": "address", "uri": f"/v1/address/{id}"}
    assert {name: record[name] for name in ADDRESS} == ADDRESS
    assert record["address2"] == "" and record["fax"] == "" and record["is_residence"] is False
    assert [{k: v for k, v in found.items() if k != "account"} for found in client.control.resources("address", key=client.key)] == [record]

    edited = client.http.post(f"/v1/address/{id}", json={"city": "Dearborn", "last_name": "Lewis", "type": "abuse"})
    assert edited.status_code == 202
    assert client.http.get(f"/v1/address/{id}").json()["city"] == "Southfield"
    assert client.finish(edited)["status"] == "success"
    shown = client.http.get(f"/v1/address/{id}").json()
    assert (shown["city"], shown["last_name"], shown["type"], shown["identity"]) == ("Dearborn", "Lewis", "abuse", "William Lewis")
    assert shown["zip"] == "48075", "an edit changes only the fields it gives"

    deleted = client.http.delete(f"/v1/address/{id}")
    assert deleted.status_code == 202
    assert client.finish(deleted)["status"] == "success"
    assert client.http.get(f"/v1/address/{id}").status_code == 404
    assert client.http.get("/v1/address").json() == []


def test_a_failed_add_or_edit_changes_nothing(client):
    failing = client.http.post("/v1/address", json=EXAMPLE)
    client.control.resolve(failing.headers["location"], outcome="failure")
    assert client.http.get(failing.headers["location"]).json()["status"] == "failure"
    assert client.http.get("/v1/address").json() == []
    id = client.finish(client.http.post("/v1/address", json=EXAMPLE))["resource"]["id"]
    editing = client.http.post(f"/v1/address/{id}", json={"city": "Troy"})
    client.control.resolve(editing.headers["location"], outcome="failure")
    client.advance(2)
    assert client.http.get(f"/v1/address/{id}").json()["city"] == "Southfield"


def test_the_vendors_example_requests_are_accepted(client):
    added = client.http.post("/v1/address", json=EXAMPLE)
    assert added.status_code == 202
    id = client.finish(added)["resource"]["id"]
    assert client.http.get(f"/v1/address/{id}").json()["type"] == "billing"
    edited = client.http.post(f"/v1/address/{id}", json=EXAMPLE)
    assert edited.status_code == 202
    assert client.finish(edited)["status"] == "success"


def test_an_address_left_without_a_type_is_the_default_one(client):
    id = client.finish(client.http.post("/v1/address", json={k: v for k, v in EXAMPLE.items() if k != "type"}))["resource"]["id"]
    assert client.http.get(f"/v1/address/{id}").json()["type"] == "default"


def test_add_names_every_missing_or_bad_field_at_once(client):
    missing = client.http.post("/v1/address", json={})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"address1", "city", "state", "country", "zip", "first_name", "last_name", "email"}
    bad = client.http.post("/v1/address", json={**EXAMPLE, "state": "XY", "country": "ZZ", "email": "nobody", "type": "home", "city": "two\nlines"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"state", "country", "email", "type", "city"}
    assert client.http.get("/v1/address").json() == []


def test_edit_refuses_a_bad_field_and_an_unknown_id(client):
    id = client.finish(client.http.post("/v1/address", json=EXAMPLE))["resource"]["id"]
    refused = client.http.post(f"/v1/address/{id}", json={"country": "USA"})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"country"}
    assert client.http.post(f"/v1/address/{id + 1}", json={"city": "Troy"}).status_code == 404
    assert client.http.delete(f"/v1/address/{id + 1}").status_code == 404
    assert client.http.get(f"/v1/address/{id + 1}").status_code == 404
    assert client.http.get("/v1/address/not-a-number").status_code == 422


def test_deleting_what_a_queued_delete_already_removed_is_rejected(client):
    id = client.finish(client.http.post("/v1/address", json=EXAMPLE))["resource"]["id"]
    first = client.http.delete(f"/v1/address/{id}")
    second = client.http.delete(f"/v1/address/{id}")
    assert first.status_code == second.status_code == 202, "both find it at request time"
    client.advance(2)
    assert client.http.get(first.headers["location"]).json()["status"] == "success"
    assert client.http.get(second.headers["location"]).json()["status"] == "rejected"


def test_the_list_filters_and_sorts_by_id_and_pages(client):
    ids = sorted(client.finish(client.http.post("/v1/address", json=EXAMPLE))["resource"]["id"] for _ in range(3))
    assert [a["id"] for a in client.http.get("/v1/address", params={"sortBy": "id", "sortOrder": "DESC"}).json()] == ids[::-1]
    assert [a["id"] for a in client.http.get("/v1/address", params={"filter[id]": ids[1]}).json()] == [ids[1]]
    assert client.http.get("/v1/address", params={"page": 9}).status_code == 416
    assert client.http.get("/v1/address", params={"sortBy": "city"}).status_code == 422


def test_a_key_without_the_address_permissions_gets_403(client):
    with as_key(client, client.another_key(["address view"])) as viewer:
        assert viewer.get("/v1/address").status_code == 200
        assert viewer.get("/v1/address/phone/+18666392377").status_code == 200
        assert viewer.post("/v1/address", json=EXAMPLE).status_code == 403
    id = client.finish(client.http.post("/v1/address", json=EXAMPLE))["resource"]["id"]
    with as_key(client, client.another_key(["address edit"])) as editor:
        assert editor.get(f"/v1/address/{id}").status_code == 403
        assert editor.get("/v1/address/phone/+18666392377").status_code == 403
        assert editor.delete(f"/v1/address/{id}").status_code == 403, "deleting takes 'address delete'"
        assert editor.post(f"/v1/address/{id}", json={"city": "Troy"}).status_code == 202


def test_every_address_action_refuses_a_missing_key(anonymous):
    assert anonymous.get("/v1/address").status_code == 401
    assert anonymous.post("/v1/address", json=EXAMPLE).status_code == 401
    assert anonymous.get("/v1/address/1").status_code == 401
    assert anonymous.delete("/v1/address/1").status_code == 401
    assert anonymous.get("/v1/address/phone/+18666392377").status_code == 401


def test_the_phone_lookup_describes_the_vendors_example_number(client):
    looked_up = client.http.get("/v1/address/phone/+18666392377")
    assert looked_up.status_code == 200
    assert looked_up.json() == {"callerName": None, "countryCode": "US", "phoneNumber": "+18666392377", "nationalFormat": "(866) 639-2377"}
    british = client.http.get("/v1/address/phone/+442071234567").json()
    assert (british["countryCode"], british["phoneNumber"], british["nationalFormat"]) == ("GB", "+442071234567", "2071234567")


def test_the_phone_lookup_refuses_a_number_not_in_e164_format(client):
    for number in ("18666392377", "866-639-2377", "+0123", "+1234567890123456"):
        refused = client.http.get(f"/v1/address/phone/{number}")
        assert refused.status_code == 422, number
        assert set(refused.json()["errors"]) == {"number"}


def test_a_webhook_on_address_edits_hears_an_edit_resolve(client):
    with Receiver() as receiver:
        hook = {"name": "addresses", "url": receiver.url, "resource": "address", "action": "edit"}
        assert client.finish(client.http.post("/v1/task/webhook", json=hook))["status"] == "success"
        id = client.finish(client.http.post("/v1/address", json=EXAMPLE))["resource"]["id"]
        task = client.finish(client.http.post(f"/v1/address/{id}", json={"city": "Troy"}))
        [delivered] = receiver.wait_for(1)
    body = json.loads(delivered.body)
    assert (body["uuid"], body["action"], body["status"], body["input"]) == (task["uuid"], "address:edit", "success", {"city": "Troy"})
