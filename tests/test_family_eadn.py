"""EADN accounts through HTTP, on a sample-account account (no action makes
one): listed, shown, purged (the task succeeds, nothing changes) and
metered."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS

from portal_mock.catalog import PERMISSIONS


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, str]]:
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http, minted.key


def test_eadn_accounts_are_listed_and_shown_with_their_service(sample):
    http, _ = sample
    listed = http.get("/v1/eadn")
    assert listed.status_code == 200 and listed.headers["content-range"] == "items 1-2/2"
    first = listed.json()[0]
    assert first["metadata"] == {"scope": "eadn-account", "uri": f"/v1/eadn/{first['id']}"}
    assert first["identity"] == f"{first['cloud_account']['identity']} ##LG_CDN##"
    assert first["base_access_uri"] == f"https://eadn-wc04-{first['service']['id']}.nxedge.io"
    assert http.get(first["service"]["metadata"]["uri"]).status_code == 200
    assert http.get(first["metadata"]["uri"]).json() == first
    picked = http.get("/v1/eadn", params={"filter[id]": first["id"], "sortBy": "type", "sortOrder": "DESC"})
    assert [e["id"] for e in picked.json()] == [first["id"]]
    assert http.get("/v1/eadn", params={"sortBy": "enabled"}).status_code == 422
    assert http.get("/v1/eadn", params={"page": 3, "pageSize": 10}).status_code == 416


def test_purge_is_queued_succeeds_and_changes_nothing(sample, control):
    http, key = sample
    first = http.get("/v1/eadn").json()[0]
    purged = http.post(f"/v1/eadn/{first['id']}/purge")
    assert purged.status_code == 202 and purged.json()["action"] == "eadn:purge"
    control.advance(3600, key=key)
    task = http.get(purged.headers["location"]).json()
    assert task["status"] == "success" and task["resource"]["id"] == first["id"]
    assert http.get(first["metadata"]["uri"]).json() == first


def test_usage_quotes_the_account_and_stays_within_the_included_bandwidth(sample):
    http, _ = sample
    first = http.get("/v1/eadn").json()[0]
    usage = http.get(f"/v1/eadn/{first['id']}/usage")
    assert usage.status_code == 200
    body = usage.json()
    assert body["cloud_account"] == first["cloud_account"]
    assert {k: body["eadn_account"][k] for k in ("id", "identity", "metadata", "type")} == {k: first[k] for k in ("id", "identity", "metadata", "type")}
    assert 0 <= body["usage"]["used"]["total"] <= body["eadn_account"]["included_bandwidth"]
    assert body["usage"]["period"]["start"] < body["usage"]["period"]["end"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/eadn/424242"), ("POST", "/v1/eadn/424242/purge"), ("GET", "/v1/eadn/424242/usage")])
def test_an_unknown_eadn_account_is_404_and_a_bad_id_422(sample, method, path):
    http, _ = sample
    assert http.request(method, path).status_code == 404
    assert http.request(method, path.replace("424242", "abc")).status_code == 422


def test_eadn_needs_a_key_and_its_permission(client, anonymous):
    assert anonymous.get("/v1/eadn").status_code == 401
    assert client.http.get("/v1/eadn").json() == [], "the default scenario has none"
    limited = client.another_key([p for p in PERMISSIONS if p not in ("eadn view", "service view")])
    with httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {limited}"}, verify=TLS) as key:
        assert key.get("/v1/eadn").status_code == 403
        assert key.get("/v1/eadn/1").status_code == 403
        assert key.post("/v1/eadn/1/purge").status_code == 403
        assert key.get("/v1/eadn/1/usage").status_code == 403


def test_a_sites_eadn_account_is_the_one_serving_it(sample):
    http, _ = sample
    # An EADN account's cloud account is a site: the site pages show it
    # (and its usage) by the site's id, its cloud account named "site".
    for account in http.get("/v1/eadn").json():
        site = account["cloud_account"]
        assert http.get(site["metadata"]["uri"]).status_code == 200
        shown = http.get(f"/v1/site/{site['id']}/eadn")
        assert shown.status_code == 200
        assert shown.json() == {**{k: v for k, v in account.items() if k != "cloud_account"}, "site": site}
        usage = http.get(f"/v1/site/{site['id']}/eadn/usage").json()
        assert usage["site"] == site and usage["eadn_account"]["id"] == account["id"]


def test_a_site_without_an_eadn_account_answers_404(sample, control):
    http, key = sample
    made = http.post("/v1/site", json={"service_id": http.get("/v1/service").json()[0]["id"], "domain": "plain.example.net"})
    assert made.status_code == 202
    control.advance(3600, key=key)
    site = http.get(made.headers["location"]).json()["resource"]
    assert http.get(f"/v1/site/{site['id']}/eadn").status_code == 404
    assert http.get(f"/v1/site/{site['id']}/eadn/usage").status_code == 404
    assert http.get("/v1/site/999999999/eadn").status_code == 404
