"""Scenario rules through HTTP: each kind of match, each effect, sequences
and which scenario a request gets."""

from __future__ import annotations

import textwrap

import httpx
import pytest
from helpers import TICKET, TLS, control_of, serve_scenarios

RULES = """
name: rules
seed: 42
keys:
  fail-key: {user: "Jane Doe - jane@example.com", account: failing}
  pass-key: {account: rules}
  view-key: {permissions: [ticket view]}
rules:
  - name: failing key
    match: {action: ticket:add, key: fail-key}
    task: {after: 5s, outcome: failure, errors: {message: "Disk full."}}
  - name: boom comment
    match: {action: ticket:add, body: {comment: boom}}
    respond: {status: 422, body: {message: "no", errors: {comment: ["rejected"]}}}
  - name: contains
    match: {body: {subject: {contains: "[urgent]"}}}
    respond: {status: 409}
  - name: regex
    match: {body: {subject: {regex: "^ZZ-\\\\d+$"}}}
    respond: {status: 418}
  - name: header
    match: {headers: {X-Client: {equals: bot}}}
    respond: {status: 500, headers: {X-Why: header}}
  - name: header present
    match: {headers: {X-Trace: {present: true}}}
    respond: {status: 502}
  - name: path
    match: {method: GET, path: /v1/task/*, headers: {X-Seq: {present: true}}}
    times: 2
    respond: {status: 503, headers: {Retry-After: "1"}}
  - name: polls
    match: {action: ticket:add, body: {department: billing}}
    task: {after_polls: 3}
  - name: uniform
    match: {action: ticket:add, body: {department: sales}}
    task: {after: {min: 10s, max: 20s}}
  - name: lognormal
    match: {action: ticket:add, body: {department: migrations}}
    task: {after: {median: 30s, sigma: 0.5}, resource: {id: 1, identity: "X", metadata: {scope: ticket, uri: /v1/ticket/1}}}
"""

OTHER = """
name: other
rules:
  - respond: {status: 451}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    directory = tmp_path_factory.mktemp("rules")
    (directory / "rules.yaml").write_text(RULES)
    (directory / "other.yaml").write_text(OTHER)
    with serve_scenarios(directory) as server:
        yield server


@pytest.fixture
def live(served):
    """The module's server, started over through the control API: every
    account (its counters and clock), the journal and the active scenario."""
    with control_of(served) as control:
        control.reset()
    return served


def http(live, key: str) -> httpx.Client:
    return httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {key}"}, verify=TLS)


def advance(live, key: str, seconds: float) -> None:
    with control_of(live) as control:
        control.advance(seconds, key=key)


def activate(live, scenario: str) -> None:
    """Make ``scenario`` the server's active one."""
    with control_of(live) as control:
        control.set_scenario(scenario)


def test_keys_declared_in_a_scenario_work_and_carry_their_user(live):
    with http(live, "fail-key") as client:
        task = client.post("/v1/ticket", json=TICKET).json()
    assert task["user"]["identity"] == "Jane Doe - jane@example.com"


def test_a_key_match_scripts_one_key_and_not_another(live):
    with http(live, "fail-key") as failing, http(live, "pass-key") as passing:
        bad = failing.post("/v1/ticket", json=TICKET).headers["location"]
        good = passing.post("/v1/ticket", json=TICKET).headers["location"]
        advance(live, "fail-key", 2)
        advance(live, "pass-key", 2)
        assert passing.get(good).json()["status"] == "success"
        assert failing.get(bad).json()["status"] == "pending"
        advance(live, "fail-key", 3)
        failed = failing.get(bad).json()
        assert failed["status"] == "failure" and failed["errors"] == {"message": "Disk full."}


def test_declared_permissions_apply(live):
    with http(live, "view-key") as client:
        assert client.post("/v1/ticket", json=TICKET).status_code == 403


@pytest.mark.parametrize(
    "fields, status",
    [
        ({"comment": "boom"}, 422),
        ({"subject": "Down [urgent] now"}, 409),
        ({"subject": "ZZ-123"}, 418),
        ({"subject": "ZZ-12a"}, 202),
    ],
)
def test_body_matchers(live, fields, status):
    with http(live, "pass-key") as client:
        response = client.post("/v1/ticket", json={**TICKET, **fields})
    assert response.status_code == status


def test_a_forced_response_with_its_body(live):
    with http(live, "pass-key") as client:
        response = client.post("/v1/ticket", json={**TICKET, "comment": "boom"})
    assert response.json() == {"message": "no", "errors": {"comment": ["rejected"]}}
    assert response.headers["nocworx-api-version"] == "0.5.0"


def test_a_status_alone_gets_a_vendor_style_body(live):
    with http(live, "pass-key") as client:
        response = client.post("/v1/ticket", json={**TICKET, "subject": "ZZ-1"})
    assert response.status_code == 418 and response.json()["message"]


def test_header_matchers(live):
    with http(live, "pass-key") as client:
        assert client.post("/v1/ticket", json=TICKET, headers={"X-Client": "bot"}).headers["x-why"] == "header"
        assert client.post("/v1/ticket", json=TICKET, headers={"X-Client": "human"}).status_code == 202
        assert client.post("/v1/ticket", json=TICKET, headers={"X-Trace": "1"}).status_code == 502


def test_times_makes_a_sequence_then_falls_through(live):
    with http(live, "pass-key") as client:
        location = client.post("/v1/ticket", json=TICKET).headers["location"]
        statuses = [client.get(location, headers={"X-Seq": "1"}).status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]


