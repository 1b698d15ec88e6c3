"""What the tests share: request bodies, servers in the test process and as
``portal-mock serve`` processes, a client on one minted key, and waiting
for what a server does in the background.

Imported as ``from helpers import ...`` (pytest puts ``tests/`` on the path,
as it does for ``receiver``); fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import re
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from portal_mock import Control, Settings, create_app
from portal_mock.catalog import PERMISSIONS
from portal_mock.domain.accounts import Account
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer
from portal_mock.testing.control_client import MintedKey

T = TypeVar("T")

TICKET = {"department": "support", "subject": "Site is down"}
TLS = ssl.create_default_context()
"""One TLS context for every test client: httpx builds a new one per client
otherwise (~30 ms each, most of a fast test's time), though the server is
plain http."""

LEAN_ADDOPTS = "-p no:schemathesis -p no:hypothesispytest -p no:faker"
"""``PYTEST_ADDOPTS`` for the pytest runs a test starts: the test extra's
plugins that no such run uses stay off.  pytest rewrites the asserts of every
plugin's package it imports, and where that byte code is not cached
(``PYTHONDONTWRITEBYTECODE``, as here and on CI) they cost seconds per
process; a user's project would not have them installed."""


def serve_scenarios(directory, **settings: Any) -> LiveServer:
    """A live server (manual clock) that also loads the scenario files in ``directory``."""
    settings.setdefault("clock", ClockSpec("manual"))
    return LiveServer(create_app(Settings(scenario_dirs=[str(directory)], **settings)))


def control_of(server: LiveServer) -> Control:
    """A control API client for ``server``, on the shared TLS context."""
    return Control(server.url, transport=httpx.HTTPTransport(verify=TLS))


def on_server_loop(server: LiveServer, work: Callable[[], T]) -> T:
    """Run ``work`` on the server's event loop, between two requests, and
    return what it returns: for the few set-ups no control call makes (a
    second key on an account, tickets seeded from partials), so the test
    thread never changes an account while the server uses it."""

    async def run() -> T:
        return work()

    return asyncio.run_coroutine_threadsafe(run(), server.loop).result(timeout=10)


@dataclass
class Client:
    """An httpx client on the live server, authenticated as one key minted
    for this test (fresh account, manual clock); the clock and the scenario
    are moved through the control API, as any client of the mock would."""

    http: httpx.Client
    control: Control
    minted: MintedKey
    server: LiveServer

    @property
    def key(self) -> str:
        return self.minted.key

    def advance(self, seconds: float) -> None:
        """Move this account's clock; what falls due resolves (and its
        webhooks are delivered) before this returns."""
        self.control.advance(seconds, key=self.key)

    def use(self, scenario: str) -> None:
        """Bind this client's key to a scenario, as a minted key can be."""
        self.control.set_scenario(scenario, key=self.key)

    def add_ticket(self, **fields: Any) -> httpx.Response:
        return self.http.post("/v1/ticket", json={**TICKET, **fields})

    def finish(self, response: httpx.Response) -> dict:
        """Move past the default delay and read the task behind a 202."""
        self.advance(2)
        return self.http.get(response.headers["location"]).json()

    def deliveries(self) -> list[dict]:
        """This account's webhook delivery attempts, oldest first."""
        return self.control.deliveries(self.key)

    def in_account(self, work: Callable[[Account], T]) -> T:
        """``work(account)`` on the server's loop, for what the control API
        has no call for; see ``on_server_loop``."""
        return on_server_loop(self.server, lambda: work(self.server.app.state.mock.registry.lookup(self.key).account))

    def another_key(self, permissions: list[str] | None = None) -> str:
        """A second key on this client's account, with every permission or
        only ``permissions``."""
        registry = self.server.app.state.mock.registry
        granted = PERMISSIONS if permissions is None else permissions
        return self.in_account(lambda account: registry.add_key(account, permissions=granted).token)

    def seed_tickets(self, partials: list[dict]) -> list[dict]:
        """Tickets on this account made from partial descriptions (as a
        scenario's ``tickets:`` makes them), shown as ticket:show shows them."""
        return self.in_account(lambda account: [ticket.to_dict() for ticket in account.tickets.seed(partials, account.clock.now())])

    def client_id(self) -> int:
        """The account's client id, as tickets and webhooks name it."""
        return self.in_account(lambda account: account.client_id)


def start(*flags: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str, list[str]]:
    """Start ``python -m portal_mock serve`` and read its banner for the URL and keys."""
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_mock", "serve", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    text = read_banner(process)
    url = re.search(r"at (http://\S+)/v1", text)
    assert url, f"no URL in the banner: {text!r} {process.stderr.read() if process.poll() is not None else ''}"
    return process, url.group(1), re.findall(r"key:\s+(\S+)", text)


def read_banner(process: subprocess.Popen) -> str:
    """What a started ``portal-mock`` command prints before it serves (up
    to "Press Ctrl-C"), read within 20 s."""
    banner = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    return "".join(banner)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    """Signal a started server, wait for it and return its exit code."""
    process.send_signal(sig)
    code = process.wait(timeout=10)
    process.stdout.close()
    process.stderr.close()
    return code


def stop_and_read(process: subprocess.Popen) -> tuple[int, str]:
    """Stop a started server with SIGTERM: its exit code and all it wrote on stderr."""
    process.terminate()
    code = process.wait(timeout=10)
    stderr = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    return code, stderr


def wait_until_serving(url: str) -> None:
    """Wait until a started server answers on its socket."""
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(f"{url}/v1/ticket")
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline
            time.sleep(0.02)


def eventually(check: Callable[[], bool], what: str, seconds: float = 10.0) -> None:
    """Wait for something the server does in the background."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.01)
