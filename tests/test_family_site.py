"""Sites (``site/*.md``): a site belongs to a service and runs an app,
both of which resolve; add → list → set-nickname / change-php-version →
show; the update settings a toggle changes; and the reports read from a
site at once."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS, Client


def as_key(client: Client, token: str) -> httpx.Client:
    return httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {token}"}, verify=TLS)


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[Client]:
    """A client on a fresh ``sample-account`` account: services, and two sites."""
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield Client(http, control, minted, server)


def first(client: Client, path: str) -> dict:
    return client.http.get(path).json()[0]


def test_site_add_resolves_to_a_site_of_the_service_and_app_it_names(sample):
    service = first(sample, "/v1/service")
    app = next(app for app in sample.http.get("/v1/app").json() if app["name"] == "Magento")
    cloud = first(sample, "/v1/cloud")
    queued = sample.http.post("/v1/site", json={"service_id": service["id"], "domain": "new.example.com", "app_id": app["id"], "cloud_id": cloud["id"]})
    assert queued.status_code == 202
    assert queued.json()["action"] == "site:add"
    assert sample.http.get("/v1/site", params={"filter[domain]": "new.example.com"}).json() == [], "made when the task succeeds"
    task = sample.finish(queued)
    assert task["status"] == "success"
    site = sample.http.get(task["resource"]["metadata"]["uri"]).json()
    assert (site["identity"], site["domain"], site["temp_domain"]) == ("new.example.com",) * 3
    assert site["metadata"] == {"scope": "virt-guest-cloudaccount", "uri": f"/v1/site/{site['id']}"}
    assert site["service"]["id"] == service["id"] and site["app"]["id"] == app["id"] and site["cloud"]["id"] == cloud["id"]
    assert site["environment"]["software"]["app"]["type"] == "magento"
    for reference in (site["service"], site["app"], site["package"]):
        assert sample.http.get(reference["metadata"]["uri"]).status_code == 200
    assert [s["id"] for s in sample.http.get("/v1/site", params={"filter[service_id]": service["id"]}).json()].count(site["id"]) == 1


def test_site_add_names_every_bad_field_and_refuses_a_service_of_no_account(sample):
    missing = sample.http.post("/v1/site", json={})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"service_id", "domain"}
    bad = sample.http.post("/v1/site", json={"service_id": "one", "domain": "two words", "php_version": "5.3"})
    assert set(bad.json()["errors"]) == {"service_id", "domain", "php_version"}
    unknown = sample.http.post("/v1/site", json={"service_id": 1, "domain": "x.example.com"})
    assert unknown.status_code == 422
    assert set(unknown.json()["errors"]) == {"service_id"}


def test_the_sample_account_sites_belong_to_its_services(sample):
    sites = sample.http.get("/v1/site")
    assert sites.headers["content-range"] == "items 1-2/2"
    services = {service["id"] for service in sample.http.get("/v1/service").json()}
    assert [site["domain"] for site in sites.json()] == ["shop.example.com", "blog.example.com"]
    assert all(site["service"]["id"] in services for site in sites.json())


def test_set_nickname_changes_what_show_and_list_say(sample):
    site = first(sample, "/v1/site")
    queued = sample.http.post(f"/v1/site/{site['id']}/nickname", json={"nickname": "storefront"})
    assert queued.status_code == 202
    assert queued.json()["action"] == "site:set-nickname"
    assert sample.http.get(f"/v1/site/{site['id']}").json()["nickname"] == site["nickname"], "changed when the task succeeds"
    task = sample.finish(queued)
    assert task["status"] == "success" and task["resource"]["id"] == site["id"]
    assert sample.http.get(f"/v1/site/{site['id']}").json()["nickname"] == "storefront"
    assert [s["id"] for s in sample.http.get("/v1/site", params={"filter[nickname]": "STOREFRONT"}).json()] == [site["id"]]
    assert sample.http.post(f"/v1/site/{site['id']}/nickname", json={}).json()["errors"] == {"nickname": ["This field is required."]}


def test_change_php_version_takes_the_vendor_example_and_moves_the_php_paths(sample):
    site = first(sample, "/v1/site")
    queued = sample.http.post(f"/v1/site/{site['id']}/php-version", json={"php_version": "7.2", "skip_compatibility_check": "false"})
    assert queued.status_code == 202
    assert sample.finish(queued)["status"] == "success"
    php = sample.http.get(f"/v1/site/{site['id']}").json()["environment"]["software"]["php"]
    assert php == {"version": "7.2", "path": "/opt/remi/php72", "cli": "/opt/remi/php72/root/usr/bin/php"}
    again = sample.http.post(f"/v1/site/{site['id']}/php-version", json={"php_version": "8.1", "skip_compatibility_check": True})
    assert sample.finish(again)["status"] == "success"
    assert sample.http.get(f"/v1/site/{site['id']}").json()["environment"]["software"]["php"]["path"] == "/opt/remi/php81"
    refused = sample.http.post(f"/v1/site/{site['id']}/php-version", json={"php_version": "9.9", "skip_compatibility_check": "maybe"})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"php_version", "skip_compatibility_check"}


def test_toggling_app_updates_changes_the_settings_shown(sample):
    site = first(sample, "/v1/site")
    path = f"/v1/site/{site['id']}/app/core-updates"
    for enable, minor in ((True, False), (False, True)):
        queued = sample.http.post(path, json={"enable": enable, "minor_updates_only": minor})
        assert queued.status_code == 202
        assert sample.finish(queued)["status"] == "success"
        shown = sample.http.get(path)
        assert shown.status_code == 200
        assert shown.json()["site"] == {"id": site["id"], "identity": site["identity"]}
        assert (shown.json()["enabled"], shown.json()["minor_updates_only"]) == (enable, minor)
    as_form = sample.http.post(path, data={"enable": "true"})
    assert as_form.status_code == 202
    sample.finish(as_form)
    assert sample.http.get(path).json()["enabled"] is True
    assert set(sample.http.post(path, json={"minor_updates_only": 1}).json()["errors"]) == {"enable", "minor_updates_only"}


def test_the_reports_read_from_a_site_name_it(sample):
    site = first(sample, "/v1/site")
    links = sample.http.get(f"/v1/site/{site['id']}/sso-url")
    assert links.status_code == 200
    assert set(links.json()) == {"siteworx_url", "phpmyadmin_url", "awstats_url"}
    assert all(url.startswith(f"https://{site['ip']}:2443/siteworx/index?action=sso&sid=") for url in links.json().values())
    assert links.json() != sample.http.get(f"/v1/site/{site['id']}/sso-url").json(), "every link is a fresh session"
    usage = sample.http.get(f"/v1/site/{site['id']}/autoscale-usage").json()
    assert usage["site"] == {"id": site["id"], "identity": site["identity"], "metadata": site["metadata"]}
    assert usage["period"]["start"] < usage["period"]["end"]
    assert usage["minutes_grace"] == {"start": 1440, "end": 1440}


@pytest.mark.parametrize("path", ["/v1/site/{id}", "/v1/site/{id}/sso-url", "/v1/site/{id}/autoscale-usage", "/v1/site/{id}/app/core-updates"])
def test_reads_of_a_site_are_404_for_an_unknown_id_422_for_a_bad_one_and_403_without_service_view(sample, anonymous, path):
    assert sample.http.get(path.format(id=1)).status_code == 404
    assert sample.http.get(path.format(id="x")).status_code == 422
    assert anonymous.get(path.format(id=4101)).status_code == 401
    with as_key(sample, sample.another_key(["service edit"])) as limited:
        assert limited.get(path.format(id=4101)).status_code == 403


@pytest.mark.parametrize(
    ("path", "body"),
    [("/nickname", {"nickname": "x"}), ("/php-version", {"php_version": "7.4"}), ("/app/core-updates", {"enable": True})],
)
def test_changes_to_a_site_are_404_for_an_unknown_id_and_403_without_service_edit(sample, anonymous, path, body):
    assert sample.http.post(f"/v1/site/1{path}", json=body).status_code == 404
    assert anonymous.post(f"/v1/site/4101{path}", json=body).status_code == 401
    with as_key(sample, sample.another_key(["service view"])) as limited:
        assert limited.post(f"/v1/site/4101{path}", json=body).status_code == 403
        assert limited.post("/v1/site", json={"service_id": 1, "domain": "x.example.com"}).status_code == 403


def test_a_change_to_a_site_deleted_meanwhile_is_rejected(sample):
    site = first(sample, "/v1/site")
    queued = sample.http.post(f"/v1/site/{site['id']}/nickname", json={"nickname": "late"})
    sample.in_account(lambda account: account.world.delete("site", site["id"]))
    task = sample.finish(queued)
    assert task["status"] == "rejected"
    assert sample.http.get(f"/v1/site/{site['id']}").status_code == 404


def test_site_list_filters_sorts_and_pages_by_the_documented_names(sample):
    sites = sample.http.get("/v1/site").json()
    by_cloud = sample.http.get("/v1/site", params={"filter[cloud]": sites[0]["cloud"]["identity"]}).json()
    assert sites[0]["id"] in [site["id"] for site in by_cloud]
    assert sample.http.get("/v1/site", params={"filter[is_dev_account]": "false"}).headers["content-range"] == "items 1-2/2"
    assert [s["id"] for s in sample.http.get("/v1/site", params={"sortBy": "nickname"}).json()] == [4102, 4101]
    assert sample.http.get("/v1/site", params={"sortBy": "domain"}).status_code == 422
    assert sample.http.get("/v1/site", params={"filter[colour]": "red"}).status_code == 422
    assert sample.http.get("/v1/site", params={"page": 3, "pageSize": 1}).status_code == 416


def test_free_trials_answers_anyone(anonymous, sample):
    checked = anonymous.get("/v1/site/free-trials", params={"customer_email": "alice@example.com", "package_id": "789"})
    assert checked.status_code == 200
    assert checked.json() == {"free_trials_available": True, "reasons": []}
    assert sample.http.get("/v1/site/free-trials").status_code == 200
    assert set(anonymous.get("/v1/site/free-trials", params={"customer_email": "nobody", "package_id": "x"}).json()["errors"]) == {
        "customer_email",
        "package_id",
    }


def test_a_stencil_is_made_listed_under_its_site_shown_and_deleted(sample):
    site = first(sample, "/v1/site")
    stencils = f"/v1/site/{site['id']}/stencil"
    before = [stencil["id"] for stencil in sample.http.get(stencils).json()]
    queued = sample.http.post(stencils, json={"name": "my example.com site template"})
    assert queued.status_code == 202
    assert queued.json()["action"] == "site:add-stencil"
    task = sample.finish(queued)
    assert task["status"] == "success"
    made = task["resource"]
    listed = sample.http.get(stencils).json()
    assert [stencil["id"] for stencil in listed] == sorted([*before, made["id"]])
    shown = sample.http.get(f"{stencils}/{made['id']}")
    assert shown.status_code == 200
    stencil = shown.json()
    assert (stencil["name"], stencil["identity"]) == ("my example.com site template",) * 2
    assert stencil["site"] == {"id": site["id"], "identity": site["identity"], "metadata": site["metadata"]}
    assert stencil["metadata"] == {"scope": "virt-guest-cloudaccount-stencil", "uri": f"/v1/site/stencil/{made['id']}"}
    assert sample.http.get(stencil["metadata"]["uri"]).json() == stencil
    other = sample.http.get("/v1/site").json()[1]
    assert made["id"] not in [s["id"] for s in sample.http.get(f"/v1/site/{other['id']}/stencil").json()]
    deleting = sample.http.delete(f"{stencils}/{made['id']}")
    again = sample.http.delete(f"{stencils}/{made['id']}")
    assert (deleting.status_code, again.status_code) == (202, 202)
    assert sample.finish(deleting)["status"] == "success"
    assert sample.http.get(f"{stencils}/{made['id']}").status_code == 404
    assert sample.http.get(stencils).headers["content-range"].endswith(f"/{len(before)}")
    assert sample.http.get(again.headers["location"]).json()["status"] == "rejected", "already gone"


def test_stencil_actions_refuse_an_unknown_site_or_stencil_a_bad_name_and_keys_without_the_permission(sample, anonymous):
    site = first(sample, "/v1/site")
    stencil = first(sample, f"/v1/site/{site['id']}/stencil")
    assert sample.http.get("/v1/site/1/stencil").status_code == 404
    assert sample.http.post("/v1/site/1/stencil", json={"name": "x"}).status_code == 404
    assert sample.http.get(f"/v1/site/{site['id']}/stencil/1").status_code == 404
    assert sample.http.delete(f"/v1/site/{site['id']}/stencil/1").status_code == 404
    assert sample.http.get(f"/v1/site/{site['id']}/stencil/x").status_code == 422
    assert set(sample.http.post(f"/v1/site/{site['id']}/stencil", json={"name": " "}).json()["errors"]) == {"name"}
    assert sample.http.get(f"/v1/site/{site['id']}/stencil", params={"sortBy": "app_type"}).status_code == 422
    assert sample.http.get(f"/v1/site/{site['id']}/stencil", params={"page": 2}).status_code == 416
    assert anonymous.get(f"/v1/site/{site['id']}/stencil").status_code == 401
    with as_key(sample, sample.another_key(["service view"])) as viewer:
        assert viewer.get(f"/v1/site/{site['id']}/stencil/{stencil['id']}").status_code == 200
        assert viewer.post(f"/v1/site/{site['id']}/stencil", json={"name": "x"}).status_code == 403
        assert viewer.delete(f"/v1/site/{site['id']}/stencil/{stencil['id']}").status_code == 403
    with as_key(sample, sample.another_key(["service edit"])) as editor:
        assert editor.get(f"/v1/site/{site['id']}/stencil").status_code == 403
        assert editor.get(stencil["metadata"]["uri"]).status_code == 403


def test_a_site_lists_its_own_log_files_and_a_new_site_starts_with_two(sample):
    seen = 0
    for site in sample.http.get("/v1/site").json():
        logs = sample.http.get(f"/v1/site/{site['id']}/log")
        assert logs.status_code == 200
        assert all(log["site"]["id"] == site["id"] and site["domain"] in log["log_file"] for log in logs.json())
        assert all({"log_file", "date", "download_url"} <= set(log) for log in logs.json())
        seen += len(logs.json())
    assert seen == 4, "the sample account's four log files, each under its own site"
    service = first(sample, "/v1/service")
    made = sample.finish(sample.http.post("/v1/site", json={"service_id": service["id"], "domain": "logged.example.com"}))["resource"]
    logs = sample.http.get(f"/v1/site/{made['id']}/log", params={"sortBy": "date", "sortOrder": "DESC"})
    assert logs.headers["content-range"] == "items 1-2/2"
    assert logs.json()[0]["date"] >= logs.json()[1]["date"]
    assert sample.http.get("/v1/site/1/log").status_code == 404
    assert sample.http.get(f"/v1/site/{made['id']}/log", params={"page": 2}).status_code == 416


def test_container_groups_are_listed_under_the_site_that_runs_them(sample, anonymous):
    groups = [group for site in sample.http.get("/v1/site").json() for group in sample.http.get(f"/v1/site/{site['id']}/container").json()]
    assert len(groups) == 1, "the sample account runs one container group"
    group = groups[0]
    assert group["metadata"] == {"scope": "virt-guest-containergroup", "uri": None}
    assert group["identity"].startswith(f"cg-{group['id']}-{group['type']['identity']}")
    assert group["host"]["type"]["type"] == "docker" and group["ports"][0]["protocol"] == "tcp"
    assert sample.http.get("/v1/site/1/container").status_code == 404
    assert anonymous.get(f"/v1/site/{group['site']['id']}/container").status_code == 401
    with as_key(sample, sample.another_key(["service edit"])) as editor:
        assert editor.get(f"/v1/site/{group['site']['id']}/container").status_code == 403


def test_ordering_a_site_plan_makes_a_service_of_the_package_and_its_first_site(client):
    package = first(client, "/v1/package")
    app, cloud = first(client, "/v1/app"), first(client, "/v1/cloud")
    body = {"app_id": app["id"], "cloud_id": cloud["id"], "domain": "site.example.com", "install_app": True, "package_id": package["id"]}
    queued = client.http.post("/v1/site/plan", json=body)
    assert queued.status_code == 202
    assert queued.json()["action"] == "service[site]:add"
    assert client.http.get("/v1/site").json() == []
    task = client.finish(queued)
    assert task["status"] == "success"
    service = client.http.get(task["resource"]["metadata"]["uri"]).json()
    assert service["package"]["id"] == package["id"]
    sites = client.http.get("/v1/site").json()
    assert [site["service"]["id"] for site in sites] == [service["id"]]
    assert client.http.get(sites[0]["metadata"]["uri"]).status_code == 200


def test_ordering_a_site_plan_refuses_a_package_of_no_account_and_names_missing_fields(client):
    assert set(client.http.post("/v1/site/plan", json={"install_app": "perhaps"}).json()["errors"]) == {"domain", "package_id", "install_app"}
    unknown = client.http.post("/v1/site/plan", json={"domain": "site.example.com", "package_id": 1})
    assert unknown.status_code == 422
    assert set(unknown.json()["errors"]) == {"package_id"}
    with as_key(client, client.another_key(["service view"])) as viewer:
        assert viewer.post("/v1/site/plan", json={"domain": "site.example.com", "package_id": 1}).status_code == 403


def test_a_stencil_is_found_under_its_own_site_only(sample):
    # /v1/site/{A}/stencil/{id} names a stencil of site A: one of site B's
    # is a 404 there, for reading and for deleting alike.
    http = sample.http
    shop, blog = (http.get(f"/v1/site/{site}/stencil").json() for site in (4101, 4102))
    assert shop and blog
    assert http.get(f"/v1/site/4101/stencil/{shop[0]['id']}").status_code == 200
    assert http.get(f"/v1/site/4101/stencil/{blog[0]['id']}").status_code == 404
    assert http.delete(f"/v1/site/4101/stencil/{blog[0]['id']}").status_code == 404
    assert http.get(f"/v1/site/4102/stencil/{blog[0]['id']}").status_code == 200
