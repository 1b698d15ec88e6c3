"""Cloud servers over HTTP: add → the task resolves → list and show it,
with every reference resolving; power moved by start, stop and reboot
(a repeat is rejected with a reason); resize moving the package; cancel
and delete; and a webhook hearing a reboot."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from helpers import TLS
from receiver import Receiver

SSH_KEY = {"name": "deploy", "key": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@example.com"}


def first(client, path: str) -> dict[str, Any]:
    return client.http.get(path).json()[0]


def server_body(client, **fields: Any) -> dict[str, Any]:
    """The vendor's example request, with ids of this account's records."""
    key = client.http.post("/v1/ssh-key", json=SSH_KEY).json()
    body = {
        "cloud_id": first(client, "/v1/cloud")["id"],
        "hostname": "cloud-server-example",
        "package_id": first(client, "/v1/package")["id"],
        "os_id": first(client, "/v1/os-template")["id"],
        "ssh_key_ids": [key["id"]],
    }
    return {**body, **fields}


def add_server(client, **fields: Any) -> dict[str, Any]:
    """A cloud server made through cloud-server:add, as show answers it."""
    task = client.finish(client.http.post("/v1/cloud-server", json=server_body(client, **fields)))
    assert task["status"] == "success", task
    return client.http.get(task["resource"]["metadata"]["uri"]).json()


def resolve(client, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Queue ``path`` and read its task once it has resolved."""
    accepted = client.http.post(path, json=body or {})
    assert accepted.status_code == 202, accepted.text
    return client.finish(accepted)


def test_the_vendor_example_adds_a_server_whose_references_all_resolve(client):
    body = server_body(client)
    accepted = client.http.post("/v1/cloud-server", json=body)
    assert accepted.status_code == 202
    assert accepted.json()["action"] == "cloud-server:add"
    assert client.http.get("/v1/cloud-server").json() == [], "made when the task succeeds, not before"
    task = client.finish(accepted)
    assert task["status"] == "success"
    server = client.http.get(f"/v1/cloud-server/{task['resource']['id']}").json()
    assert server["hostname"] == "cloud-server-example"
    assert (server["cloud"]["id"], server["package"]["id"], server["os"]["id"]) == (body["cloud_id"], body["package_id"], body["os_id"])
    assert server["power_status"] == "on"
    assert server["identity"].endswith(" - cloud-server-example")
    assert server["metadata"] == {"scope": "virt-guest-cloud", "uri": f"/v1/cloud-server/{server['id']}"}
    assert [s["id"] for s in client.http.get("/v1/cloud-server").json()] == [server["id"]]
    assert server["service"]["id"] in [s["id"] for s in client.http.get("/v1/service").json()]
    assert server["cloud"]["id"] in [c["id"] for c in client.http.get("/v1/cloud").json()]
    assert server["client"]["id"] == client.http.get("/v1/client/self").json()["id"]
    for name in ("service", "package", "os"):
        assert client.http.get(server[name]["metadata"]["uri"]).status_code == 200, name


def test_add_names_every_missing_field_and_ids_the_account_does_not_have(client):
    missing = client.http.post("/v1/cloud-server", json={})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"cloud_id", "hostname", "package_id", "os_id", "ssh_key_ids"}
    foreign = client.http.post("/v1/cloud-server", json=server_body(client, package_id=1, os_id=1))
    assert foreign.status_code == 422
    assert set(foreign.json()["errors"]) == {"package_id", "os_id"}
    bad_type = client.http.post("/v1/cloud-server", json=server_body(client, hostname=7, use_password="yes"))
    assert set(bad_type.json()["errors"]) == {"hostname", "use_password"}


def test_a_root_password_stands_in_for_ssh_keys(client):
    body = server_body(client, use_password=True)
    del body["ssh_key_ids"]
    assert client.finish(client.http.post("/v1/cloud-server", json=body))["status"] == "success"
    assert len(client.http.get("/v1/cloud-server").json()) == 1


def test_stop_and_start_move_power_status_and_a_repeat_is_rejected_with_a_reason(client):
    server = add_server(client)
    path = f"/v1/cloud-server/{server['id']}"
    assert resolve(client, f"{path}/stop")["status"] == "success"
    assert client.http.get(path).json()["power_status"] == "off"
    assert client.http.get("/v1/cloud-server", params={"filter[power_status]": "off"}).json()[0]["id"] == server["id"]
    again = resolve(client, f"{path}/stop")
    assert again["status"] == "rejected"
    assert "already off" in json.dumps(again)
    assert resolve(client, f"{path}/start")["status"] == "success"
    assert client.http.get(path).json()["power_status"] == "on"
    assert resolve(client, f"{path}/start")["status"] == "rejected"
    assert client.http.get(path).json()["power_status"] == "on"


def test_reboot_leaves_the_server_on_whatever_it_was(client):
    server = add_server(client)
    path = f"/v1/cloud-server/{server['id']}"
    assert resolve(client, f"{path}/reboot", {"force": True})["status"] == "success"
    assert client.http.get(path).json()["power_status"] == "on"
    resolve(client, f"{path}/stop")
    assert resolve(client, f"{path}/reboot")["status"] == "success"
    assert client.http.get(path).json()["power_status"] == "on"
    assert client.http.post(f"{path}/reboot", json={"force": "hard"}).status_code == 422


