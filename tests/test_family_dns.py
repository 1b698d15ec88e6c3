"""DNS zones and their records, and reverse records, through HTTP: a zone
is added with its default records, records are added to it, listed under
it, edited and deleted, and deleting the zone removes them."""

from __future__ import annotations

import httpx
import pytest
from helpers import TLS

from portal_mock.catalog import PERMISSIONS


def as_key(client, token: str) -> httpx.Client:
    return httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {token}"}, verify=TLS)


def zone(client, domain: str = "example.com") -> dict:
    """A zone made through dns-zone:add, once its task has succeeded."""
    task = client.finish(client.http.post("/v1/dns/zone", json={"domain": domain}))
    assert task["status"] == "success", task
    return client.http.get(task["resource"]["metadata"]["uri"]).json()


def records(client, zone_id: int, **params) -> list[dict]:
    listed = client.http.get(f"/v1/dns/zone/{zone_id}/record", params={"pageSize": 100, **params})
    assert listed.status_code == 200, listed.text
    return listed.json()


def test_a_new_zone_has_its_default_records_named_within_it(client):
    added = client.http.post("/v1/dns/zone", json={"domain": "test-domain.nexcess.com"})
    assert added.status_code == 202
    assert added.json()["action"] == "dns-zone:add"
    task = client.finish(added)
    assert task["status"] == "success"
    assert task["resource"]["metadata"] == {"scope": "dns-zone", "uri": f"/v1/dns/zone/{task['resource']['id']}"}
    shown = client.http.get(task["resource"]["metadata"]["uri"]).json()
    assert (shown["domain"], shown["identity"], shown["contact"]) == ("test-domain.nexcess.com",) * 2 + ("hostmaster@test-domain.nexcess.com",)
    assert [z["id"] for z in client.http.get("/v1/dns/zone").json()] == [shown["id"]]
    made = records(client, shown["id"])
    assert len(made) == shown["record_count"] == 16
    by_host = {(r["type"], r["host"]): r for r in made}
    assert by_host[("NS", "")]["identity"] == "test-domain.nexcess.com"
    assert by_host[("CNAME", "www")]["identity"] == "www.test-domain.nexcess.com"
    assert all(r["zone"]["id"] == shown["id"] and r["metadata"]["uri"] == f"/v1/dns/record/{r['id']}" for r in made)
    assert all(isinstance(r["ttl"], int) for r in made)


def test_a_record_is_added_listed_edited_and_deleted_within_its_zone(client):
    home = zone(client, "example.com")
    other = zone(client, "example.org")
    added = client.http.post("/v1/dns/record", json={"zone_id": home["id"], "type": "AAAA", "host": "www", "ttl": "1111"})
    assert added.status_code == 202
    task = client.finish(added)
    assert task["status"] == "success"
    record_id = task["resource"]["id"]
    shown = client.http.get(f"/v1/dns/record/{record_id}").json()
    assert (shown["identity"], shown["host"], shown["target"], shown["ttl"], shown["type"]) == ("www.example.com", "www", "", 1111, "AAAA")
    assert [r["id"] for r in records(client, home["id"], **{"filter[type]": "AAAA"})] == [record_id]
    assert record_id not in {r["id"] for r in records(client, other["id"])}
    assert len(records(client, home["id"])) == 17
    assert client.http.get(f"/v1/dns/zone/{home['id']}").json()["record_count"] == 17, "the zone counts what it holds"

    edited = client.finish(client.http.post(f"/v1/dns/record/{record_id}", json={"type": "A", "host": "api", "target": "203.0.113.7"}))
    assert edited["status"] == "success"
    after = client.http.get(f"/v1/dns/record/{record_id}").json()
    assert (after["identity"], after["host"], after["target"], after["ttl"], after["type"]) == ("api.example.com", "api", "203.0.113.7", 1111, "A")

    deleted = client.finish(client.http.delete(f"/v1/dns/record/{record_id}"))
    assert deleted["status"] == "success" and deleted["resource"]["id"] == record_id
    assert client.http.get(f"/v1/dns/record/{record_id}").status_code == 404
    assert len(records(client, home["id"])) == 16
    assert client.http.get(f"/v1/dns/zone/{home['id']}").json()["record_count"] == 16


def test_deleting_a_zone_removes_its_records_and_no_other_zone_s(client):
    doomed, kept = zone(client, "doomed.example"), zone(client, "kept.example")
    doomed_records = records(client, doomed["id"])
    task = client.finish(client.http.delete(f"/v1/dns/zone/{doomed['id']}"))
    assert task["status"] == "success" and task["resource"]["identity"] == "doomed.example"
    assert client.http.get(f"/v1/dns/zone/{doomed['id']}").status_code == 404
    assert client.http.get(f"/v1/dns/zone/{doomed['id']}/record").status_code == 404
    assert all(client.http.get(f"/v1/dns/record/{r['id']}").status_code == 404 for r in doomed_records)
    assert len(records(client, kept["id"])) == 16
    assert [z["id"] for z in client.http.get("/v1/dns/zone").json()] == [kept["id"]]


