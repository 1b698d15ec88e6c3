"""Enterprise Cloud over HTTP: add orders a cluster with a first node →
list and show it; add-node and remove-node change its nodes, each shown
at its cluster's path."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from helpers import TLS

from portal_mock.catalog import BY_NAME


def vendor_example(client) -> dict[str, Any]:
    """The vendor's example request, with ids of this account's records."""
    body = dict(BY_NAME["enterprise-cloud:add"].example or {})
    body["cloud_id"] = client.http.get("/v1/cloud").json()[0]["id"]
    body["package_id"] = client.http.get("/v1/package").json()[0]["id"]
    return body


def add_cluster(client) -> dict[str, Any]:
    task = client.finish(client.http.post("/v1/enterprise-cloud", json=vendor_example(client)))
    assert task["status"] == "success", task
    return client.http.get(task["resource"]["metadata"]["uri"]).json()


def nodes(client, cluster: dict[str, Any]) -> list[dict[str, Any]]:
    return client.http.get(f"/v1/enterprise-cloud/{cluster['id']}/node").json()


def test_the_vendor_example_orders_a_cluster_with_a_first_node(client):
    body = vendor_example(client)
    accepted = client.http.post("/v1/enterprise-cloud", json=body)
    assert accepted.status_code == 202
    assert client.http.get("/v1/enterprise-cloud").json() == []
    task = client.finish(accepted)
    cluster = client.http.get(f"/v1/enterprise-cloud/{task['resource']['id']}").json()
    assert (cluster["cloud"]["id"], cluster["package"]["id"]) == (body["cloud_id"], body["package_id"])
    assert cluster["metadata"] == {"scope": "service", "uri": f"/v1/enterprise-cloud/{cluster['id']}"}
    assert cluster["ips"] == [cluster["main_ip"]]
    assert cluster["identity"] == f"{cluster['cloud']['identity']} - {cluster['nickname']} - {cluster['main_ip']}"
    assert [c["id"] for c in client.http.get("/v1/enterprise-cloud").json()] == [cluster["id"]]
    [node] = nodes(client, cluster)
    assert node["cluster"]["id"] == cluster["id"]
    assert client.http.get(node["metadata"]["uri"]).json() == node


def test_add_names_every_missing_field_and_takes_fiat_as_yaml_text(client):
    missing = client.http.post("/v1/enterprise-cloud", json={})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"cloud_id", "package_id", "fiat", "ssh_key_ids"}
    wrong = client.http.post("/v1/enterprise-cloud", json={**vendor_example(client), "fiat": 3})
    assert set(wrong.json()["errors"]) == {"fiat"}
    foreign = client.http.post("/v1/enterprise-cloud", json={**vendor_example(client), "package_id": 1, "cloud_id": 1})
    assert set(foreign.json()["errors"]) == {"package_id", "cloud_id"}
    as_yaml = client.http.post("/v1/enterprise-cloud", json={**vendor_example(client), "fiat": "environment:\n  hardware: {}\n"})
    assert client.finish(as_yaml)["status"] == "success"


def test_add_node_and_remove_node_change_the_cluster_nodes(client):
    cluster = add_cluster(client)
    example = BY_NAME["enterprise-cloud:add-node"].example
    adding = client.http.post(f"/v1/enterprise-cloud/{cluster['id']}/node", json=example)
    assert adding.status_code == 202
    assert client.finish(adding)["status"] == "success"
    listed = nodes(client, cluster)
    assert len(listed) == 2
    held = client.http.get(f"/v1/enterprise-cloud/{cluster['id']}").json()["cloud_servers"]
    assert [node["id"] for node in held] == [node["id"] for node in listed], "the cluster names its nodes"
    added = next(n for n in listed if n["hostname"] == "another-server")
    path = f"/v1/enterprise-cloud/{cluster['id']}/{added['id']}"
    assert added["metadata"]["uri"] == path
    assert client.http.get(path).json()["hostname"] == "another-server"
    removing = client.http.delete(path)
    assert removing.status_code == 202
    assert client.finish(removing)["status"] == "success"
    assert client.http.get(path).status_code == 404
    assert [n["id"] for n in nodes(client, cluster)] == [n["id"] for n in listed if n["id"] != added["id"]]
    assert [node["id"] for node in client.http.get(f"/v1/enterprise-cloud/{cluster['id']}").json()["cloud_servers"]] == [
        n["id"] for n in listed if n["id"] != added["id"]
    ]
    assert client.http.delete(path).status_code == 404


def test_nodes_of_one_cluster_are_not_listed_under_another(client):
    first, second = add_cluster(client), add_cluster(client)
    assert {n["cluster"]["id"] for n in nodes(client, first)} == {first["id"]}
    assert {n["cluster"]["id"] for n in nodes(client, second)} == {second["id"]}


def test_unknown_clusters_and_nodes_are_404(client):
    cluster = add_cluster(client)
    assert client.http.get("/v1/enterprise-cloud/1").status_code == 404
    assert client.http.post("/v1/enterprise-cloud/1/node", json={}).status_code == 404
    assert client.http.get(f"/v1/enterprise-cloud/{cluster['id']}/1").status_code == 404
    assert client.http.delete(f"/v1/enterprise-cloud/{cluster['id']}/1").status_code == 404


def test_list_filters_sorts_and_pages(client):
    made = [add_cluster(client) for _ in range(2)]
    by_nickname = client.http.get("/v1/enterprise-cloud", params={"sortBy": "nickname"}).json()
    assert [c["nickname"] for c in by_nickname] == sorted(c["nickname"] for c in made)
    assert [c["id"] for c in client.http.get("/v1/enterprise-cloud", params={"filter[id]": made[1]["id"]}).json()] == [made[1]["id"]]
    assert len(client.http.get("/v1/enterprise-cloud", params={"filter[state]": "stable"}).json()) == 2
    assert client.http.get("/v1/enterprise-cloud", params={"filter[status]": "disabled"}).json() == []
    assert client.http.get("/v1/enterprise-cloud", params={"page": 3}).status_code == 416
    assert client.http.get("/v1/enterprise-cloud", params={"sortBy": "main_ip"}).status_code == 422


ROUTES = [
    ("GET", "/v1/enterprise-cloud"),
    ("POST", "/v1/enterprise-cloud"),
    ("GET", "/v1/enterprise-cloud/1"),
    ("POST", "/v1/enterprise-cloud/1/node"),
    ("GET", "/v1/enterprise-cloud/1/2"),
    ("DELETE", "/v1/enterprise-cloud/1/2"),
]


@pytest.mark.parametrize("method,path", ROUTES)
def test_no_key_is_a_401(anonymous, method, path):
    assert anonymous.request(method, path).status_code == 401


def test_a_key_that_may_only_view_services_cannot_change_clusters(client):
    cluster = add_cluster(client)
    [node] = nodes(client, cluster)
    viewer = client.another_key(permissions=["service view"])
    with httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {viewer}"}, verify=TLS) as http:
        assert http.get(f"/v1/enterprise-cloud/{cluster['id']}").status_code == 200
        assert http.post("/v1/enterprise-cloud", json=vendor_example(client)).status_code == 403
        assert http.post(f"/v1/enterprise-cloud/{cluster['id']}/node", json={}).status_code == 403
        assert http.delete(f"/v1/enterprise-cloud/{cluster['id']}/{node['id']}").status_code == 403