def test_times_counts_per_account(live):
    with http(live, "pass-key") as first, http(live, "fail-key") as second:
        a = first.post("/v1/ticket", json=TICKET).headers["location"]
        b = second.post("/v1/ticket", json=TICKET).headers["location"]
        seq = {"X-Seq": "1"}
        assert [first.get(a, headers=seq).status_code for _ in range(3)] == [503, 503, 200]
        assert [second.get(b, headers=seq).status_code for _ in range(3)] == [503, 503, 200]


def test_after_polls_resolves_on_the_nth_poll_without_any_clock(live):
    with http(live, "pass-key") as client:
        location = client.post("/v1/ticket", json={**TICKET, "department": "billing"}).headers["location"]
        statuses = [client.get(location).json()["status"] for _ in range(3)]
    assert statuses == ["pending", "pending", "success"]


def test_uniform_delay_lands_inside_its_range(live):
    with http(live, "pass-key") as client:
        location = client.post("/v1/ticket", json={**TICKET, "department": "sales"}).headers["location"]
        advance(live, "pass-key", 9.99)
        assert client.get(location).json()["status"] == "pending"
        advance(live, "pass-key", 10.01)
        assert client.get(location).json()["status"] == "success"


def test_scripted_resource_replaces_the_real_one(live):
    with http(live, "pass-key") as client:
        location = client.post("/v1/ticket", json={**TICKET, "department": "migrations"}).headers["location"]
        advance(live, "pass-key", 10_000)
        assert client.get(location).json()["resource"]["identity"] == "X"


def delays(tmp_path) -> list[float]:
    with serve_scenarios(tmp_path) as server:
        with http(server, "pass-key") as client:
            for _ in range(3):
                client.post("/v1/ticket", json={**TICKET, "department": "sales"})
        account = server.app.state.mock.registry.lookup("pass-key").account
        return [task.resolve_at - task.created_at for task in account.tasks.values()]


def test_random_draws_repeat_with_the_seed(tmp_path):
    (tmp_path / "rules.yaml").write_text(RULES)
    first, second = delays(tmp_path), delays(tmp_path)
    assert first == second and len(set(first)) == 3


class TestSelection:
    """Prefer beats the header, which beats the key's binding, which beats
    the active scenario, which beats default."""

    def test_prefer_code_is_a_one_off(self, live):
        with http(live, "pass-key") as client:
            assert client.post("/v1/ticket", json=TICKET, headers={"Prefer": "code=422"}).status_code == 422
            assert client.post("/v1/ticket", json=TICKET).status_code == 202

    def test_prefer_code_gives_the_default_body(self, live):
        with http(live, "pass-key") as client:
            response = client.post("/v1/ticket", json=TICKET, headers={"Prefer": "code=401"})
        assert response.json()["message"] and response.headers["www-authenticate"] == "Bearer"

    def test_prefer_scenario_beats_the_header(self, live):
        with http(live, "pass-key") as client:
            response = client.post("/v1/ticket", json=TICKET, headers={"Prefer": "scenario=other", "X-Portal-Mock-Scenario": "unauthorized"})
        assert response.status_code == 451

    def test_header_beats_the_keys_binding(self, live):
        with http(live, "pass-key") as client:
            response = client.post("/v1/ticket", json={**TICKET, "comment": "boom"}, headers={"X-Portal-Mock-Scenario": "default"})
        assert response.status_code == 202

    def test_key_binding_beats_the_active_scenario(self, live):
        activate(live, "other")
        with http(live, "pass-key") as client:
            assert client.post("/v1/ticket", json={**TICKET, "comment": "boom"}).status_code == 422

    def test_active_scenario_applies_to_unbound_keys(self, live):
        activate(live, "other")
        with control_of(live) as control, http(live, control.mint_key().key) as client:
            assert client.post("/v1/ticket", json=TICKET).status_code == 451

    def test_unknown_scenario_names_are_a_clear_400(self, live):
        with http(live, "pass-key") as client:
            response = client.post("/v1/ticket", json=TICKET, headers={"X-Portal-Mock-Scenario": "../etc/passwd"})
        assert response.status_code == 400
        assert "Unknown scenario" in response.json()["message"]

    @pytest.mark.parametrize("prefer", ["code=abc", "code=99", "code=600"])
    def test_bad_prefer_codes_are_400(self, live, prefer):
        with http(live, "pass-key") as client:
            assert client.post("/v1/ticket", json=TICKET, headers={"Prefer": prefer}).status_code == 400


def test_docs_example_fails_one_key_and_passes_another(tmp_path):
    """The ten-line file from docs/scenarios.md, verbatim."""
    docs = (tmp_path / "docs").resolve()
    example = textwrap.dedent(
        """\
        name: one-key-fails
        description: ticket:add fails after 5 s for ops-key and succeeds for ci-key.
        keys:
          ops-key: {account: shop}
          ci-key: {account: shop}
        rules:
          - match: {action: ticket:add, key: ops-key}
            task: {after: 5s, outcome: failure}
        """
    )
    docs.mkdir()
    (docs / "one-key-fails.yaml").write_text(example)
    with serve_scenarios(docs) as server, http(server, "ops-key") as ops, http(server, "ci-key") as ci:
        failing = ops.post("/v1/ticket", json=TICKET).headers["location"]
        passing = ci.post("/v1/ticket", json=TICKET).headers["location"]
        advance(server, "ops-key", 5)
        assert ops.get(failing).json()["status"] == "failure"
        assert ci.get(passing).json()["status"] == "success"