def test_resize_moves_the_package_and_its_cpu_and_ram_but_not_the_disk(client):
    packages = client.http.get("/v1/package").json()
    server = add_server(client, package_id=packages[0]["id"])
    path = f"/v1/cloud-server/{server['id']}"
    task = resolve(client, f"{path}/resize", {"package_id": packages[-1]["id"]})
    assert task["status"] == "success"
    resized = client.http.get(path).json()
    assert resized["package"]["id"] == packages[-1]["id"]
    assert resized["server_details"]["cpu"] > server["server_details"]["cpu"]
    assert resized["server_details"]["ram"] > server["server_details"]["ram"]
    assert resized["server_details"]["disk_space"] == server["server_details"]["disk_space"]
    listed = client.http.get("/v1/cloud-server", params={"filter[package_id]": packages[-1]["id"]}).json()
    assert [s["id"] for s in listed] == [server["id"]]
    assert set(client.http.post(f"{path}/resize", json={}).json()["errors"]) == {"package_id"}
    assert set(client.http.post(f"{path}/resize", json={"package_id": 1}).json()["errors"]) == {"package_id"}


def test_cancel_accepts_the_vendor_survey_and_changes_nothing(client):
    server = add_server(client)
    path = f"/v1/cloud-server/{server['id']}"
    task = resolve(client, f"{path}/cancel", {"survey": {"1": [4], "2": "New business", "3": 10, "4": 1, "5": 1}})
    assert task["status"] == "success"
    assert client.http.get(path).json() == server


def test_delete_removes_it_and_an_unknown_id_is_a_404_at_request_time(client):
    server = add_server(client)
    path = f"/v1/cloud-server/{server['id']}"
    deleting = client.http.delete(path)
    assert deleting.status_code == 202
    assert client.http.get(path).status_code == 200, "removed when the task succeeds"
    assert client.finish(deleting)["status"] == "success"
    assert client.http.get(path).status_code == 404
    assert client.http.get("/v1/cloud-server").json() == []
    for method, verb in (("DELETE", ""), ("POST", "/start"), ("POST", "/stop"), ("POST", "/reboot"), ("POST", "/cancel")):
        assert client.http.request(method, f"{path}{verb}").status_code == 404, verb
    assert client.http.post(f"{path}/resize", json={"package_id": server["package"]["id"]}).status_code == 404


def test_a_stop_queued_behind_a_delete_is_rejected(client):
    server = add_server(client)
    path = f"/v1/cloud-server/{server['id']}"
    deleting = client.http.delete(path)
    stopping = client.http.post(f"{path}/stop")
    assert stopping.status_code == 202, "the server still exists when the stop is asked for"
    assert client.finish(deleting)["status"] == "success"
    stopped = client.http.get(stopping.headers["location"]).json()
    assert stopped["status"] == "rejected"
    assert "no longer exists" in json.dumps(stopped)


def test_list_filters_matches_sorts_and_pages(client):
    made = [add_server(client, hostname=name) for name in ("bravo", "alpha")]
    listed = client.http.get("/v1/cloud-server", params={"sortBy": "hostname"})
    assert [s["hostname"] for s in listed.json()] == ["alpha", "bravo"]
    assert listed.headers["content-range"] == "items 1-2/2"
    assert [s["hostname"] for s in client.http.get("/v1/cloud-server", params={"match[hostname]": "rav"}).json()] == ["bravo"]
    service = made[0]["service"]["id"]
    assert all(s["service"]["id"] == service for s in client.http.get("/v1/cloud-server", params={"filter[service_id]": service}).json())
    assert client.http.get("/v1/cloud-server", params={"page": 9}).status_code == 416
    assert client.http.get("/v1/cloud-server", params={"sortBy": "ram"}).status_code == 422
    assert client.http.get("/v1/cloud-server/1").status_code == 404


ROUTES = [("GET", "/v1/cloud-server"), ("GET", "/v1/cloud-server/1"), ("POST", "/v1/cloud-server"), ("POST", "/v1/cloud-server/1/reboot")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_no_key_is_a_401(anonymous, method, path):
    assert anonymous.request(method, path).status_code == 401


def test_a_key_that_may_only_view_services_reads_servers_but_cannot_change_them(client):
    server = add_server(client)
    path = f"/v1/cloud-server/{server['id']}"
    viewer = client.another_key(permissions=["service view"])
    with httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {viewer}"}, verify=TLS) as http:
        assert http.get(path).status_code == 200
        assert http.post("/v1/cloud-server", json=server_body(client)).status_code == 403
        for verb in ("start", "stop", "reboot", "cancel"):
            assert http.post(f"{path}/{verb}").status_code == 403, verb
        assert http.delete(path).status_code == 403
    editor = client.another_key(permissions=["service view", "service edit"])
    with httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {editor}"}, verify=TLS) as http:
        assert http.post(f"{path}/reboot").status_code == 202
        assert http.delete(path).status_code == 403, "deleting needs service delete"


def test_a_webhook_listening_to_cloud_server_reboot_fires_when_a_reboot_resolves(client):
    server = add_server(client)
    with Receiver() as receiver:
        hook = {"name": "reboots", "url": receiver.url, "resource": "cloud-server", "action": "reboot"}
        assert client.finish(client.http.post("/v1/task/webhook", json=hook))["status"] == "success"
        resolve(client, f"/v1/cloud-server/{server['id']}/stop")
        task = resolve(client, f"/v1/cloud-server/{server['id']}/reboot")
        delivered = json.loads(receiver.wait_for(1)[0].body)
    assert (delivered["uuid"], delivered["action"], delivered["status"]) == (task["uuid"], "cloud-server:reboot", "success")
    assert delivered["resource"]["id"] == server["id"]
    assert [r for r in receiver.requests if json.loads(r.body)["action"] != "cloud-server:reboot"] == [], "the stop was not heard"