def test_a_second_delete_queued_before_the_first_resolved_is_rejected(client):
    made = zone(client)
    first = client.http.delete(f"/v1/dns/zone/{made['id']}")
    second = client.http.delete(f"/v1/dns/zone/{made['id']}")
    assert (first.status_code, second.status_code) == (202, 202)
    client.advance(2)
    assert client.http.get(first.headers["location"]).json()["status"] == "success"
    refused = client.http.get(second.headers["location"]).json()
    assert refused["status"] == "rejected"
    assert client.http.delete(f"/v1/dns/zone/{made['id']}").status_code == 404


def test_zone_list_sorts_by_domain_and_filters_by_id(client):
    made = [zone(client, name) for name in ("b.example", "c.example", "a.example")]
    ordered = client.http.get("/v1/dns/zone", params={"sortBy": "domain", "sortOrder": "DESC"}).json()
    assert [z["domain"] for z in ordered] == ["c.example", "b.example", "a.example"]
    picked = client.http.get("/v1/dns/zone", params={"filter[id]": made[1]["id"]})
    assert [z["id"] for z in picked.json()] == [made[1]["id"]]
    assert picked.headers["content-range"] == "items 1-1/1"
    assert client.http.get("/v1/dns/zone", params={"sortBy": "contact"}).status_code == 422
    assert client.http.get("/v1/dns/zone", params={"page": 9, "pageSize": 10}).status_code == 416


def test_record_list_sorts_by_type_and_refuses_an_unknown_sort(client):
    made = zone(client)
    types = [r["type"] for r in records(client, made["id"], sortBy="type")]
    assert types == sorted(types)
    assert client.http.get(f"/v1/dns/zone/{made['id']}/record", params={"sortBy": "target"}).status_code == 422
    assert client.http.get(f"/v1/dns/zone/{made['id']}/record", params={"page": 5, "pageSize": 10}).status_code == 416


def test_bad_input_is_named_field_by_field(client):
    missing = client.http.post("/v1/dns/zone", json={})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"domain"}
    assert client.http.post("/v1/dns/zone", json={"domain": "not a domain"}).status_code == 422
    bad = client.http.post("/v1/dns/record", json={"type": "BOGUS", "ttl": "soon"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"zone_id", "type", "ttl"}
    stranger = client.http.post("/v1/dns/record", json={"zone_id": 424242, "type": "A", "ttl": 300})
    assert stranger.status_code == 422 and set(stranger.json()["errors"]) == {"zone_id"}
    made = zone(client)
    record_id = records(client, made["id"])[0]["id"]
    assert client.http.post(f"/v1/dns/record/{record_id}", json={"ttl": "-5", "type": "SOA"}).status_code == 422
    assert client.http.get("/v1/dns/zone/abc").status_code == 422


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/dns/zone/424242"),
        ("DELETE", "/v1/dns/zone/424242"),
        ("GET", "/v1/dns/zone/424242/record"),
        ("GET", "/v1/dns/record/424242"),
        ("POST", "/v1/dns/record/424242"),
        ("DELETE", "/v1/dns/record/424242"),
    ],
)
def test_an_unknown_zone_or_record_is_404(client, method, path):
    assert client.http.request(method, path, json={} if method == "POST" else None).status_code == 404


def test_dns_actions_need_a_key_and_their_permission(client, anonymous):
    assert anonymous.get("/v1/dns/zone").status_code == 401
    assert anonymous.post("/v1/dns/record", json={"zone_id": 1, "type": "A", "ttl": 1}).status_code == 401
    viewer = client.another_key([p for p in PERMISSIONS if p not in ("dns zone edit", "dns record delete")])
    made = zone(client)
    record_id = records(client, made["id"])[0]["id"]
    with as_key(client, viewer) as view_only:
        assert view_only.get("/v1/dns/zone").status_code == 200
        assert view_only.post("/v1/dns/zone", json={"domain": "example.net"}).status_code == 403
        assert view_only.delete(f"/v1/dns/record/{record_id}").status_code == 403
    blind = client.another_key([p for p in PERMISSIONS if p not in ("dns zone view", "dns record view")])
    with as_key(client, blind) as cannot_see:
        assert cannot_see.get(f"/v1/dns/zone/{made['id']}").status_code == 403
        assert cannot_see.get(f"/v1/dns/zone/{made['id']}/record").status_code == 403
        assert cannot_see.get(f"/v1/dns/record/{record_id}").status_code == 403


