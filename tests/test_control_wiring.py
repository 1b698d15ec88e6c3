"""The control plane with the tickets family: a clock advance delivers
webhooks before it returns, deliveries are listed, scenarios give accounts
their starting tickets, and a reset brings those back."""

from __future__ import annotations

import httpx
import pytest
from helpers import TICKET, TLS, control_of, serve_scenarios
from receiver import Receiver

SEEDED = """
name: seeded
description: Accounts start with three tickets.
keys:
  seeded-key: {}
tickets:
  - {subject: "Printer on fire", status: Open, department: support}
  - {subject: "Refund please", status: Closed, department: billing}
  - {id: 1000, subject: "Move my site", department: migrations, category: null}
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    directory = tmp_path_factory.mktemp("seeded")
    (directory / "seeded.yaml").write_text(SEEDED)
    with serve_scenarios(directory, task_delay=2) as server:
        yield server


def portal(live, key: str) -> httpx.Client:
    return httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {key}"}, verify=TLS)


def test_advancing_the_clock_delivers_before_the_call_returns(live):
    control = control_of(live)
    key = control.mint_key(clock="manual").key
    with Receiver() as receiver, portal(live, key) as client:
        client.post("/v1/task/webhook", json={"name": "hook", "url": receiver.url, "resource": "ticket"})
        control.advance(2, key=key)
        client.post("/v1/ticket", json=TICKET)
        receiver.requests.clear()
        control.advance(2, key=key)
        assert [r.path for r in receiver.requests] == ["/hook"]
        (attempt,) = [a for a in control.deliveries(key) if a["action"] == "ticket:add"]
        assert attempt["status"] == 200 and attempt["delivered"]


def test_deliveries_need_a_known_key(live):
    assert httpx.get(f"{live.url}/__mock/deliveries").status_code == 422
    assert httpx.get(f"{live.url}/__mock/deliveries?key=nope").status_code == 404


def test_a_remote_webhook_is_recorded_but_never_sent(live):
    control = control_of(live)
    key = control.mint_key(clock="manual").key
    with portal(live, key) as client:
        client.post("/v1/task/webhook", json={"name": "far", "url": "https://hooks.example.com/portal"})
        control.advance(2, key=key)
    (attempt,) = control.deliveries(key)
    assert attempt["status"] is None and not attempt["delivered"]
    assert "not loopback" in attempt["error"]


def test_scenario_keys_start_with_the_scenarios_tickets(live):
    with portal(live, "seeded-key") as client:
        response = client.get("/v1/ticket", params={"sortBy": "subject"})
    assert response.headers["content-range"] == "items 1-3/3"
    subjects = [t["subject"] for t in response.json()]
    assert subjects == ["Move my site", "Printer on fire", "Refund please"]
    moved = next(t for t in response.json() if t["id"] == 1000)
    assert moved["category"] is None and moved["department"]["name"] == "Migrations"


def test_minted_keys_bound_to_the_scenario_start_with_its_tickets(live):
    control = control_of(live)
    bound, plain = control.mint_key(scenario="seeded", label="bound"), control.mint_key()
    with portal(live, bound.key) as client:
        assert len(client.get("/v1/ticket").json()) == 3
        closed = client.get("/v1/ticket", params={"filter[status]": "Closed"}).json()
        assert [t["subject"] for t in closed] == ["Refund please"]
    with portal(live, plain.key) as client:
        assert client.get("/v1/ticket").json() == []


def test_same_seed_same_starting_tickets(live):
    control = control_of(live)
    first, second = (control.mint_key(scenario="seeded", label=f"same-{n}", seed=5) for n in range(2))
    with portal(live, first.key) as a, portal(live, second.key) as b:
        one, two = a.get("/v1/ticket").json(), b.get("/v1/ticket").json()
    assert [t["subject"] for t in one] == [t["subject"] for t in two]


def test_reset_brings_the_starting_tickets_back_and_forgets_deliveries(live):
    control = control_of(live)
    key = control.mint_key(scenario="seeded", clock="manual").key
    with Receiver() as receiver, portal(live, key) as client:
        client.post("/v1/task/webhook", json={"name": "hook", "url": receiver.url})
        control.advance(2, key=key)
        client.post("/v1/ticket", json=TICKET)
        control.advance(2, key=key)
        assert len(client.get("/v1/ticket").json()) == 4
        assert control.deliveries(key)
        control.reset(key=key)
        assert len(client.get("/v1/ticket").json()) == 3
        assert control.deliveries(key) == []
        assert client.get("/v1/task/webhook").json() == []


def test_a_seed_ticket_with_a_bad_field_is_refused_at_load(tmp_path):
    from portal_mock.scenarios.files import parse_scenario

    scenario, problems = parse_scenario("name: x\ntickets:\n  - {subject: Hi, status: Pending}\n", "s.yaml")
    assert scenario is None
    assert str(problems[0]).startswith("s.yaml:3:")
    assert "Pending" in str(problems[0])


def test_a_seed_ticket_id_given_twice_is_refused_at_load():
    from portal_mock.scenarios.files import parse_scenario

    scenario, problems = parse_scenario("name: x\ntickets:\n  - {id: 7}\n  - {id: 7}\n", "s.yaml")
    assert [str(p) for p in problems] == ["s.yaml:4:10: ticket id 7 is given twice"]
