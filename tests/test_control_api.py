"""The control API under /__mock, through its Python client and raw HTTP."""

from __future__ import annotations

import time

import httpx
import pytest
from helpers import TICKET, TLS, control_of

from portal_mock import Control, ControlAPIError, Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer


@pytest.fixture(scope="module")
def served():
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), keys=["main-key"], journal_size=50))) as server:
        yield server


@pytest.fixture(scope="module")
def module_control(served):
    with control_of(served) as client:
        yield client


@pytest.fixture
def live(served, module_control):
    """The module's server, started over: every account, the journal and the active scenario."""
    module_control.reset()
    return served


@pytest.fixture
def control(live, module_control):
    return module_control


def portal(live, key: str) -> httpx.Client:
    return httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {key}"}, verify=TLS)


def test_health(control):
    health = control.health()
    assert health["status"] == "ok" and health["scenario"] == "default"


def test_scenarios_listed_and_switched(control, live):
    names = {s["name"]: s for s in control.scenarios()}
    assert names["default"]["active"] and names["flaky"]["description"]
    control.set_scenario("unauthorized")
    with portal(live, "main-key") as client:
        assert client.post("/v1/ticket", json=TICKET).status_code == 401
    assert control.health()["scenario"] == "unauthorized"


def test_minted_keys_are_isolated_accounts(control, live):
    first, second = control.mint_key(), control.mint_key()
    assert first.account != second.account
    with portal(live, first.key) as a, portal(live, second.key) as b:
        location = a.post("/v1/ticket", json=TICKET).headers["location"]
        control.advance(2, key=first.key)
        ticket = a.get(location).json()["resource"]["metadata"]["uri"]
        assert b.get(location).status_code == 404
        assert b.get(ticket).status_code == 404
        assert a.get(ticket).status_code == 200
    assert len(control.tasks(key=first.key)) == 1
    assert control.tasks(key=second.key) == []


def test_minted_key_bound_to_a_scenario_with_permissions(control, live):
    failing = control.mint_key(scenario="task-failure")
    viewer = control.mint_key(permissions=["ticket view"])
    assert viewer.permissions == ["ticket view"]
    with portal(live, failing.key) as client:
        location = client.post("/v1/ticket", json=TICKET).headers["location"]
        control.advance(2, key=failing.key)
        assert client.get(location).json()["status"] == "failure"
    with portal(live, viewer.key) as client:
        assert client.post("/v1/ticket", json=TICKET).status_code == 403


def test_one_key_bound_to_a_scenario_leaves_the_server_and_other_keys(control, live):
    bound, other = control.mint_key(), control.mint_key()
    control.set_scenario("unauthorized", key=bound.key)
    with portal(live, bound.key) as a, portal(live, other.key) as b:
        assert a.post("/v1/ticket", json=TICKET).status_code == 401
        assert b.post("/v1/ticket", json=TICKET).status_code == 202
    assert control.health()["scenario"] == "default"


def test_tickets_are_read_without_a_portal_request(control, live):
    mine, other = control.mint_key(scenario="flaky"), control.mint_key()
    with portal(live, mine.key) as client:
        client.post("/v1/ticket", json={**TICKET, "subject": "mine"})
    assert control.tickets(key=mine.key) == []
    control.advance(2, key=mine.key)
    (ticket,) = control.tickets(key=mine.key)
    assert ticket["subject"] == "mine" and ticket["account"] == mine.account
    assert control.tickets(key=other.key) == []
    assert [e["action"] for e in control.requests(key=mine.key)["requests"]] == ["ticket:add"]
    with portal(live, mine.key) as client:
        assert client.get("/v1/ticket").status_code == 200
        assert client.get("/v1/ticket").status_code == 503, "reading through the control API advanced the flaky rule"


def test_a_label_fixes_the_accounts_data(control, live):
    def first_task(label):
        key = control.mint_key(label=label).key
        with portal(live, key) as client:
            return client.post("/v1/ticket", json=TICKET).json()

    one, two = first_task("test_a"), first_task("test_b")
    control.reset()
    with pytest.raises(ControlAPIError) as taken:
        control.mint_key(label="test_a")
    assert taken.value.status == 409
    assert one["uuid"] != two["uuid"]


def test_clock_per_account_never_moves_another(control, live):
    a, b = control.mint_key(), control.mint_key()
    before = control.clock(key=b.key)["now"]
    control.advance(100, key=a.key)
    assert control.clock(key=b.key)["now"] == before
    assert control.clock(key=a.key)["now"] == pytest.approx(before + 100, abs=5)


def test_server_clock_advance_moves_every_manual_clock(control, live):
    a = control.mint_key()
    with portal(live, a.key) as client:
        location = client.post("/v1/ticket", json=TICKET).headers["location"]
        control.advance(2)
        assert client.get(location).json()["status"] == "success"


