"""The servers behind the ``portal_mock`` fixture: the one the plugin
starts in the test process (``BuiltinServer``) and a separately started
``portal-mock serve`` (``ExternalServer``).

The built-in server takes two short cuts that change nothing a test can
observe: keys are minted and control calls made without a socket, and
internal errors are heard as they happen instead of read back from the
journal.
"""

from __future__ import annotations

import abc
import asyncio
import concurrent.futures
import ssl
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from portal_mock.testing.control_client import Control, ControlAPIError, MintedKey

if TYPE_CHECKING:
    from portal_mock.engine.state import MockState

T = TypeVar("T")


class ServerUnavailable(RuntimeError):
    """There is no server for the session: none answers at the URL given,
    or the plugin's own could not start; the message says which."""


class AdminTokenRefused(ServerUnavailable):
    """The control API at ``url`` answered 401: it wants an admin token, or
    another one than was given."""

    def __init__(self, url: str) -> None:
        super().__init__(f"portal-mock: the control API at {url} refused the request for want of its admin token")
        self.url = url


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
    transport without a socket, and minting (once per test) skips HTTP too,
    calling the state's own operation.  Both run on the server's loop, as
    socket requests do, so the state is never touched from two threads at
    once."""

    def __init__(self, url: str, transport: httpx.BaseTransport, state: MockState, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(url, transport=transport)
        self._state = state
        self._loop = loop

    def mint_key(
        self,
        scenario: str | None = None,
        permissions: Iterable[str] | None = None,
        label: str | None = None,
        seed: int | str | None = None,
        clock: str | None = None,
        user: str | None = None,
    ) -> MintedKey:
        """``MockState.mint_key`` behind the checks of ``POST /keys``: the
        same answer and the same refusals."""
        from portal_mock.catalog import PERMISSIONS
        from portal_mock.domain.errors import Invalid, Problem
        from portal_mock.http.control import BY_NAME, checked, minted
        from portal_mock.http.wire import problem_status

        body = self._given(scenario=scenario, label=label, seed=seed, clock=clock, user=user)
        if permissions is not None:
            body["permissions"] = list(permissions)

        def mint() -> dict[str, Any]:
            checked(BY_NAME["mint_key"], body)
            granted = PERMISSIONS if permissions is None else permissions
            return minted(self._state.mint_key(label=label, seed=seed, clock=clock, scenario=scenario, permissions=granted, user=user))

        try:
            return MintedKey(**self._on_loop(mint))
        except Problem as problem:
            errors = problem.errors if isinstance(problem, Invalid) else None
            raise ControlAPIError(problem_status(problem), problem.message, errors) from None

    def _on_loop(self, work: Callable[[], T]) -> T:
        """``work()`` run on the server's loop; its result or its exception."""
        answer: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                answer.set_result(work())
            except BaseException as error:  # handed to the waiting thread
                answer.set_exception(error)

        self._loop.call_soon_threadsafe(run)
        return answer.result()


class _Reporting:
    """The app as the built-in server serves it.  The app reports what its
    handlers (Portal and control) raise before answering 500; an exception
    that escapes a Portal request's layer altogether (while it journals or
    applies a fault) would only reach uvicorn's log, so it is reported here,
    charged to the request's key.  A dropped connection that a scenario
    scripted is not an error."""

    def __init__(self, app: Any, heard: Callable[[str | None, str], None]) -> None:
        self.app = app
        self.heard = heard

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except ConnectionResetError:
            raise
        except Exception as error:
            record = scope.get("portal.record") if scope["type"] == "http" else None
            if record is not None:
                self.heard(record.key, "".join(traceback.format_exception(error)))
            raise


class BuiltinServer(PortalServer):
    """portal-mock in this process: uvicorn on a free loopback port, in a
    daemon thread; every account's clock manual unless its key says not."""

    def __init__(self, seed: int = 0, scenario_dirs: Sequence[str] = ()) -> None:
        super().__init__()
        from portal_mock.domain.clock import ClockSpec
        from portal_mock.engine.state import Settings
        from portal_mock.http.app import create_app
        from portal_mock.http.server import LiveServer
        from portal_mock.testing.transport import AsyncLoopTransport, LoopTransport

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
            if isinstance(error, ControlAPIError) and error.status == 401:
                raise AdminTokenRefused(f"{self.url}/__mock") from None
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
