"""What the ``portal_mock`` pytest fixture hands a test, and the session
server behind it.

A test gets a fresh key in a fresh account (``PortalMock``): nothing to
reset, nothing another test can see.  Everything it does goes through the
control API, so the same test runs against the server the plugin starts in
the test process (``BuiltinServer``) and against a separately started
``portal-mock serve`` (``ExternalServer``).  The built-in server takes two
short cuts that change nothing a test can observe: keys are minted and
control calls made without a socket, and internal errors are heard as they
happen instead of read back from the journal.

Imported by the plugin on first use only: it pulls in httpx and the server.
"""

from __future__ import annotations

import abc
import asyncio
import concurrent.futures
import ssl
import traceback
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterator, Mapping, Sequence, overload

import httpx

from .control_client import Control, ControlAPIError, MintedKey
from .redaction import redact


def _journal_line(request: "PortalRequest") -> str:
    target = f"{request.path}?{request.query}" if request.query else request.path
    rule = f"{request.scenario}: {request.rule}" if request.rule else "no rule"
    return f"{request.method} {target} -> {request.status} {request.action or '(no action)'} [{rule}]"


@dataclass(frozen=True)
class PortalRequest:
    """One journal entry: a request this test made and how it was answered.
    ``body`` is the decoded JSON or form body (``None`` without one);
    ``rule`` is the scenario rule that decided the answer, if any;
    ``error`` the server-side traceback of an internal error."""

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

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> "PortalRequest":
        return cls(**{f.name: entry.get(f.name) for f in fields(cls)})

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

    def filter(self, action: str | None = None, method: str | None = None, status: int | None = None, path: str | None = None) -> "PortalRequests":
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
        given = ", ".join(f"{name} {value}" for name, value in (("action", action), ("method", method), ("status", status), ("path", path)) if value is not None)
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

    def __init__(self, control: Control, key: str, kind: str) -> None:
        self._control = control
        self._key = key
        self.kind = kind

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


class PortalMock:
    """The ``portal_mock`` fixture: one test's key and account on the
    session's portal-mock server, and what the test can ask of them."""

    def __init__(self, server: "PortalServer", minted: MintedKey) -> None:
        self.server = server
        self.control = server.control
        self.url = server.url
        self.key = minted.key
        self.account = minted.account
        self.label = minted.label
        self.user = minted.user
        self.scenario = minted.scenario
        self.clock = PortalClock(server.control, minted.key, minted.clock["kind"])

    @property
    def headers(self) -> dict[str, str]:
        """``Authorization: Bearer <key>``, a fresh dict each time."""
        return {"Authorization": f"Bearer {self.key}"}

    @property
    def transport(self) -> httpx.BaseTransport:
        """An httpx transport to the server without a socket (against an
        external server: an ordinary one to it), for
        ``httpx.Client(base_url=portal_mock.url, transport=portal_mock.transport)``."""
        return self.server.transport()

    @property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        """``transport`` for ``httpx.AsyncClient``, from any event loop."""
        return self.server.async_transport()

    def use(self, name: str) -> None:
        """Answer this test's key as scenario ``name`` says, from now on."""
        self.control.set_scenario(name, key=self.key)
        self.scenario = name

    def advance(self, seconds: float) -> float:
        """``clock.advance``: move this test's clock; due tasks resolve."""
        return self.clock.advance(seconds)

    def resolve(self, task: Any, outcome: str = "success", errors: dict[str, Any] | None = None) -> dict[str, Any]:
        """Finish a task now as ``outcome`` (``success``, ``failure``,
        ``rejected``), whatever its plan; the resolved task object."""
        return self.control.resolve(_task_uuid(task), outcome=outcome, errors=errors)

    @property
    def requests(self) -> PortalRequests:
        """This test's requests, read from the journal now."""
        entries = self.control.requests(key=self.key)["requests"]
        return PortalRequests([PortalRequest.from_entry(e) for e in entries])

    @property
    def tasks(self) -> list[dict[str, Any]]:
        """This test's tasks as task:show shows them (plus ``account``)."""
        return self.control.tasks(key=self.key)

    @property
    def tickets(self) -> list[dict[str, Any]]:
        """This test's tickets as ticket:show shows them (plus ``account``),
        read without a Portal request: not journaled, counted by no rule."""
        return self.control.tickets(key=self.key)

    def assert_called(self, action: str, times: int | None = None, **conditions: Any) -> None:
        """This test made ``action`` (at least once, or exactly ``times``),
        with ``conditions`` as a scenario ``match`` writes them (``method``,
        ``path``, ``headers``, ``query``, ``body``) plus ``status``.  On a
        mismatch the message names the nearest misses and why each missed."""
        __tracebackhide__ = True
        found = self.control.count(only_key=self.key, action=action, **conditions)
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
        count = self.control.count(only_key=self.key, action=action, **conditions)["count"]
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
    return action + "".join(f" {name}={value!r}" for name, value in conditions.items())


class ServerUnavailable(RuntimeError):
    """No portal-mock control API answers at the URL given."""