def test_clock_set_and_never_backwards(control):
    a = control.mint_key()
    now = control.clock(key=a.key)["now"]
    assert control.set_clock(now + 60, key=a.key)["clocks"][0]["now"] == now + 60
    with pytest.raises(ControlAPIError) as refused:
        control.set_clock(now, key=a.key)
    assert refused.value.status == 409


def test_a_real_clock_cannot_be_moved(control):
    real = control.mint_key(clock="real")
    with pytest.raises(ControlAPIError) as refused:
        control.advance(1, key=real.key)
    assert refused.value.status == 409


def test_resolve_a_task_now(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        location = client.post("/v1/ticket", json=TICKET).headers["location"]
        resolved = control.resolve(location, outcome="rejected", errors={"message": "No."})
        assert resolved["status"] == "rejected"
        assert client.get(location).json()["errors"] == {"message": "No."}
    with pytest.raises(ControlAPIError) as again:
        control.resolve(location)
    assert again.value.status == 409


def test_tasks_filtered_by_status(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        first = client.post("/v1/ticket", json=TICKET).json()["uuid"]
        client.post("/v1/ticket", json=TICKET)
    control.resolve(first)
    assert [t["uuid"] for t in control.tasks(key=key, status="success")] == [first]
    assert len(control.tasks(key=key, status="pending")) == 1


def test_reset_one_account_keeps_its_key(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        client.post("/v1/ticket", json=TICKET)
        control.reset(key=key)
        assert control.tasks(key=key) == []
        assert client.post("/v1/ticket", json=TICKET).status_code == 202


def test_reset_everything(control, live):
    control.set_scenario("flaky")
    with portal(live, "main-key") as client:
        client.post("/v1/ticket", json=TICKET)
    control.reset()
    assert control.health()["scenario"] == "default"
    assert control.tasks() == []
    assert control.requests()["total"] == 0


def test_journal_entries_and_redaction(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        client.post("/v1/ticket?x=1", json={**TICKET, "comment": "hello"}, headers={"X-Trace": "t1"})
    journal = control.requests(key=key)
    (entry,) = journal["requests"]
    assert entry["method"] == "POST" and entry["path"] == "/v1/ticket" and entry["query"] == "x=1"
    assert entry["action"] == "ticket:add" and entry["status"] == 202
    assert entry["body"] == {**TICKET, "comment": "hello"}
    assert entry["headers"]["x-trace"] == "t1"
    assert entry["headers"]["authorization"] == f"Bearer …{key[-4:]}"
    assert entry["key"] == f"…{key[-4:]}"
    assert entry["duration_ms"] >= 0
    assert key not in httpx.get(f"{live.url}/__mock/requests").text


def test_journal_records_the_rule_that_fired(control, live):
    key = control.mint_key(scenario="flaky").key
    with portal(live, key) as client:
        for _ in range(3):
            client.post("/v1/ticket", json=TICKET)
    entries = control.requests(key=key)["requests"]
    assert [e["rule"] for e in entries] == [None, None, "every third request fails"]
    assert entries[-1]["scenario"] == "flaky" and entries[-1]["status"] == 503


def test_journal_filters(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        location = client.post("/v1/ticket", json=TICKET).headers["location"]
        client.get(location)
        client.get("/v1/task/nope")
    assert [e["action"] for e in control.requests(key=key, action="task:show")["requests"]] == ["task:show", "task:show"]
    assert [e["status"] for e in control.requests(key=key, status=404)["requests"]] == [404]
    assert control.requests(key=key, path="/v1/ticket")["total"] == 1
    assert control.requests(key=key, since=time.time() + 60)["total"] == 0
    assert control.requests(key=key, limit=1)["requests"][0]["path"] == "/v1/task/nope"


def test_journal_is_bounded_and_says_what_it_dropped(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        for _ in range(60):
            client.get("/v1/task/nope")
    journal = control.requests()
    assert journal["total"] == 50 and journal["dropped"] == 10 and journal["capacity"] == 50
    control.clear_requests()
    assert control.requests()["total"] == 0


def test_verification_counts_and_near_misses(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        location = client.post("/v1/ticket", json={**TICKET, "subject": "one"}).headers["location"]
        client.get(location)
        client.get(location)
    assert control.count(action="task:show", key=key)["count"] == 2
    assert control.count(action="ticket:add", key=key, body={"subject": "one"})["count"] == 1
    missed = control.count(action="ticket:add", key=key, body={"subject": "two"})
    assert missed["count"] == 0
    nearest = missed["near_misses"][0]
    assert nearest["request"]["action"] == "ticket:add"
    assert "subject" in nearest["reason"]
    assert control.count(action="ticket:add", key=key, status=503)["near_misses"][0]["reason"] == "status is 202, not 503"


def test_verification_within_one_keys_requests(control, live):
    mine, other = control.mint_key(), control.mint_key()
    with portal(live, other.key) as client:
        client.post("/v1/ticket", json=TICKET)
    with portal(live, mine.key) as client:
        client.get("/v1/ticket")
    assert control.count(action="ticket:add")["count"] == 1
    scoped = control.count(only_key=mine.key, action="ticket:add")
    assert scoped["count"] == 0
    assert [m["request"]["action"] for m in scoped["near_misses"]] == ["ticket:list"]


def test_unknown_portal_path_names_the_nearest_endpoints(live):
    with portal(live, "main-key") as client:
        response = client.get("/v1/tickets/12")
    assert response.status_code == 404
    misses = response.json()["near_misses"]
    assert misses[0]["path"] == "/v1/ticket/{id}" and misses[0]["method"] == "GET"
    assert "'ticket'" in misses[0]["why"] and "'tickets'" in misses[0]["why"]
    assert Control(live.url).requests(status=404)["requests"][-1]["path"] == "/v1/tickets/12"


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("PUT", "/__mock/scenario", {"name": "nope"}, 404),
        ("PUT", "/__mock/scenario", {}, 422),
        ("PUT", "/__mock/scenario", {"name": 3}, 422),
        ("PUT", "/__mock/scenario", {"name": "flaky", "key": "unknown"}, 404),
        ("PUT", "/__mock/scenario", {"name": "nope", "key": "main-key"}, 404),
        ("POST", "/__mock/keys", {"scenario": "nope"}, 404),
        ("POST", "/__mock/keys", {"permissions": ["root"]}, 422),
        ("POST", "/__mock/keys", {"clock": "sundial"}, 422),
        ("POST", "/__mock/clock/advance", {"seconds": -1}, 422),
        ("POST", "/__mock/clock/advance", {"seconds": "ten"}, 422),
        ("POST", "/__mock/clock/advance", {"seconds": 1, "key": "unknown"}, 404),
        ("POST", "/__mock/tasks/00000000-0000-4000-8000-000000000000/resolve", {}, 404),
        ("POST", "/__mock/reset", {"key": "unknown"}, 404),
        ("POST", "/__mock/requests/count", {"action": "ticket:bogus"}, 422),
        ("POST", "/__mock/requests/count", {"body": {"a": {"regex": "("}}}, 422),
        ("GET", "/__mock/nothing", None, 404),
    ],
)
def test_bad_control_input_is_a_json_4xx(live, method, path, body, status):
    response = httpx.request(method, live.url + path, json=body)
    assert response.status_code == status
    assert response.json()["message"]


def test_bad_outcome_is_422(control, live):
    key = control.mint_key().key
    with portal(live, key) as client:
        location = client.post("/v1/ticket", json=TICKET).headers["location"]
    with pytest.raises(ControlAPIError) as refused:
        control.resolve(location, outcome="maybe")
    assert refused.value.status == 422 and "outcome" in refused.value.errors


@pytest.mark.parametrize("path, query", [("tasks", "status=teapot"), ("tasks", "account=x"), ("tickets", "account=x"), ("requests", "since=yesterday")])
def test_bad_filters_are_422(live, path, query):
    assert httpx.get(f"{live.url}/__mock/{path}?{query}").status_code == 422


def test_tickets_of_an_unknown_key_are_404(live):
    assert httpx.get(f"{live.url}/__mock/tickets?key=unknown").status_code == 404


def test_malformed_control_json_is_a_clear_error(live):
    response = httpx.post(f"{live.url}/__mock/keys", content=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "JSON" in response.json()["message"]


def test_admin_token_guards_the_control_api():
    with LiveServer(create_app(Settings(admin_token="s3cret"))) as server:
        assert httpx.get(f"{server.url}/__mock/health").status_code == 401
        assert httpx.get(f"{server.url}/__mock/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        with Control(server.url, token="s3cret") as control:
            assert control.health()["status"] == "ok"


def test_no_admin_serves_no_control_api():
    with LiveServer(create_app(Settings(admin=False))) as server:
        assert httpx.get(f"{server.url}/__mock/health").status_code == 404


def test_an_internal_error_reaches_the_listeners_and_the_journal(control, live, monkeypatch):
    state = live.app.state.mock
    heard: list[tuple[str | None, str, int]] = []
    state.error_listeners.append(lambda key, text: heard.append((key, text, len(state.journal))))

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal_mock.domain.tickets.Tickets.all", broken)
    key = control.mint_key().key
    before = len(state.journal)
    with portal(live, key) as client:
        response = client.get("/v1/ticket")
    assert response.status_code == 500 and "boom" not in response.text
    [(heard_key, text, journaled)] = heard
    assert heard_key == key and "RuntimeError: boom" in text and "in broken" in text
    assert journaled == before, "listeners hear before the request is journaled, which is after the answer is sent"
    (entry,) = control.requests(key=key, status=500)["requests"]
    assert entry["error"] == text


@pytest.mark.parametrize(
    "path, body",
    [
        ("/__mock/clock/advance", b'{"seconds": 1e999}'),
        ("/__mock/clock/advance", b'{"seconds": 1e300}'),
        ("/__mock/clock/set", b'{"time": 1e20}'),
    ],
)
def test_a_clock_value_no_date_can_say_is_refused_and_the_account_keeps_answering(control, live, path, body):
    # Each of these used to be accepted, and broke the account's next
    # ticket:add or ticket:list (an Infinity in the JSON, a timestamp out of range).
    minted = control.mint_key(clock="manual")
    refused = httpx.post(f"{live.url}{path}", content=body.replace(b"}", b', "key": "' + minted.key.encode() + b'"}'), verify=TLS)
    assert refused.status_code == 422, refused.text
    assert "Traceback" not in refused.text
    with portal(live, minted.key) as http:
        assert http.post("/v1/ticket", json=TICKET).status_code == 202
        assert http.get("/v1/ticket").status_code == 200
    assert httpx.get(f"{live.url}/__mock/tasks", verify=TLS).status_code == 200


def test_advancing_past_the_last_date_is_a_conflict_that_moves_nothing(control):
    minted = control.mint_key(clock="manual")
    now = control.clock(key=minted.key)["now"]
    control.set_clock(253_402_300_000, key=minted.key)
    with pytest.raises(ControlAPIError) as refused:
        control.advance(3600, key=minted.key)
    assert refused.value.status == 409 and "9999" in str(refused.value)
    assert control.clock(key=minted.key)["now"] == 253_402_300_000 > now


def test_after_a_reset_the_main_key_is_the_main_accounts_again(control, live):
    """``serve``'s own keys name the account labelled ``main`` after
    ``POST /__mock/reset`` as before it: its data started over, its user
    known, and the accounts listing shows the key under it."""
    with portal(live, "main-key") as client:
        client.post("/v1/ticket", json=TICKET)
        control.advance(5)
        before = client.get("/v1/user/self").json()["user"]
        assert client.get("/v1/ticket").json()
        assert httpx.post(f"{live.url}/__mock/reset", json={}, verify=TLS).status_code == 200
        assert client.get("/v1/ticket").json() == []
        after = client.get("/v1/user/self").json()["user"]
        assert (after["id"], after["identity"]) == (before["id"], before["identity"])
        assert client.get(f"/v1/user/{after['id']}").status_code == 200
        assert client.post("/v1/ticket", json=TICKET).status_code == 202
    listed = httpx.get(f"{live.url}/__mock/accounts", verify=TLS).json()["accounts"]
    # main-key is eight characters: the listing shows it as **** (README, "Secrets in outputs").
    (main,) = [a for a in listed if a["label"] == "main"]
    assert [k["key"] for k in main["keys"]] == ["****"]
    assert main["counts"]["tasks"] == 1


def test_after_a_reset_a_keys_own_user_is_still_one_of_its_accounts_users(control, live):
    """A key minted acting as a named user keeps acting as them after a
    reset, and its account still knows them (``user:show`` finds them)."""
    key = control.mint_key(user="Jane Doe - jane@example.com").key
    with portal(live, key) as client:
        me = client.get("/v1/user/self").json()["user"]
        assert client.get(f"/v1/user/{me['id']}").status_code == 200
        control.reset()
        assert client.get("/v1/user/self").json()["user"]["identity"] == me["identity"]
        assert client.get(f"/v1/user/{me['id']}").status_code == 200


def test_an_internal_error_shows_no_secret_its_message_quotes(control, live, monkeypatch):
    """An exception may quote the request's key or a URL's password; the
    journal, the error listeners (a test's report) and the log show neither."""
    state = live.app.state.mock
    heard: list[str] = []
    state.error_listeners.append(lambda key, text: heard.append(text))
    key = control.mint_key().key

    def broken(self):
        raise RuntimeError(f"cannot reach https://ops:hunter2-secret@hooks.example/ as {key}")

    monkeypatch.setattr("portal_mock.domain.tickets.Tickets.all", broken)
    with portal(live, key) as client:
        assert client.get("/v1/ticket").status_code == 500
    (entry,) = control.requests(key=key, status=500)["requests"]
    for text in (entry["error"], *heard):
        assert "RuntimeError: cannot reach https://ops:****@hooks.example/" in text
        assert "hunter2" not in text and key not in text and f"…{key[-4:]}" in text
