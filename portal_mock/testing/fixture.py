"""What the ``portal_mock`` pytest fixture hands a test.

A test gets a fresh key in a fresh account (``PortalMock``): nothing to
reset, nothing another test can see.  What it can do there touches its own
account only; what changes the whole server (the active scenario, every
clock, a reset of every account) it reaches through ``server_wide()``
alone, which puts the server back as the test found it (``ServerWide``).
Everything goes through the control API, so the same test runs against the
server the plugin starts in the test process and against a separately
started ``portal-mock serve`` (``servers``).

Imported by the plugin on first use only: it pulls in httpx.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from types import TracebackType
from typing import TYPE_CHECKING, Any, overload

import httpx

from portal_mock.domain.redaction import MASK, redact, secret_header, secret_name
from portal_mock.testing.control_client import Control, MintedKey

if TYPE_CHECKING:
    from portal_mock.testing.servers import PortalServer


def _journal_line(request: PortalRequest) -> str:
    target = f"{request.path}?{request.query}" if request.query else request.path
    rule = f"{request.scenario}: {request.rule}" if request.rule else "no rule"
    return f"{request.method} {target} -> {request.status} {request.action or '(no action)'} [{rule}]"


@dataclass(frozen=True)
class PortalRequest:
    """One journal entry: a request this test made and how it was answered.
    ``body`` is the decoded JSON or form body (``None`` without one), or,
    when ``body_truncated``, the text of its first 16 KiB (``body_bytes``
    is always the length sent); ``rule`` is the scenario rule that decided
    the answer, if any; ``error`` the server-side traceback of an internal
    error."""

    id: int
    time: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    action: str | None
    scenario: str | None
    rule: str | None
    status: int
    duration_ms: float
    error: str | None = None
    body_bytes: int = 0
    body_truncated: bool = False

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> PortalRequest:
        values: dict[str, Any] = {f.name: entry.get(f.name) for f in fields(cls)}
        return cls(**values)

    def __str__(self) -> str:
        return _journal_line(self)


class PortalRequests(Sequence[PortalRequest]):
    """A test's requests, oldest first: a sequence, with ``filter``,
    ``last`` and ``bodies`` for the usual questions."""

    def __init__(self, requests: list[PortalRequest], what: str = "this test") -> None:
        self._requests = requests
        self._what = what

    @overload
    def __getitem__(self, index: int) -> PortalRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[PortalRequest]: ...

    def __getitem__(self, index: int | slice) -> PortalRequest | list[PortalRequest]:
        return self._requests[index]

    def __len__(self) -> int:
        return len(self._requests)

    def __iter__(self) -> Iterator[PortalRequest]:
        return iter(self._requests)

    def filter(self, action: str | None = None, method: str | None = None, status: int | None = None, path: str | None = None) -> PortalRequests:
        """The requests with this action, method and status whose path
        starts with ``path`` (each only when given)."""
        kept = [
            r
            for r in self._requests
            if (action is None or r.action == action)
            and (method is None or r.method == method.upper())
            and (status is None or r.status == status)
            and (path is None or r.path.startswith(path))
        ]
        named = (("action", action), ("method", method), ("status", status), ("path", path))
        given = ", ".join(f"{name} {value}" for name, value in named if value is not None)
        return PortalRequests(kept, f"{self._what} ({given})" if given else self._what)

    @property
    def last(self) -> PortalRequest:
        """The newest request; an ``AssertionError`` when there is none, as
        a test asking for it expects one."""
        if not self._requests:
            raise AssertionError(f"portal_mock: no Portal requests from {self._what}")
        return self._requests[-1]

    @property
    def bodies(self) -> list[Any]:
        return [r.body for r in self._requests]

    @property
    def actions(self) -> list[str | None]:
        return [r.action for r in self._requests]

    def __repr__(self) -> str:
        return f"<PortalRequests: {len(self)} from {self._what}>"

    def __str__(self) -> str:
        return "\n".join(map(str, self._requests)) if self._requests else f"no Portal requests from {self._what}"


class PortalClock:
    """The test's own clock (its account's).  Manual unless the test's
    ``portal_clock`` marker says otherwise; only a manual clock moves."""

    def __init__(self, control: Control, key: str, kind: str, factor: float | None = None) -> None:
        self._control = control
        self._key = key
        self.kind = kind
        self.factor = factor
        """How many times faster than wall time a scaled clock runs; ``None`` for the others."""

    @property
    def now(self) -> float:
        """Unix seconds on this clock."""
        return float(self._control.clock(key=self._key)["now"])

    def advance(self, seconds: float) -> float:
        """Move forward; what falls due resolves (and its webhooks are
        delivered) before this returns.  The new time."""
        return float(self._control.advance(seconds, key=self._key)["clocks"][0]["now"])

    def set(self, time: float) -> float:
        """Jump to a unix time, never backwards.  The new time."""
        return float(self._control.set_clock(time, key=self._key)["clocks"][0]["now"])

    def __repr__(self) -> str:
        return f"<PortalClock {self.kind}>"


def _task_uuid(task: Any) -> str:
    """A task's UUID from its UUID, its ``/v1/task/…`` path, a task object,
    or the 202 response that queued it."""
    if isinstance(task, str):
        return task.rstrip("/").rsplit("/", 1)[-1]
    if isinstance(task, Mapping) and "uuid" in task:
        return str(task["uuid"])
    headers = getattr(task, "headers", None)
    if headers is not None and "location" in headers:
        return _task_uuid(headers["location"])
    raise TypeError(f"portal_mock.resolve needs a task UUID, its Location, a task object or the 202 response; got {task!r}")


class ServerWide:
    """What ``portal_mock.server_wide()`` hands a test: the session's
    ``Control`` client, for the operations that change the whole server
    (``set_scenario`` without a key, ``advance`` and ``set_clock`` of every
    manual clock, ``reset`` of every account, ``clear_requests``), and any
    other of its methods, called on it as on the client (or on ``control``).

    The server's active scenario is noted when it is made and set back when
    its ``with`` block ends or, at the latest, when the test's fixture is
    torn down, so the next test on the same server (the same xdist worker)
    finds the scenario this one found.  What cannot be set back (a reset,
    an emptied journal, other accounts' clocks moved) reaches no later test
    either: each test's key and account are new, on a clock of its own."""

    def __init__(self, control: Control) -> None:
        self.control = control
        self._scenario = str(control.health()["scenario"])
        self._restored = False

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "control":  # not set yet (a copy, a pickle): not the client's
            raise AttributeError(name)
        return getattr(self.control, name)

    def restore(self) -> None:
        """Set the active scenario back to what it was; once, however often called."""
        if self._restored:
            return
        self._restored = True
        if self.control.health()["scenario"] != self._scenario:
            self.control.set_scenario(self._scenario)

    def __enter__(self) -> ServerWide:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None) -> None:
        self.restore()

    def __repr__(self) -> str:
        return f"<ServerWide control of {self.control.url}, restoring scenario {self._scenario!r}>"