class PortalServer(abc.ABC):
    """The session's server as fixtures see it: its URL, a control client,
    transports, keys per test, and the internal errors each test caused."""

    url: str
    control: Control

    def __init__(self) -> None:
        self._run = 1

    def mint(self, label: str, clock: str, scenario: str | None) -> MintedKey:
        """A key whose account is labelled ``label`` (the test's node id), so
        its data is the same in any order and on any xdist worker.  A label
        already taken (a rerun, or an external server kept between runs)
        gets a run number, ``label (run 2)``, the same for every test of
        this session where it can be."""
        while True:
            named = label if self._run == 1 else f"{label} (run {self._run})"
            try:
                return self.control.mint_key(label=named, clock=clock, scenario=scenario)
            except ControlAPIError as error:
                if error.status != 409:
                    raise
                self._run += 1

    @abc.abstractmethod
    def transport(self) -> httpx.BaseTransport:
        """An httpx transport to this server."""

    @abc.abstractmethod
    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async httpx transport to this server."""

    @abc.abstractmethod
    def watch(self, key: str) -> None:
        """Start collecting the internal errors ``key``'s requests cause."""

    @abc.abstractmethod
    def errors(self, key: str) -> list[str]:
        """The tracebacks of internal errors caused since the last call."""

    @abc.abstractmethod
    def unwatch(self, key: str) -> None:
        """Stop collecting for ``key``."""

    def close(self) -> None:
        self.control.close()


class _InProcessControl(Control):
    """The control client of a server in this process: calls go through a
    transport without a socket, and minting (once per test) skips HTTP too.
    Both run on the server's loop, as socket requests do, so the state is
    never touched from two threads at once."""

    def __init__(self, url: str, transport: httpx.BaseTransport, state: Any, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(url, transport=transport)
        self._state = state
        self._loop = loop

    def _call(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        if method == "POST" and path == "/keys":
            return self._on_loop(json or {})
        return super()._call(method, path, json, params)

    def _on_loop(self, body: dict[str, Any]) -> dict[str, Any]:
        from .control import ControlError, mint

        answer: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()

        def run() -> None:
            try:
                answer.set_result(mint(self._state, body))
            except BaseException as error:  # handed to the waiting thread
                answer.set_exception(error)

        self._loop.call_soon_threadsafe(run)
        try:
            return answer.result()
        except ControlError as error:
            raise ControlAPIError(error.status, error.body["message"], error.body.get("errors")) from None


class _Reporting:
    """The app as the built-in server serves it.  The app reports what its
    handlers raise before answering 500; an exception that escapes the app
    altogether (from the layer that journals and applies faults) would only
    reach uvicorn's log, so it is reported here.  A dropped connection that
    a scenario scripted is not an error."""

    def __init__(self, app: Any, heard: Callable[[str | None, str], None]) -> None:
        self.app = app
        self.heard = heard

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except ConnectionResetError:
            raise
        except Exception as error:
            if scope["type"] == "http" and "portal.error" not in scope:
                self.heard(scope.get("portal.key"), "".join(traceback.format_exception(error)))
            raise


class BuiltinServer(PortalServer):
    """portal-mock in this process: uvicorn on a free loopback port, in a
    daemon thread; every account's clock manual unless its key says not."""

    def __init__(self, seed: int = 0, scenario_dirs: Sequence[str] = ()) -> None:
        super().__init__()
        from .app import create_app
        from .clock import ClockSpec
        from .live import LiveServer
        from .state import Settings
        from .transport import AsyncLoopTransport, LoopTransport

        app = create_app(Settings(seed=seed, clock=ClockSpec("manual"), scenario_dirs=list(scenario_dirs)))
        self._watched: dict[str, list[str]] = {}
        self._current: list[str] | None = None
        app.state.mock.error_listeners.append(self._heard)
        served = _Reporting(app, self._heard)
        self.live = LiveServer(served).start()
        self.url = self.live.url
        self._transport = LoopTransport(served, self.live.loop)
        self._async_transport = AsyncLoopTransport(served, self.live.loop)
        self.control = _InProcessControl(self.url, self._transport, app.state.mock, self.live.loop)

    def _heard(self, key: str | None, text: str) -> None:
        """Runs on the server thread before the 500 is sent.  A request
        without a watched key (none at all, a key from a scenario file, a
        control call) is charged to the test running now."""
        found = self._watched.get(key) if key is not None else None
        target = found if found is not None else self._current
        if target is not None:
            target.append(text)

    def transport(self) -> httpx.BaseTransport:
        return self._transport

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return self._async_transport

    def watch(self, key: str) -> None:
        self._current = self._watched[key] = []

    def errors(self, key: str) -> list[str]:
        found = self._watched.get(key)
        if not found:
            return []
        taken = list(found)
        del found[: len(taken)]
        return taken

    def unwatch(self, key: str) -> None:
        if self._watched.pop(key, None) is self._current:
            self._current = None

    def close(self) -> None:
        super().close()
        self.live.stop()


class ExternalServer(PortalServer):
    """A ``portal-mock serve`` started by someone else, reached over HTTP
    only.  ``token`` is its admin token, when it has one."""

    def __init__(self, url: str, token: str | None = None) -> None:
        super().__init__()
        url = url.rstrip("/")
        self.url = url[: -len("/v1")] if url.endswith("/v1") else url
        self._tls = ssl.create_default_context()
        self.control = Control(self.url, token=token, transport=httpx.HTTPTransport(verify=self._tls))
        self._seen: dict[str, set[int]] = {}
        try:
            self.control.health()
        except (httpx.HTTPError, ControlAPIError) as error:
            self.control.close()
            raise ServerUnavailable(f"portal-mock: no portal-mock control API answers at {self.url}/__mock ({error})") from None

    def transport(self) -> httpx.BaseTransport:
        return httpx.HTTPTransport(verify=self._tls)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return httpx.AsyncHTTPTransport(verify=self._tls)

    def watch(self, key: str) -> None:
        self._seen[key] = set()

    def errors(self, key: str) -> list[str]:
        """Read back from the journal: the entries with a traceback."""
        seen = self._seen.setdefault(key, set())
        found = []
        for entry in self.control.requests(key=key, status=500)["requests"]:
            if entry.get("error") and entry["id"] not in seen:
                seen.add(entry["id"])
                found.append(entry["error"])
        return found

    def unwatch(self, key: str) -> None:
        self._seen.pop(key, None)
