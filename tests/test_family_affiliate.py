"""The affiliate programme: the client's standing and its payout type
(set by a queued edit, read back by affiliate:show), credits, the
programme's links and each link's statistics, and referrals; 401, 403,
404, 416 and 422."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS

from portal_mock.catalog.affiliate import LINKS


def as_key(client, token: str) -> httpx.Client:
    return httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {token}"}, verify=TLS)


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A key on a ``sample-account`` account: credits, link visits and referrals."""
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http


def test_the_affiliate_is_the_keys_own_client(client):
    shown = client.http.get("/v1/affiliate")
    assert shown.status_code == 200
    me = client.http.get("/v1/client/self").json()
    standing = {"id": me["id"], "identity": me["identity"], "is_affiliate": True, "metadata": {"scope": "client", "uri": None}}
    assert shown.json() == {**standing, "payout_type": "credit"}


def test_the_payout_type_an_edit_sets_is_what_affiliate_show_answers_once_the_task_succeeds(client):
    edited = client.http.post("/v1/affiliate/payout-type", json={"payout_type": "paypal"})
    assert edited.status_code == 202
    assert client.http.get("/v1/affiliate").json()["payout_type"] == "credit", "changed when the task succeeds, not before"
    task = client.finish(edited)
    assert task["status"] == "success"
    assert task["resource"]["id"] == client.http.get("/v1/client/self").json()["id"]
    assert client.http.get("/v1/affiliate").json()["payout_type"] == "paypal"


def test_the_vendors_payout_type_example_is_accepted(client):
    assert client.finish(client.http.post("/v1/affiliate/payout-type", json={"payout_type": "credit"}))["status"] == "success"


def test_the_payout_type_must_be_one_of_the_documented_values(client):
    for body in ({}, {"payout_type": "bitcoin"}, {"payout_type": 3}):
        refused = client.http.post("/v1/affiliate/payout-type", json=body)
        assert refused.status_code == 422, body
        assert set(refused.json()["errors"]) == {"payout_type"}


def test_each_affiliate_action_takes_its_own_permission(client, anonymous):
    paths = ("/v1/affiliate", "/v1/affiliate/credit", "/v1/affiliate/link", "/v1/affiliate/referral", "/v1/affiliate/referral/1", "/v1/affiliate-link/1/stats")
    for path in paths:
        assert anonymous.get(path).status_code == 401, path
    assert anonymous.post("/v1/affiliate/payout-type", json={"payout_type": "cash"}).status_code == 401
    link = client.http.get("/v1/affiliate/link").json()[0]["id"]
    with as_key(client, client.another_key(["affiliate view", "affiliate links view"])) as viewer:
        assert viewer.get("/v1/affiliate").status_code == 200
        assert viewer.get("/v1/affiliate/credit").status_code == 200
        assert viewer.get("/v1/affiliate/link").status_code == 200
        assert viewer.post("/v1/affiliate/payout-type", json={"payout_type": "cash"}).status_code == 403
        assert viewer.get(f"/v1/affiliate-link/{link}/stats").status_code == 403, "a link's statistics take 'affiliate referral link view'"
        assert viewer.get("/v1/affiliate/referral").status_code == 403
    with as_key(client, client.another_key(["affiliate payout type edit", "affiliate referral view", "affiliate referral link view"])) as editor:
        assert editor.post("/v1/affiliate/payout-type", json={"payout_type": "cash"}).status_code == 202
        assert editor.get("/v1/affiliate/referral").status_code == 200
        assert editor.get(f"/v1/affiliate-link/{link}/stats").status_code == 200
        assert editor.get("/v1/affiliate").status_code == 403
        assert editor.get("/v1/affiliate/link").status_code == 403


def test_a_default_account_has_the_programmes_links_and_nothing_earned(client):
    links = client.http.get("/v1/affiliate/link").json()
    assert [(link["name"], link["target_url"]) for link in links] == list(LINKS.items())[: len(links)]
    assert len(links) == 3
    for link in links:
        assert link["status"] == "active"
        assert link["metadata"] == {"scope": "affiliate-link", "uri": f"/v1/affiliate-link/{link['id']}/stats"}
        assert client.http.get(link["metadata"]["uri"]).json() == []
    assert client.http.get("/v1/affiliate/credit").json() == []
    assert client.http.get("/v1/affiliate/referral").json() == []