class PortalMock:
    """The ``portal_mock`` fixture: one test's key and account on the
    session's portal-mock server, and what the test can ask of them.  Every
    method touches this test's account only; ``server_wide()`` is the one
    way to what changes the server for every test."""

    def __init__(self, server: PortalServer, minted: MintedKey) -> None:
        self._server = server
        self._control = server.control
        self._server_wide: list[ServerWide] = []
        self.url = server.url
        self.key = minted.key
        self.account = minted.account
        self.label = minted.label
        self.user = minted.user
        self.scenario = minted.scenario
        self.clock = PortalClock(server.control, minted.key, minted.clock["kind"], minted.clock.get("factor"))

    @property
    def control(self) -> Control:
        """Gone from the per-test object: the session's control client changes
        the server for every test.  The error says where each operation is."""
        raise AttributeError(
            "portal_mock.control is not available: its set_scenario, reset and clock calls change the server for every test."
            " For this test's own key use portal_mock.use(name), .reset(), .clock, .advance(seconds), .resolve(task),"
            " .requests, .tasks, .tickets, .resources(kind), .deliveries;"
            " for the whole server use portal_mock.server_wide(), which restores the active scenario after the test."
        )

    def server_wide(self) -> ServerWide:
        """The session's control client for operations on the whole server,
        as ``ServerWide`` says: the active scenario is set back when its
        ``with`` block ends, or when this test's fixture is torn down."""
        wide = ServerWide(self._control)
        self._server_wide.append(wide)
        return wide

    def restore_server_wide(self) -> None:
        """Undo what ``server_wide()`` changed, newest first, so the server is
        as this test found it; the fixture calls it at teardown."""
        while self._server_wide:
            self._server_wide.pop().restore()

    @property
    def headers(self) -> dict[str, str]:
        """``Authorization: Bearer <key>``, a fresh dict each time."""
        return {"Authorization": f"Bearer {self.key}"}

    @property
    def transport(self) -> httpx.BaseTransport:
        """An httpx transport to the server without a socket (against an
        external server: an ordinary one to it), for
        ``httpx.Client(base_url=portal_mock.url, transport=portal_mock.transport)``."""
        return self._server.transport()

    @property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        """``transport`` for ``httpx.AsyncClient``, from any event loop."""
        return self._server.async_transport()

    def use(self, name: str) -> None:
        """Answer this test's key as scenario ``name`` says, from now on."""
        self._control.set_scenario(name, key=self.key)
        self.scenario = name

    def reset(self) -> None:
        """Start this test's account over (its key keeps working): as
        minted, with no tasks, no rule counters and its clock as new."""
        self._control.reset(key=self.key)

    def advance(self, seconds: float) -> float:
        """``clock.advance``: move this test's clock; due tasks resolve."""
        return self.clock.advance(seconds)

    def resolve(self, task: Any, outcome: str = "success", errors: dict[str, Any] | None = None) -> dict[str, Any]:
        """Finish a task now as ``outcome`` (``success``, ``failure``,
        ``rejected``), whatever its plan; the resolved task object."""
        return self._control.resolve(_task_uuid(task), outcome=outcome, errors=errors)

    @property
    def requests(self) -> PortalRequests:
        """This test's requests, read from the journal now."""
        entries = self._control.requests(key=self.key)["requests"]
        return PortalRequests([PortalRequest.from_entry(e) for e in entries])

    @property
    def tasks(self) -> list[dict[str, Any]]:
        """This test's tasks as task:show shows them (plus ``account``)."""
        return self._control.tasks(key=self.key)

    @property
    def tickets(self) -> list[dict[str, Any]]:
        """This test's tickets as ticket:show shows them (plus ``account``),
        read without a Portal request: not journaled, counted by no rule."""
        return self._control.tickets(key=self.key)

    def resources(self, kind: str) -> list[dict[str, Any]]:
        """This test's resources of ``kind`` (``"cloud-server"``, ``"dns-zone"``…)
        as the kind's show action shows them (plus ``account``), read without a
        Portal request; ``resources("ticket")`` is ``tickets``."""
        return self._control.resources(kind, key=self.key)

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery attempt of this test's account, oldest first."""
        return self._control.deliveries(self.key)

    def assert_called(self, action: str, times: int | None = None, **conditions: Any) -> None:
        """This test made ``action`` (at least once, or exactly ``times``),
        with ``conditions`` as a scenario ``match`` writes them (``method``,
        ``path``, ``headers``, ``query``, ``body``) plus ``status``.  On a
        mismatch the message names the nearest misses and why each missed."""
        __tracebackhide__ = True
        found = self._control.count(only_key=self.key, action=action, **conditions)
        count = found["count"]
        if (count >= 1) if times is None else (count == times):
            return
        wanted = "at least once" if times is None else _times(times)
        lines = [f"portal_mock: expected {_described(action, conditions)} {wanted}; this test made it {_times(count)}."]
        if times is not None and count > times:
            lines.append("Those requests:")
            lines.extend(f"  {r}" for r in self.requests.filter(action=action))
        elif found["near_misses"]:
            lines.append("Nearest misses:")
            lines.extend(f"  {_journal_line(PortalRequest.from_entry(m['request']))}: {m['reason']}" for m in found["near_misses"])
        else:
            lines.append("This test made no Portal requests.")
        raise AssertionError("\n".join(lines))

    def assert_not_called(self, action: str, **conditions: Any) -> None:
        """This test never made ``action`` (with ``conditions``, as in
        ``assert_called``); on a mismatch the message lists those requests."""
        __tracebackhide__ = True
        count = self._control.count(only_key=self.key, action=action, **conditions)["count"]
        if count:
            lines = [f"portal_mock: expected no {_described(action, conditions)}; this test made it {_times(count)}:"]
            lines.extend(f"  {r}" for r in self.requests.filter(action=action))
            raise AssertionError("\n".join(lines))

    def journal(self) -> str:
        """This test's requests, one line each, for a failure report, which
        must not fail itself: whatever goes wrong is said instead."""
        try:
            requests = self.requests
        except Exception as error:
            return f"(the journal could not be read: {error!r})"
        return str(requests)

    def __repr__(self) -> str:
        return f"<PortalMock account {self.account}, key {redact(self.key)}, at {self.url}>"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _described(action: str, conditions: Mapping[str, Any]) -> str:
    """The call asked for, with what it wants of a secret field masked, as
    the near misses below it show the values found."""
    return action + "".join(f" {name}={_wanted(name, value)!r}" for name, value in conditions.items())


def _wanted(condition: str, value: Any) -> Any:
    if condition not in ("body", "query", "headers") or not isinstance(value, Mapping):
        return value
    secret = secret_header if condition == "headers" else secret_name
    return {name: MASK if secret(name) else wanted for name, wanted in value.items()}
