"""Apps: reference data every account starts with, listed and shown as
``app/*.md`` document them."""

from __future__ import annotations

import httpx
from helpers import TLS


def as_key(client, token: str) -> httpx.Client:
    return httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {token}"}, verify=TLS)


def test_every_account_starts_with_the_documented_apps(client):
    listed = client.http.get("/v1/app")
    assert listed.status_code == 200
    assert listed.headers["content-range"] == "items 1-3/3"
    apps = {app["name"]: app for app in listed.json()}
    assert set(apps) == {"WordPress", "BigCommerce for WordPress", "Magento"}
    bigcommerce = apps["BigCommerce for WordPress"]
    assert bigcommerce["identity"] == "BigCommerce for WordPress 1"
    assert (bigcommerce["type"], bigcommerce["version"], bigcommerce["minimum_php_version"]) == ("bigcommerce", "1", "5.6.20")
    assert bigcommerce["metadata"] == {"scope": "app-app", "uri": f"/v1/app/{bigcommerce['id']}"}
    assert client.http.get(bigcommerce["metadata"]["uri"]).json() == bigcommerce


def test_app_list_filters_matches_and_sorts_by_the_documented_fields(client):
    assert [app["name"] for app in client.http.get("/v1/app", params={"filter[name]": "magento"}).json()] == ["Magento"]
    assert {app["name"] for app in client.http.get("/v1/app", params={"match[name]": "wordpress"}).json()} == {"WordPress", "BigCommerce for WordPress"}
    by_type = client.http.get("/v1/app", params={"sortBy": "type", "sortOrder": "DESC"}).json()
    assert [app["type"] for app in by_type] == ["wordpress", "magento", "bigcommerce"]
    assert client.http.get("/v1/app", params={"sortBy": "identity"}).status_code == 422
    assert client.http.get("/v1/app", params={"filter[status]": "active"}).status_code == 422
    assert client.http.get("/v1/app", params={"page": 2}).status_code == 416


def test_app_show_refuses_an_unknown_id_a_bad_id_and_a_key_without_app_view(client, anonymous):
    assert client.http.get("/v1/app/1").status_code == 404
    assert client.http.get("/v1/app/abc").status_code == 422
    assert anonymous.get("/v1/app").status_code == 401
    with as_key(client, client.another_key(["service view"])) as limited:
        assert limited.get("/v1/app").status_code == 403
        assert limited.get("/v1/app/1").status_code == 403