def test_the_links_list_filters_matches_and_sorts_by_the_documented_fields(client):
    assert [link["name"] for link in client.http.get("/v1/affiliate/link", params={"filter[name]": "wordpress hosting"}).json()] == ["WordPress Hosting"]
    assert len(client.http.get("/v1/affiliate/link", params={"match[target_url]": "commerce"}).json()) == 1
    by_name = client.http.get("/v1/affiliate/link", params={"sortBy": "name", "sortOrder": "DESC"}).json()
    assert [link["name"] for link in by_name] == sorted((link["name"] for link in by_name), reverse=True)
    assert client.http.get("/v1/affiliate/link", params={"sortBy": "identity"}).status_code == 422
    assert client.http.get("/v1/affiliate/link", params={"pageSize": 0}).status_code == 416


def test_a_links_statistics_are_its_own_visits(sample):
    links = sample.get("/v1/affiliate/link").json()
    visits = {link["id"]: sample.get(f"/v1/affiliate-link/{link['id']}/stats").json() for link in links}
    assert sum(len(found) for found in visits.values()) == 4
    for link in links:
        for visit in visits[link["id"]]:
            assert visit["link"]["id"] == link["id"]
            assert (visit["name"], visit["target_url"], visit["status"]) == (link["name"], link["target_url"], link["status"])
            assert set(visit["metadata"]) == {"creation_date", "ip", "referrer", "query_string", "order", "commission"}


def test_the_statistics_of_an_unknown_link_are_a_404_and_a_bad_id_a_422(client):
    ids = {link["id"] for link in client.http.get("/v1/affiliate/link").json()}
    unknown = next(id for id in range(1, 10) if id not in ids)
    assert client.http.get(f"/v1/affiliate-link/{unknown}/stats").status_code == 404
    assert client.http.get("/v1/affiliate-link/magento/stats").status_code == 422


def test_credits_list_filters_and_sorts_by_status_and_credit_date(sample):
    credits = sample.get("/v1/affiliate/credit")
    assert credits.headers["content-range"] == "items 1-2/2"
    me = sample.get("/v1/client/self").json()
    for credit in credits.json():
        assert credit["name"] == me["identity"]
        assert set(credit) >= {"status", "level", "payout_type", "address", "credit_amount", "is_suspended", "credit_date"}
    dated = sample.get("/v1/affiliate/credit", params={"sortBy": "credit_date", "sortOrder": "DESC"}).json()
    assert [c["credit_date"] for c in dated] == sorted((c["credit_date"] for c in dated), reverse=True)
    assert len(sample.get("/v1/affiliate/credit", params={"filter[status]": "active"}).json()) == 2
    assert sample.get("/v1/affiliate/credit", params={"filter[name]": "x"}).status_code == 422
    assert sample.get("/v1/affiliate/credit", params={"page": 2}).status_code == 416


def test_referrals_are_listed_and_shown_and_name_other_clients_without_a_uri(sample):
    referrals = sample.get("/v1/affiliate/referral").json()
    assert len(referrals) == 2
    for referral in referrals:
        assert referral["metadata"] == {"scope": "client", "uri": None}
        assert all(service["metadata"] == {"scope": "service", "uri": None} for service in referral["services"])
        assert sample.get(f"/v1/affiliate/referral/{referral['id']}").json() == referral
    named = referrals[0]["identity"]
    assert [r["identity"] for r in sample.get("/v1/affiliate/referral", params={"filter[name]": named}).json()] == [named]
    assert sample.get("/v1/affiliate/referral", params={"sortBy": "referred_date"}).status_code == 422


def test_an_unknown_referral_is_a_404_and_a_bad_id_a_422(client):
    assert client.http.get("/v1/affiliate/referral/5").status_code == 404
    assert client.http.get("/v1/affiliate/referral/first").status_code == 422
