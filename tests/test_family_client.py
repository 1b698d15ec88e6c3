"""The client family (``client/*.md``): the key's own client account, the
verbs that change it and what client:self shows after each, its history
and heads-up notices, feedback sign-on, tax-exempt verification, and
registering a new client; each with its 401/403/422 (and 416 for lists)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS

EXAMPLE_EDIT = {"name": "Howell, Inc.", "self_classification": "developer", "purchase_order_number": "X1234567890", "agency_relation": "true"}
REGISTRATION = {"email": "new-user@example.com", "password": "correct horse battery staple", "agree_to_terms": True}


def as_key(client, token: str) -> httpx.Client:
    return httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {token}"}, verify=TLS)


@pytest.fixture
def sample(server, control, request) -> Iterator[httpx.Client]:
    minted = control.mint_key(label=f"{request.node.nodeid} sample", clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http


def resolved(client, response: httpx.Response) -> dict:
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    return client.finish(response)


def me(client) -> dict:
    shown = client.http.get("/v1/client/self")
    assert shown.status_code == 200
    return shown.json()


def test_client_self_is_the_keys_client_in_the_vendors_shape(client):
    shown = me(client)
    assert shown["id"] == client.client_id()
    assert shown["identity"] == shown["name"] and shown["name"]
    assert shown["metadata"] == {"scope": "client", "uri": None}
    assert shown["owner"]["id"] == client.http.get("/v1/user/self").json()["user"]["id"]
    assert re.fullmatch(r"[1-9][0-9]{5}", shown["pin"])
    assert shown["tax_exempt"] == {"number": ""} and shown["is_tax_exempt"] is False and shown["billing"]["tax_exempt"] is False
    assert shown["affiliate"] == {"id": shown["id"], "identity": shown["name"], "is_affiliate": False, "metadata": {"scope": "client", "uri": None}}
    assert "company" not in shown
    assert client.http.get("/v1/client/self", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_client_list_shows_the_one_client_and_pages_as_lists_do(client, anonymous):
    listed = client.http.get("/v1/client")
    assert listed.status_code == 200
    assert listed.headers["content-range"] == "items 1-1/1"
    assert listed.json() == [me(client)]
    assert client.http.get("/v1/client", params={"filter[id]": me(client)["id"] + 1}).json() == []
    assert client.http.get("/v1/client", params={"sortBy": "name"}).status_code == 422
    assert client.http.get("/v1/client", params={"page": 2}).status_code == 416
    assert anonymous.get("/v1/client").status_code == 401


def test_client_edit_changes_the_fields_given_and_client_self_reflects_them(client):
    before = me(client)
    queued = client.http.post("/v1/client", json=EXAMPLE_EDIT)
    assert queued.headers["location"] == queued.json()["metadata"]["uri"]
    assert me(client) == before, "nothing changes before the task succeeds"
    task = resolved(client, queued)
    assert task["status"] == "success"
    assert task["resource"] == {"id": before["id"], "identity": "Howell, Inc.", "metadata": {"scope": "client", "uri": None}}
    after = me(client)
    assert (after["name"], after["identity"], after["self_classification"]) == ("Howell, Inc.", "Howell, Inc.", "developer")
    assert after["purchase_order_number"] == "X1234567890"
    assert after["agency_relation"] is True
    assert after["pin"] == before["pin"], "fields not given are kept"
    assert client.http.get("/v1/client").json() == [after]
    resolved(client, client.http.post("/v1/client", json={"agency_relation": False}))
    assert me(client)["agency_relation"] is False and me(client)["name"] == "Howell, Inc."


def test_client_edit_names_every_bad_field_and_needs_client_edit(client, anonymous):
    refused = client.http.post("/v1/client", json={"name": "two\nlines", "self_classification": "astronaut", "agency_relation": "maybe"})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"name", "self_classification", "agency_relation"}
    with as_key(client, client.another_key(["client view"])) as viewer:
        assert viewer.post("/v1/client", json=EXAMPLE_EDIT).status_code == 403
        assert viewer.get("/v1/client/self").status_code == 200, "client:self needs only a key"
    assert anonymous.post("/v1/client", json=EXAMPLE_EDIT).status_code == 401


def test_client_change_pin_sets_the_pin_given_or_draws_one_for_an_empty_pin(client):
    assert resolved(client, client.http.post("/v1/client/pin", json={"pin": "123456"}))["status"] == "success"
    assert me(client)["pin"] == "123456"
    resolved(client, client.http.post("/v1/client/pin", json={"pin": ""}))
    assert re.fullmatch(r"[1-9][0-9]{5}", me(client)["pin"])
    refused = client.http.post("/v1/client/pin", json={"pin": "12345"})
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"pin"}
    with as_key(client, client.another_key(["client view"])) as viewer:
        assert viewer.post("/v1/client/pin", json={"pin": "123456"}).status_code == 403


def test_marketing_email_opt_in_and_out_with_repeats_rejected(client):
    assert me(client)["accepts_marketing_email"] is False
    repeat = resolved(client, client.http.delete("/v1/client/marketing"))
    assert repeat["status"] == "rejected" and repeat["errors"], "declining what is already declined"
    assert resolved(client, client.http.post("/v1/client/marketing"))["status"] == "success"
    assert me(client)["accepts_marketing_email"] is True
    assert resolved(client, client.http.post("/v1/client/marketing"))["status"] == "rejected"
    assert me(client)["accepts_marketing_email"] is True
    assert resolved(client, client.http.delete("/v1/client/marketing"))["status"] == "success"
    assert me(client)["accepts_marketing_email"] is False
    with as_key(client, client.another_key(["client view"])) as viewer:
        assert viewer.post("/v1/client/marketing").status_code == 403
        assert viewer.delete("/v1/client/marketing").status_code == 403


def test_tax_exemption_is_set_shown_and_removed_and_a_second_removal_rejected(client):
    assert resolved(client, client.http.delete("/v1/client/tax-exempt"))["status"] == "rejected"
    example = {"number": "X1234567890", "document_ids": [23, 24]}
    assert resolved(client, client.http.post("/v1/client/tax-exempt", json=example))["status"] == "success"
    shown = me(client)
    assert shown["tax_exempt"] == {"number": "X1234567890"} and shown["is_tax_exempt"] is True
    assert client.http.get("/v1/client").json()[0]["is_tax_exempt"] is True
    assert resolved(client, client.http.delete("/v1/client/tax-exempt"))["status"] == "success"
    shown = me(client)
    assert shown["tax_exempt"] == {"number": ""} and shown["is_tax_exempt"] is False
    assert resolved(client, client.http.delete("/v1/client/tax-exempt"))["status"] == "rejected"
    assert resolved(client, client.http.post("/v1/client/tax-exempt", json={"number": "Y42"}))["status"] == "success"
    assert me(client)["tax_exempt"] == {"number": "Y42"}, "a removal's reset leaves later numbers alone"
    assert resolved(client, client.http.delete("/v1/client/tax-exempt"))["status"] == "success"
    assert me(client)["tax_exempt"] == {"number": ""}, "and a later number leaves the next removal's reset alone"


def test_set_tax_exempt_needs_a_number_and_ids_of_documents(client):
    refused = client.http.post("/v1/client/tax-exempt", json={"document_ids": ["a", 0]})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"number", "document_ids"}
    with as_key(client, client.another_key(["client view"])) as viewer:
        assert viewer.post("/v1/client/tax-exempt", json={"number": "X1"}).status_code == 403
        assert viewer.delete("/v1/client/tax-exempt").status_code == 403


def test_verify_tax_exempt_answers_for_the_number_in_the_path(client, anonymous):
    verified = client.http.get("/v1/client/tax-exempt/X1234567890/US")
    assert verified.status_code == 200
    assert verified.json() == {"number": "X1234567890", "verified": "true"}
    assert client.http.get("/v1/client/tax-exempt/X1/two%0Alines").status_code == 422
    with as_key(client, client.another_key(["client edit"])) as editor:
        assert editor.get("/v1/client/tax-exempt/X1/US").status_code == 403
    assert anonymous.get("/v1/client/tax-exempt/X1/US").status_code == 401


def test_payment_instructions_are_kept_on_the_client(client):
    task = resolved(client, client.http.post("/v1/client/payment-instructions", json={"body": "do this payment thing"}))
    assert task["status"] == "success" and task["resource"]["id"] == me(client)["id"]
    assert me(client)["payment_instructions"] == "do this payment thing"
    refused = client.http.post("/v1/client/payment-instructions", json={"body": " "})
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"body"}
    with as_key(client, client.another_key(["client view"])) as viewer:
        assert viewer.post("/v1/client/payment-instructions", json={"body": "x"}).status_code == 403


def test_history_is_empty_for_a_new_account_and_lists_a_scenarios_events(client, sample):
    empty = client.http.get("/v1/client/history")
    assert empty.status_code == 200 and empty.json() == [] and empty.headers["content-range"] == "items 0-0/0"
    events = sample.get("/v1/client/history", params={"sortBy": "event_date", "sortOrder": "DESC"})
    assert events.status_code == 200 and events.headers["content-range"] == "items 1-3/3"
    dates = [event["event_date"] for event in events.json()]
    assert dates == sorted(dates, reverse=True)
    first = events.json()[0]
    assert first["metadata"] == {"scope": "event", "uri": None}
    assert first["identity"] == f"api-task:{first['action']} - {first['resource']['identity']}"
    assert all(e["action"] == first["action"] for e in sample.get("/v1/client/history", params={"filter[action]": first["action"]}).json())
    assert len(sample.get("/v1/client/history", params={"filter[user_id]": first["user"]["id"], "sortBy": "recent"}).json()) == 3
    assert sample.get("/v1/client/history", params={"filter[colour]": "red", "sortBy": "size"}).status_code == 422
    assert sample.get("/v1/client/history", params={"page": 9}).status_code == 416
    with as_key(client, client.another_key(["client edit"])) as editor:
        assert editor.get("/v1/client/history").status_code == 403


def test_hud_lists_a_scenarios_notifications_and_none_for_a_new_account(client, sample, anonymous):
    assert client.http.get("/v1/client/hud").json() == []
    notices = sample.get("/v1/client/hud")
    assert notices.status_code == 200 and len(notices.json()) == 2
    notice = notices.json()[0]
    assert notice["notification"] == "cloud-account:status" and notice["state"] in ("failure", "success")
    assert notice["environment_access_url"] == f"https://{notice['domain']}/admin"
    assert notice["app_is_wordpress_based"] is (notice["app_name"] != "Magento")
    assert anonymous.get("/v1/client/hud").status_code == 401


def test_feedback_sso_answers_a_token_and_boards_and_needs_client_edit(client):
    answer = client.http.get("/v1/client/feedback-sso")
    assert answer.status_code == 200
    body = answer.json()
    assert body["app_id"] and body["token"]
    assert [(board["name"], board["url"], board["isPrivate"]) for board in body["boards"]] == [("Ideas", "ideas", False)]
    with as_key(client, client.another_key(["client view"])) as viewer:
        assert viewer.get("/v1/client/feedback-sso").status_code == 403


def test_register_is_public_and_answers_201_for_the_vendors_example(anonymous, client):
    made = anonymous.post("/v1/register", json=REGISTRATION)
    assert made.status_code == 201, made.text
    assert made.json()["email"] == "new-user@example.com" and made.json()["verified"] is False
    before = me(client)
    assert client.http.post("/v1/register", json={**REGISTRATION, "email": "other@example.com"}).status_code == 201
    assert me(client) == before and len(client.http.get("/v1/client").json()) == 1, "registering makes no client of the caller's"


def test_register_refuses_a_bad_email_a_weak_password_and_no_agreement(anonymous):
    refused = anonymous.post("/v1/register", json={"email": "not-an-email", "password": "short", "agree_to_terms": False})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"email", "password", "agree_to_terms"}
    assert set(anonymous.post("/v1/register", json={}).json()["errors"]) == {"email", "password", "agree_to_terms"}


def test_a_renamed_client_is_named_so_wherever_it_is_referenced(client):
    assert client.http.get("/v1/user/self").json()["user"]["client"]["identity"] != "Renamed LLC"
    resolved(client, client.http.post("/v1/client", json={"name": "Renamed LLC"}))
    queued = client.http.post("/v1/task/webhook", json={"name": "w", "url": "http://127.0.0.1:9/hook", "resource": "-"})
    hook = resolved(client, queued)["resource"]
    assert client.http.get(f"/v1/task/webhook/{hook['id']}").json()["client"]["identity"] == "Renamed LLC", "a webhook added after"
    assert client.http.get("/v1/user/self").json()["user"]["client"]["identity"] == "Renamed LLC"
