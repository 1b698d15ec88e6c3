"""The ``portal_mock`` fixture's API, used as a test would use it.

The plugin is installed with the package, so this project's own tests get
the fixture like any other project's; how it behaves across tests and
sessions (markers, options, xdist, failure reports) is tested with
pytester in ``test_pytest_plugin.py``."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from helpers import TICKET, TLS

from portal_mock import ControlAPIError
from portal_mock.testing.fixture import PortalRequests
from portal_mock.testing.servers import ExternalServer


@pytest.fixture
def http(portal_mock) -> httpx.Client:
    with httpx.Client(base_url=portal_mock.url, headers=portal_mock.headers, verify=TLS) as client:
        yield client


def test_a_fresh_key_and_account_with_a_manual_clock(portal_mock, http):
    assert portal_mock.headers == {"Authorization": f"Bearer {portal_mock.key}"}
    assert portal_mock.label == "tests/test_fixture.py::test_a_fresh_key_and_account_with_a_manual_clock"
    assert portal_mock.clock.kind == "manual"
    assert portal_mock.tickets == [] and portal_mock.tasks == [] and len(portal_mock.requests) == 0
    before = portal_mock.clock.now
    assert portal_mock.advance(90) == before + 90 == portal_mock.clock.now
    assert http.get("/v1/ticket").status_code == 200


def test_advance_resolves_what_falls_due(portal_mock, http):
    location = http.post("/v1/ticket", json=TICKET).headers["location"]
    assert [t["status"] for t in portal_mock.tasks] == ["pending"]
    portal_mock.advance(1.5)
    assert [t["status"] for t in portal_mock.tasks] == ["pending"]
    portal_mock.advance(0.5)
    (task,) = portal_mock.tasks
    assert task["status"] == "success" and task["uuid"] == location.rsplit("/", 1)[-1]
    assert [t["subject"] for t in portal_mock.tickets] == [TICKET["subject"]]


def test_requests_journal_filter_last_bodies(portal_mock, http):
    http.post("/v1/ticket", json={**TICKET, "subject": "first"})
    http.post("/v1/ticket", json={**TICKET, "subject": "second"})
    http.get("/v1/ticket?page=1")
    requests = portal_mock.requests
    assert isinstance(requests, PortalRequests) and len(requests) == 3
    assert requests.actions == ["ticket:add", "ticket:add", "ticket:list"]
    added = requests.filter(action="ticket:add")
    assert [body["subject"] for body in added.bodies] == ["first", "second"]
    assert added.last.status == 202 and added.last.method == "POST"
    assert requests.last.query == "page=1" and requests.last.body is None
    assert requests.filter(method="get", status=200).last.path == "/v1/ticket"
    assert str(requests[0]) == "POST /v1/ticket -> 202 ticket:add [no rule]"
    with pytest.raises(AssertionError, match="no Portal requests from this test \\(action ticket:close\\)"):
        requests.filter(action="ticket:close").last  # noqa: B018 -- reading it raises


def test_assert_called_counts_and_explains(portal_mock, http):
    http.post("/v1/ticket", json=TICKET)
    http.post("/v1/ticket/1/close")
    portal_mock.assert_called("ticket:add")
    portal_mock.assert_called("ticket:add", times=1, body={"subject": TICKET["subject"]})
    portal_mock.assert_not_called("ticket:comment")
    with pytest.raises(AssertionError) as missed:
        portal_mock.assert_called("ticket:add", times=1, body={"subject": "other"})
    message = str(missed.value)
    assert message.startswith("portal_mock: expected ticket:add body={'subject': 'other'} once; this test made it 0 times.")
    assert "Nearest misses:\n  POST /v1/ticket -> 202 ticket:add [no rule]: body subject is 'Site is down'" in message
    with pytest.raises(AssertionError) as too_many:
        portal_mock.assert_called("ticket:add", times=2)
    assert "this test made it once" in str(too_many.value)
    with pytest.raises(AssertionError) as called:
        portal_mock.assert_not_called("ticket:close")
    assert str(called.value) == "portal_mock: expected no ticket:close; this test made it once:\n  POST /v1/ticket/1/close -> 404 ticket:close [no rule]"


def test_assert_called_says_when_the_test_made_no_requests(portal_mock):
    with pytest.raises(AssertionError, match="This test made no Portal requests"):
        portal_mock.assert_called("ticket:add")


def test_assert_called_lists_the_extra_calls(portal_mock, http):
    for subject in ("one", "two"):
        http.post("/v1/ticket", json={**TICKET, "subject": subject})
    with pytest.raises(AssertionError) as extra:
        portal_mock.assert_called("ticket:add", times=1)
    assert str(extra.value).count("POST /v1/ticket -> 202") == 2 and "Those requests:" in str(extra.value)


def test_use_binds_this_key_to_a_scenario(portal_mock, http):
    portal_mock.use("task-rejected")
    assert portal_mock.scenario == "task-rejected"
    location = http.post("/v1/ticket", json=TICKET).headers["location"]
    portal_mock.advance(2)
    assert http.get(location).json()["status"] == "rejected"
    assert portal_mock.requests[0].rule is not None
    with pytest.raises(ControlAPIError) as unknown:
        portal_mock.use("no-such-scenario")
    assert unknown.value.status == 404


@pytest.mark.parametrize("by", ["uuid", "location", "task", "response"])
def test_resolve_takes_a_task_however_the_test_holds_it(portal_mock, http, by):
    portal_mock.use("never-resolves")
    accepted = http.post("/v1/ticket", json=TICKET)
    task = accepted.json()
    handle = {"uuid": task["uuid"], "location": accepted.headers["location"], "task": task, "response": accepted}[by]
    resolved = portal_mock.resolve(handle, outcome="failure", errors={"message": "Disk full."})
    assert resolved["status"] == "failure"
    assert http.get(accepted.headers["location"]).json()["errors"] == {"message": "Disk full."}


def test_resolve_refuses_what_is_not_a_task(portal_mock):
    with pytest.raises(TypeError, match="needs a task UUID"):
        portal_mock.resolve(42)


def test_transport_reaches_the_same_account_without_a_socket(portal_mock, http):
    with httpx.Client(base_url=portal_mock.url, headers=portal_mock.headers, transport=portal_mock.transport) as local:
        location = local.post("/v1/ticket", json=TICKET).headers["location"]
    assert http.get(location).status_code == 200
    assert portal_mock.requests.actions == ["ticket:add", "task:show"]


def test_async_transport_from_the_tests_own_loop(portal_mock):
    async def add() -> int:
        async with httpx.AsyncClient(base_url=portal_mock.url, headers=portal_mock.headers, transport=portal_mock.async_transport) as client:
            return (await client.post("/v1/ticket", json=TICKET)).status_code

    assert asyncio.run(add()) == 202
    portal_mock.assert_called("ticket:add", times=1)


def test_tickets_reads_every_ticket_without_a_portal_request(portal_mock, http):
    for number in range(3):
        http.post("/v1/ticket", json={**TICKET, "subject": f"ticket {number}"})
    portal_mock.advance(2)
    assert [t["subject"] for t in portal_mock.tickets] == ["ticket 0", "ticket 1", "ticket 2"]
    assert portal_mock.requests.actions == ["ticket:add"] * 3


def test_the_same_label_twice_gets_a_run_number(portal_mock_server):
    first = portal_mock_server.mint("tests/test_fixture.py::twice", "manual", None)
    again = portal_mock_server.mint("tests/test_fixture.py::twice", "manual", None)
    assert first.label == "tests/test_fixture.py::twice"
    assert again.label == "tests/test_fixture.py::twice (run 2)"


def test_an_external_server_reports_internal_errors_from_the_journal(portal_mock_server, monkeypatch):
    """The built-in server hears errors as they happen; an external one is
    read back from the journal.  Pointed at the built-in server's socket,
    the external path must find the same traceback."""
    external = ExternalServer(portal_mock_server.url + "/v1/")
    try:
        assert external.url == portal_mock_server.url
        key = external.mint("tests/test_fixture.py::external-errors", "manual", None).key
        external.watch(key)

        def broken(self):
            raise RuntimeError("boom")

        monkeypatch.setattr("portal_mock.domain.tickets.Tickets.all", broken)
        with httpx.Client(base_url=external.url, headers={"Authorization": f"Bearer {key}"}, transport=external.transport()) as client:
            assert client.get("/v1/ticket").status_code == 500
        (error,) = external.errors(key)
        assert "RuntimeError: boom" in error
        assert external.errors(key) == [], "an error is reported once"
    finally:
        external.unwatch(key)
        external.close()


def test_an_external_url_that_answers_nothing_is_a_clear_error():
    with pytest.raises(RuntimeError, match="no portal-mock control API answers at http://127.0.0.1:9"):
        ExternalServer("http://127.0.0.1:9")