def test_the_vendor_examples_are_accepted(client):
    assert client.http.post("/v1/dns/zone", json={"domain": "test-domain.nexcess.com"}).status_code == 202
    made = zone(client, "magento.com")
    record_id = records(client, made["id"])[0]["id"]
    assert client.http.post("/v1/dns/record", json={"zone_id": made["id"], "type": "AAAA", "host": "www", "ttl": "1111"}).status_code == 202
    assert client.http.post(f"/v1/dns/record/{record_id}", json={"type": "A"}).status_code == 202
    assert client.http.delete(f"/v1/dns/record/{record_id}").status_code == 202
    assert client.http.delete(f"/v1/dns/zone/{made['id']}").status_code == 202


def test_a_reverse_record_is_added_listed_edited_and_deleted(client):
    added = client.http.post("/v1/dns/reverse", json={"host": "203.0.113.1", "ttl": "1111", "target": "203.0.113.1"})
    assert added.status_code == 202 and added.json()["action"] == "dns-reverse:add"
    task = client.finish(added)
    assert task["status"] == "success"
    made = task["resource"]
    assert made["metadata"] == {"scope": "dns-record", "uri": f"/v1/dns/reverse/{made['id']}"}
    shown = client.http.get(made["metadata"]["uri"]).json()
    assert (shown["host"], shown["target"], shown["ttl"]) == ("203.0.113.1", "203.0.113.1", 1111)
    assert [r["id"] for r in client.http.get("/v1/dns/reverse").json()] == [made["id"]]

    assert client.finish(client.http.post(made["metadata"]["uri"], json={"ttl": "1111", "target": "host.example.com"}))["status"] == "success"
    edited = client.http.get(made["metadata"]["uri"]).json()
    assert (edited["host"], edited["target"], edited["ttl"]) == ("203.0.113.1", "host.example.com", 1111)
    assert client.finish(client.http.post(made["metadata"]["uri"], json={"ttl": 300}))["status"] == "success"
    assert client.http.get(made["metadata"]["uri"]).json()["ttl"] == 300

    assert client.finish(client.http.delete(made["metadata"]["uri"]))["status"] == "success"
    assert client.http.get(made["metadata"]["uri"]).status_code == 404
    assert client.http.get("/v1/dns/reverse").json() == []


def test_reverse_records_sort_by_host_and_check_their_input(client):
    for host in ("203.0.113.9", "203.0.113.2", "2001:db8::5"):
        assert client.finish(client.http.post("/v1/dns/reverse", json={"host": host, "ttl": 60, "target": "a.example.com"}))["status"] == "success"
    hosts = [r["host"] for r in client.http.get("/v1/dns/reverse", params={"sortBy": "host"}).json()]
    assert hosts == ["2001:db8::5", "203.0.113.2", "203.0.113.9"]
    assert client.http.get("/v1/dns/reverse", params={"sortBy": "ttl"}).status_code == 422
    assert client.http.get("/v1/dns/reverse", params={"page": 3, "pageSize": 10}).status_code == 416
    missing = client.http.post("/v1/dns/reverse", json={})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"ttl", "host", "target"}
    bad = client.http.post("/v1/dns/reverse", json={"host": "not an address", "ttl": "soon", "target": "a.example.com"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"host", "ttl"}
    for method in ("GET", "POST", "DELETE"):
        assert client.http.request(method, "/v1/dns/reverse/424242", json={} if method == "POST" else None).status_code == 404


def test_reverse_records_need_a_key_and_their_permission(client, anonymous):
    assert anonymous.get("/v1/dns/reverse").status_code == 401
    limited = client.another_key([p for p in PERMISSIONS if p not in ("dns reverse view", "dns record edit")])
    with as_key(client, limited) as key:
        assert key.get("/v1/dns/reverse").status_code == 403
        assert key.post("/v1/dns/reverse", json={"host": "203.0.113.1", "ttl": 60, "target": "a.example.com"}).status_code == 403


def test_the_sample_account_s_zones_hold_as_many_records_as_they_count(server, control):
    minted = control.mint_key(label="dns sample", clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        zones = http.get("/v1/dns/zone").json()
        assert len(zones) == 2
        for shown in zones:
            held = http.get(f"/v1/dns/zone/{shown['id']}/record").json()
            assert len(held) == shown["record_count"] > 0
            assert all(r["zone"]["id"] == shown["id"] and r["identity"].endswith(shown["domain"]) for r in held)
            assert http.get(held[0]["zone"]["metadata"]["uri"]).json() == shown
