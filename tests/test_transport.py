"""The in-process httpx transports: the live server's app and state, no socket."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from helpers import TICKET, TLS, serve_scenarios

from portal_mock import create_app
from portal_mock.testing.transport import AsyncLoopTransport, LoopTransport

SCENARIO = """
name: transport
keys:
  transport-key: {}
rules:
  - match: {body: {subject: reset}}
    fault: connection_reset
  - match: {body: {subject: empty}}
    fault: empty_response
  - match: {body: {subject: garbled}}
    fault: malformed_json
  - match: {body: {subject: late}}
    latency: 2s
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    directory = tmp_path_factory.mktemp("scenarios")
    (directory / "transport.yaml").write_text(SCENARIO)
    with serve_scenarios(directory) as server:
        yield server


def in_process(live, key: str = "transport-key") -> httpx.Client:
    return httpx.Client(base_url=live.url, transport=LoopTransport(live.app, live.loop), headers={"Authorization": f"Bearer {key}"})


def test_a_sync_client_shares_the_app_and_state_with_the_socket(live):
    with in_process(live) as client:
        accepted = client.post("/v1/ticket?via=transport", json={**TICKET, "subject": "no socket"})
        assert accepted.status_code == 202 and accepted.headers["nocworx-api-version"] == "0.5.0"
        location = accepted.headers["location"]
    with httpx.Client(base_url=live.url, verify=TLS, headers={"Authorization": "Bearer transport-key"}) as socket:
        assert socket.get(location).json()["input"]["subject"] == "no socket"
    entry = [e for e in live.app.state.mock.journal if e.query == "via=transport"][0]
    assert entry.action == "ticket:add" and entry.body["subject"] == "no socket"


def test_an_async_client_on_its_own_loop(live):
    async def main() -> tuple[int, int]:
        transport = AsyncLoopTransport(live.app, live.loop)
        async with httpx.AsyncClient(base_url=live.url, transport=transport, headers={"Authorization": "Bearer transport-key"}) as client:
            accepted = await client.post("/v1/ticket", json=TICKET)
            shown = await client.get(accepted.headers["location"])
            return accepted.status_code, shown.status_code

    assert asyncio.run(main()) == (202, 200)


@pytest.mark.parametrize("subject", ["reset", "empty"])
def test_a_dropped_connection_is_a_transport_error(live, subject):
    with in_process(live) as client, pytest.raises(httpx.TransportError):
        client.post("/v1/ticket", json={**TICKET, "subject": subject})


def test_a_malformed_body_arrives_malformed(live):
    with in_process(live) as client:
        response = client.post("/v1/ticket", json={**TICKET, "subject": "garbled"})
    assert response.status_code == 202
    with pytest.raises(ValueError):
        response.json()


def test_the_clients_read_timeout_applies(live):
    with in_process(live) as client, pytest.raises(httpx.ReadTimeout):
        client.post("/v1/ticket", json={**TICKET, "subject": "late"}, timeout=0.05)


def test_an_internal_error_is_the_500_a_socket_gets(live, monkeypatch):
    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal_mock.domain.tickets.Tickets.all", broken)
    with in_process(live) as client:
        response = client.get("/v1/ticket")
    assert response.status_code == 500 and response.json()["message"]


def test_a_sync_client_on_the_apps_own_loop_is_refused_not_hung():
    async def main() -> None:
        transport = LoopTransport(create_app(), asyncio.get_running_loop())
        with httpx.Client(base_url="http://portal.test", transport=transport) as client, pytest.raises(RuntimeError, match="AsyncLoopTransport"):
            client.get("/v1/ticket")

    asyncio.run(main())
