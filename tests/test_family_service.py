"""Services and package add-ons over HTTP: set-addon puts an add-on in a
service's ``addons`` and remove-addon takes it out (a repeat of either is
rejected with a reason), resize moves a service to another package, and
package-addon:list lists what can be added, by package."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from helpers import TLS, Client


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[Client]:
    """A client on a ``sample-account`` account, which has services."""
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield Client(http, control, minted, server)


def resolve(client: Client, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    accepted = client.http.request(method, path, json=body)
    assert accepted.status_code == 202, accepted.text
    return client.finish(accepted)


def test_set_addon_and_remove_addon_change_the_service_addons(sample):
    service = sample.http.get("/v1/service").json()[0]
    path = f"/v1/service/{service['id']}"
    assert service["addons"] == []
    addon = sample.http.get("/v1/package/addon").json()[0]
    assert resolve(sample, "POST", f"{path}/addon", {"addon_id": addon["id"]})["status"] == "success"
    shown = sample.http.get(path).json()
    assert [a["id"] for a in shown["addons"]] == [addon["id"]]
    assert sample.http.get(shown["addons"][0]["metadata"]["uri"]).json() == addon
    again = resolve(sample, "POST", f"{path}/addon", {"addon_id": addon["id"]})
    assert again["status"] == "rejected" and "already has" in json.dumps(again)
    assert resolve(sample, "DELETE", f"{path}/addon", {"addon_id": addon["id"]})["status"] == "success"
    assert sample.http.get(path).json()["addons"] == []
    gone = resolve(sample, "DELETE", f"{path}/addon", {"addon_id": addon["id"]})
    assert gone["status"] == "rejected" and "has no addons" in json.dumps(gone)


def test_an_addon_the_account_cannot_buy_is_rejected_and_a_missing_one_is_a_422(sample):
    service = sample.http.get("/v1/service").json()[0]
    path = f"/v1/service/{service['id']}/addon"
    foreign = resolve(sample, "POST", path, {"addon_id": 1})
    assert foreign["status"] == "rejected"
    assert sample.http.get(f"/v1/service/{service['id']}").json()["addons"] == []
    for method in ("POST", "DELETE"):
        refused = sample.http.request(method, path, json={"addon_id": "one"})
        assert refused.status_code == 422 and set(refused.json()["errors"]) == {"addon_id"}
        assert set(sample.http.request(method, path, json={}).json()["errors"]) == {"addon_id"}
        assert sample.http.request(method, "/v1/service/1/addon", json={"addon_id": 1}).status_code == 404


def test_resize_moves_the_service_to_another_package(sample):
    service = sample.http.get("/v1/service").json()[0]
    path = f"/v1/service/{service['id']}"
    other = next(p for p in sample.http.get("/v1/package").json() if p["id"] != service["package"]["id"])
    assert resolve(sample, "POST", f"{path}/resize", {"package_id": other["id"]})["status"] == "success"
    resized = sample.http.get(path).json()
    assert resized["package"]["id"] == other["id"]
    assert resized["identity"].startswith(other["name"])
    assert set(sample.http.post(f"{path}/resize", json={"package_id": 1}).json()["errors"]) == {"package_id"}
    assert set(sample.http.post(f"{path}/resize", json={}).json()["errors"]) == {"package_id"}
    assert sample.http.post("/v1/service/1/resize", json={"package_id": other["id"]}).status_code == 404


def test_package_addons_list_by_package_type_and_name_and_sort_by_fee(client):
    addons = client.http.get("/v1/package/addon", params={"sortBy": "monthly_fee", "sortOrder": "DESC"})
    assert addons.status_code == 200
    listed = addons.json()
    assert listed and addons.headers["content-range"] == f"items 1-{len(listed)}/{len(listed)}"
    assert [float(a["monthly_fee"]) for a in listed] == sorted((float(a["monthly_fee"]) for a in listed), reverse=True)
    packages = {p["id"] for p in client.http.get("/v1/package").json()}
    assert {a["package"]["id"] for a in listed} <= packages
    package = listed[0]["package"]["id"]
    by_package = client.http.get("/v1/package/addon", params={"filter[package_id]": package}).json()
    assert by_package and all(a["package"]["id"] == package for a in by_package)
    assert [a["name"] for a in client.http.get("/v1/package/addon", params={"filter[name]": listed[0]["name"]}).json()] == [listed[0]["name"]]
    assert client.http.get("/v1/package/addon", params={"filter[type]": "ssl"}).json() == []
    assert client.http.get("/v1/package/addon", params={"pageSize": 0}).status_code == 416
    assert client.http.get("/v1/package/addon", params={"sortBy": "cpu"}).status_code == 422
    assert client.http.get(listed[0]["metadata"]["uri"]).json() == listed[0]
    assert client.http.get("/v1/package/addon/1").status_code == 404


ROUTES = [("GET", "/v1/package/addon"), ("POST", "/v1/service/1/addon"), ("DELETE", "/v1/service/1/addon"), ("POST", "/v1/service/1/resize")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_no_key_is_a_401(anonymous, method, path):
    assert anonymous.request(method, path).status_code == 401


def test_a_key_that_may_only_view_cannot_change_services_or_list_addons(sample):
    service = sample.http.get("/v1/service").json()[0]
    path = f"/v1/service/{service['id']}"
    viewer = sample.another_key(permissions=["service view"])
    with httpx.Client(base_url=sample.server.url, headers={"Authorization": f"Bearer {viewer}"}, verify=TLS) as http:
        assert http.get(path).status_code == 200
        assert http.post(f"{path}/addon", json={"addon_id": 1}).status_code == 403
        assert http.request("DELETE", f"{path}/addon", json={"addon_id": 1}).status_code == 403
        assert http.post(f"{path}/resize", json={"package_id": 1}).status_code == 403
        assert http.get("/v1/package/addon").status_code == 403, "listing add-ons needs order view"


def test_services_list_by_the_vendor_filters_and_sort_by_next_bill_date(sample):
    services = sample.http.get("/v1/service", params={"sortBy": "next_bill_date", "sortOrder": "DESC"}).json()
    assert len(services) >= 2
    dates = [s["billing_info"]["next_bill_date"] for s in services]
    assert dates == sorted(dates, reverse=True)
    assert len(sample.http.get("/v1/service", params={"filter[state]": "stable", "filter[type]": "virt-guest"}).json()) == len(services)
    nickname = services[0]["nickname"]
    assert all(s["nickname"] == nickname for s in sample.http.get("/v1/service", params={"filter[nickname]": nickname}).json())
    assert sample.http.get("/v1/service", params={"filter[status]": "suspended"}).json() == []
    assert sample.http.get("/v1/service", params={"sortBy": "amount"}).status_code == 422


def test_os_templates_list_by_name_and_os_and_sort_by_name(client):
    templates = client.http.get("/v1/os-template", params={"sortBy": "name"}).json()
    assert [t["identity"] for t in templates] == sorted(t["identity"] for t in templates)
    chosen = templates[0]["identity"]
    for name in ("name", "os"):
        assert [t["identity"] for t in client.http.get("/v1/os-template", params={f"filter[{name}]": chosen}).json()] == [chosen]
    assert client.http.get("/v1/os-template", params={"sortBy": "status"}).status_code == 422
