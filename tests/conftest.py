"""Shared fixtures: a real server on a loopback socket, and a fresh account
with its own manual clock for every test."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Iterator

import httpx
import pytest

from portal_mock import Settings, create_app
from portal_mock.domain.accounts import Account, Registry
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer

TICKET = {"department": "support", "subject": "Site is down"}
TLS = ssl.create_default_context()
"""One TLS context for every test client: httpx builds a new one per client
otherwise (~30 ms each, most of a fast test's time), though the server is
plain http."""


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), task_delay=2.0))) as live:
        yield live


@dataclass
class Client:
    """An httpx client on the live server, authenticated as one account."""

    http: httpx.Client
    account: Account
    key: str
    registry: Registry

    def advance(self, seconds: float) -> None:
        self.account.clock.advance(seconds)

    def use(self, scenario: str) -> None:
        """Bind this client's key to a scenario, as a minted key can be."""
        for key in self.account_keys():
            key.scenario = scenario

    def account_keys(self):
        return [key for key in self.registry.keys.values() if key.account is self.account]

    def add_ticket(self, **fields) -> httpx.Response:
        return self.http.post("/v1/ticket", json={**TICKET, **fields})

    def finish(self, response: httpx.Response) -> dict:
        """Move past the default delay and read the task behind a 202."""
        self.advance(2)
        return self.http.get(response.headers["location"]).json()


@pytest.fixture
def client(server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Client]:
    registry = server.app.state.mock.registry
    account = registry.create_account(label=request.node.nodeid)
    key = registry.add_key(account).token
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, verify=TLS) as http:
        yield Client(http, account, key, registry)


def serve_scenarios(directory, **settings) -> LiveServer:
    """A live server (manual clock) that also loads the scenario files in ``directory``."""
    settings.setdefault("clock", ClockSpec("manual"))
    return LiveServer(create_app(Settings(scenario_dirs=[str(directory)], **settings)))


@pytest.fixture
def anonymous(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, verify=TLS) as http:
        yield http
