"""Shared fixtures: a real server on a loopback socket, and a fresh key in a
fresh account with its own manual clock for every test, minted through the
control API (helpers live in ``helpers.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS, Client, control_of

from portal_mock import Control, Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), task_delay=2.0))) as live:
        yield live


@pytest.fixture(scope="module")
def control(server: LiveServer) -> Iterator[Control]:
    """The control API of ``server`` (a module may serve its own)."""
    with control_of(server) as control:
        yield control


@pytest.fixture
def client(server: LiveServer, control: Control, request: pytest.FixtureRequest) -> Iterator[Client]:
    minted = control.mint_key(label=request.node.nodeid, clock="manual")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield Client(http, control, minted, server)


@pytest.fixture
def anonymous(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, verify=TLS) as http:
        yield http
