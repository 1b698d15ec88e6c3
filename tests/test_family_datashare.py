"""Datashares: addressed by uuid, opened a limited number of times, then gone."""

from __future__ import annotations

import httpx
import pytest
from helpers import TLS


@pytest.fixture
def sample(server, control, request):
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http, minted.key


def test_a_share_is_shown_by_its_uuid_and_its_uri_resolves(sample):
    http, _ = sample
    shares = http.get("/v1/datashare").json()
    assert len(shares) == 2 and shares[0]["uuid"] != shares[1]["uuid"]
    for share in shares:
        assert share["metadata"] == {"scope": "datashare", "uri": f"/v1/datashare/{share['uuid']}"}
        assert http.get(share["metadata"]["uri"]).json() == share
    assert http.get("/v1/datashare", params={"filter[uuid]": shares[1]["uuid"]}).json() == [shares[1]]
    assert http.get("/v1/datashare/00000000-0000-4000-8000-000000000000").status_code == 404
    assert http.get("/v1/datashare/not-a-uuid").status_code == 404


def test_opening_counts_a_use_and_a_used_up_share_is_gone(sample):
    http, _ = sample
    share = http.get("/v1/datashare").json()[0]
    uri = share["metadata"]["uri"]
    for use in range(1, share["max_uses"] + 1):
        opened = http.get(f"{uri}/open")
        assert opened.status_code == 200
        assert opened.json()["datashare"] == {k: share[k] for k in ("id", "identity", "metadata", "type")}
        assert opened.json()["data"]
        if use < share["max_uses"]:
            assert http.get(uri).json()["uses"] == use
    assert http.get(uri).status_code == 404
    assert http.get(f"{uri}/open").status_code == 404
    assert len(http.get("/v1/datashare").json()) == 1


def test_an_expired_share_cannot_be_opened(sample, control):
    http, key = sample
    share = http.get("/v1/datashare").json()[0]
    control.set_clock(share["expiration_date"] + 1, key=key)
    assert http.get(f"{share['metadata']['uri']}/open").status_code == 404
    assert http.get(share["metadata"]["uri"]).status_code == 404


def test_delete_removes_the_share_its_uuid_names_once_the_task_succeeds(sample, control):
    http, key = sample
    first, second = http.get("/v1/datashare").json()
    deleting = http.delete(second["metadata"]["uri"])
    assert deleting.status_code == 202
    control.advance(3600, key=key)
    task = http.get(deleting.headers["location"]).json()
    assert task["status"] == "success" and task["resource"]["metadata"]["uri"] == second["metadata"]["uri"]
    assert http.get(second["metadata"]["uri"]).status_code == 404
    assert http.get("/v1/datashare").json() == [first]


def test_delete_needs_its_permission_and_every_action_a_key(sample, control, anonymous):
    http, _ = sample
    uri = http.get("/v1/datashare").json()[0]["metadata"]["uri"]
    viewer = control.mint_key(permissions=["ticket view"])
    with httpx.Client(base_url=str(http.base_url), headers={"Authorization": f"Bearer {viewer.key}"}, verify=TLS) as other:
        assert other.delete(uri).status_code == 403
    for method, path in (("GET", "/v1/datashare"), ("GET", uri), ("GET", f"{uri}/open"), ("DELETE", uri)):
        assert anonymous.request(method, path).status_code == 401
