"""Billing: invoices, orders and credits (read-only, seeded by the
``sample-account`` scenario, every reference resolving) and the public
``order:estimate`` quote."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from helpers import TLS

ESTIMATE_EXAMPLE = {
    "discounts": ["DISCEX10", "BADCOUPON5"],
    "items": [
        {"order_type": "plan", "term": 1, "addons": [{"id": 2259, "quantity": 1}], "package_id": 707, "cloud_id": 4, "app_id": 12},
        {"order_type": "domain", "term": 12, "domain_name": "example.com"},
    ],
}
READABLE = [("invoice", "invoice view"), ("order", "order view"), ("credit", "credit view")]


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http


def limited(server, control, permissions: list[str]) -> httpx.Client:
    minted = control.mint_key(clock="manual", scenario="sample-account", permissions=permissions)
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS)


@pytest.mark.parametrize(("kind", "permission"), READABLE)
def test_each_billing_list_shows_what_its_show_shows(sample, kind, permission):
    listed = sample.get(f"/v1/{kind}")
    assert listed.status_code == 200
    assert listed.json(), f"the sample account has {kind}s"
    assert listed.headers["content-range"] == f"items 1-{len(listed.json())}/{len(listed.json())}"
    for record in listed.json():
        assert record["metadata"] == {"scope": kind, "uri": f"/v1/{kind}/{record['id']}"}
        assert sample.get(record["metadata"]["uri"]).json() == record


@pytest.mark.parametrize(("kind", "permission"), READABLE)
def test_each_billing_endpoint_refuses_a_missing_key_a_key_without_the_permission_and_an_unknown_id(server, control, sample, anonymous, kind, permission):
    some = sample.get(f"/v1/{kind}").json()[0]["id"]
    assert anonymous.get(f"/v1/{kind}").status_code == 401
    assert anonymous.get(f"/v1/{kind}/{some}").status_code == 401
    others = [p for _, p in READABLE if p != permission]
    with limited(server, control, others) as without:
        assert without.get(f"/v1/{kind}").status_code == 403
        assert without.get(f"/v1/{kind}/{some}").status_code == 403
    with limited(server, control, [permission]) as only:
        assert only.get(f"/v1/{kind}").status_code == 200
    assert sample.get(f"/v1/{kind}/999999999").status_code == 404
    assert sample.get(f"/v1/{kind}/abc").status_code == 422
    assert sample.get(f"/v1/{kind}", params={"pageSize": 0}).status_code == 416
    assert sample.get(f"/v1/{kind}", params={"page": 9}).status_code == 416
    bad = sample.get(f"/v1/{kind}", params={"sortBy": "nonsense", "filter[nonsense]": "1"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"sortBy", "filter[nonsense]"}


def test_a_new_account_has_no_invoices_orders_or_credits(client):
    for kind, _ in READABLE:
        listed = client.http.get(f"/v1/{kind}")
        assert (listed.status_code, listed.json(), listed.headers["content-range"]) == (200, [], "items 0-0/0")


def test_an_invoice_names_an_order_of_the_account_and_its_lines_add_up(sample):
    orders = {order["id"] for order in sample.get("/v1/order").json()}
    for invoice in sample.get("/v1/invoice").json():
        assert invoice["order"]["id"] in orders
        assert sum(Decimal(line["total"]) for line in invoice["line_items"]) == Decimal(invoice["total"])
        assert invoice["full_id"] == f"{invoice['id']}-P"
        assert invoice["invoice_date"] < invoice["paid_date"] < invoice["due_date"]
        assert invoice["client"]["id"] == sample.get("/v1/client/self").json()["id"]


def test_an_order_names_its_package_and_service_which_exist(sample):
    for order in sample.get("/v1/order").json():
        assert sample.get(order["package"]["metadata"]["uri"]).status_code == 200
        assert sample.get(order["service"]["metadata"]["uri"]).status_code == 200
        assert order["service_id"] == order["service"]["id"]
        assert order["package_label"] == order["package"]["identity"]


def test_billing_lists_filter_and_sort_by_the_documented_names(sample):
    invoices = sample.get("/v1/invoice").json()
    by_due = sample.get("/v1/invoice", params={"sortBy": "due_date", "sortOrder": "DESC"}).json()
    assert [i["due_date"] for i in by_due] == sorted((i["due_date"] for i in invoices), reverse=True)
    first = invoices[0]
    assert sample.get("/v1/invoice", params={"filter[purchase_order_number]": first["purchase_order_number"]}).json() == [first]
    assert sample.get("/v1/invoice", params={"filter[status]": "unpaid"}).json() == []
    orders = sample.get("/v1/order").json()
    by_total = sample.get("/v1/order", params={"sortBy": "order_total"}).json()
    assert [Decimal(o["total"]) for o in by_total] == sorted(Decimal(o["total"]) for o in orders)
    assert sample.get("/v1/order", params={"filter[type]": "virt-guest-cloud"}).json() == orders
    credit = sample.get("/v1/credit").json()[0]
    assert sample.get("/v1/credit", params={"match[type]": "cred"}).json() == [credit]
    assert sample.get("/v1/credit", params={"sortBy": "type"}).status_code == 422, "credit:list sorts by id only"


def test_the_vendors_estimate_example_is_answered_by_anyone_with_a_line_per_item(anonymous):
    answered = anonymous.post("/v1/order/estimate", json=ESTIMATE_EXAMPLE)
    assert answered.status_code == 200
    quote = answered.json()
    assert [item["term"] for item in quote["items"]] == [1, 12]
    assert Decimal(quote["subtotal"]) == sum(Decimal(item["sub"]) for item in quote["items"])
    assert Decimal(quote["tax"]) == sum(Decimal(item["tax"]) for item in quote["items"])
    assert Decimal(quote["total"]) == Decimal(quote["subtotal"]) + Decimal(quote["tax"])


def test_an_estimate_with_a_key_prices_the_accounts_packages(client):
    quote = client.http.post("/v1/order/estimate", json={"items": [{"order_type": "vps", "term": 3, "package_id": 1}]}).json()
    packages = {p["id"] for p in client.http.get("/v1/package").json()}
    assert [item["package"]["id"] in packages for item in quote["items"]] == [True]


def test_an_estimate_names_every_bad_item_field_at_once(anonymous):
    missing = anonymous.post("/v1/order/estimate", json={})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"items"}
    bad = anonymous.post(
        "/v1/order/estimate",
        json={"items": [{"order_type": "boat", "term": 0}, {"order_type": "domain", "term": 12}, {"order_type": "plan", "term": 1, "package_id": 7}]},
    )
    assert bad.status_code == 422
    problems = " ".join(bad.json()["errors"]["items"])
    for expected in ("Item 1: order_type", "Item 1: term", "Item 2: domain_name", "Item 3: app_id", "Item 3: cloud_id"):
        assert expected in problems
