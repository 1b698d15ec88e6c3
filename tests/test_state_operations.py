"""The state's operations, the one way in for the control plane and the
in-process fixture: the same checks and answers however they are reached."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from portal_mock import Control, ControlAPIError
from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.errors import Conflict, Invalid, NotFound, UnknownName
from portal_mock.domain.tasks import TaskPlan
from portal_mock.engine.state import MockState, Settings
from portal_mock.testing.pytest_plugin import _clock
from portal_mock.testing.servers import BuiltinServer

TICKET = {"department": "support", "subject": "Down"}


@pytest.fixture(scope="module")
def builtin() -> Iterator[BuiltinServer]:
    server = BuiltinServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def state() -> MockState:
    return MockState(Settings(clock=ClockSpec("manual")))


def test_in_process_minting_answers_as_the_endpoint_does(builtin: BuiltinServer) -> None:
    """The fixture's minting skips HTTP; what it answers and refuses must not
    differ from ``POST /__mock/keys``."""
    with Control(builtin.url) as http:
        for client, label in ((builtin.control, "in-process"), (http, "over-http")):
            minted = client.mint_key(label=label, clock="manual", scenario="flaky", permissions=["ticket view"])
            assert (minted.label, minted.scenario, minted.clock["kind"], minted.permissions) == (label, "flaky", "manual", ["ticket view"])
        refusals = []
        for client in (builtin.control, http):
            seen = []
            for bad in ({"clock": "sundial"}, {"scenario": "nope"}, {"label": "in-process"}):
                with pytest.raises(ControlAPIError) as refused:
                    client.mint_key(**bad)
                seen.append((refused.value.status, refused.value.message, sorted(refused.value.errors)))
            refusals.append(seen)
    assert refusals[0] == refusals[1]
    assert [status for status, _, _ in refusals[0]] == [422, 404, 409]
    assert refusals[0][0][2] == ["clock"]


@pytest.mark.parametrize("clock", ["scaled:1e3", "scaled:0.5", "scaled:10"])
def test_every_clock_serve_accepts_can_be_minted(builtin: BuiltinServer, clock: str) -> None:
    with Control(builtin.url) as http:
        assert http.mint_key(clock=clock).clock["kind"] == "scaled"


@pytest.mark.parametrize(
    "args, kwargs, text",
    [
        ((), {}, "manual"),
        (("real",), {}, "real"),
        (("scaled:1e3",), {}, "scaled:1e3"),
        (("scaled", 100), {}, "scaled:100"),
        (("Scaled", 100), {}, "scaled:100"),
        (("Manual",), {}, "Manual"),
        (("scaled",), {"factor": 2.5}, "scaled:2.5"),
    ],
)
def test_the_clock_marker_speaks_the_serve_grammar(args: tuple[object, ...], kwargs: dict[str, object], text: str) -> None:
    marker = SimpleNamespace(args=args, kwargs=kwargs) if args or kwargs else None
    node = SimpleNamespace(get_closest_marker=lambda name: marker)
    assert _clock(node) == text  # type: ignore[arg-type]


def test_unknown_names_and_keys_are_typed_problems(state: MockState) -> None:
    with pytest.raises(UnknownName) as unknown:
        state.set_active("nope")
    assert unknown.value.message.startswith("Unknown scenario 'nope'; known: default,")
    with pytest.raises(NotFound):
        state.bind_scenario("no-such-key", "flaky")
    with pytest.raises(Invalid) as invalid:
        state.mint_key(permissions=["ticket view", "root"])
    assert list(invalid.value.errors) == ["permissions"]
    state.mint_key(label="taken")
    with pytest.raises(Conflict):
        state.mint_key(label="taken")


def test_a_key_bound_to_a_scenario_keeps_the_server_active_one(state: MockState) -> None:
    key = state.mint_key()
    assert state.bind_scenario(key.token, "flaky").scenario == "flaky"
    assert state.active == "default"
    state.set_active("slow")
    assert state.active == "slow"


def test_clock_operations_move_manual_clocks_only(state: MockState) -> None:
    manual, real = state.mint_key(), state.mint_key(clock="real")
    task = manual.account.queue("ticket:add", TICKET, manual.user, TaskPlan(delay=5))
    before = manual.account.clock.now()
    moved = asyncio.run(state.advance(5, manual.token))
    assert moved == [manual.account] and not task.pending
    with pytest.raises(Conflict):
        asyncio.run(state.advance(1, real.token))
    with pytest.raises(Conflict):
        asyncio.run(state.set_clock(before, manual.token))
    assert real.account not in asyncio.run(state.advance(1))


def test_resolve_task_settles_once_and_refuses_a_second_time(state: MockState) -> None:
    key = state.mint_key()
    first = key.account.queue("ticket:add", TICKET, key.user, TaskPlan(delay=1))
    second = key.account.queue("ticket:add", TICKET, key.user, TaskPlan(delay=None))
    key.account.clock.advance(1)
    account, task = asyncio.run(state.resolve_task(second.uuid, "failure"))
    assert (account, task.status) == (key.account, "failure")
    assert not first.pending and first.resolved_at is not None and first.resolved_at <= task.resolved_at
    with pytest.raises(Conflict):
        asyncio.run(state.resolve_task(second.uuid))
    with pytest.raises(NotFound):
        asyncio.run(state.resolve_task("no-such-task"))


def test_listings_and_resets_go_by_key(state: MockState) -> None:
    mine, other = state.mint_key(), state.mint_key()
    mine.account.queue("ticket:add", TICKET, mine.user, TaskPlan(delay=0))
    assert [(a, t.status) for a, t in state.tasks(mine.token)] == [(mine.account, "success")]
    assert [a for a, _ in state.tickets(mine.token)] == [mine.account]
    assert state.tasks(other.token) == [] and state.tasks(mine.token, status="pending") == []
    assert state.deliveries_of(mine.token) == []
    fresh = state.reset_account(mine.token)
    assert fresh is state.key_of(mine.token).account and state.tasks(mine.token) == []


def test_the_main_keys_survive_a_reset(state: MockState) -> None:
    """``serve``'s keys (the banner's) are the main account's, before and
    after ``POST /__mock/reset`` recreates every account."""
    before = list(state.keys)
    state.reset()
    assert before and state.keys == before
    assert state.main_account is state.registry.lookup(before[0]).account
