"""Faults seen by a real client over a socket, and live reload of scenario
files while the server runs."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from helpers import TICKET, TLS, eventually, serve_scenarios

from portal_mock.testing.transport import AsyncLoopTransport

FAULTS = """
name: faults
keys:
  fault-key: {}
rules:
  - match: {body: {subject: reset}}
    fault: connection_reset
  - match: {body: {subject: empty}}
    fault: empty_response
  - match: {body: {subject: garbled}}
    fault: malformed_json
  - match: {body: {subject: slow}}
    fault: {type: slow_body, duration: 600ms}
  - match: {body: {subject: held}}
    latency: 60m
"""


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    directory = tmp_path_factory.mktemp("faults")
    (directory / "faults.yaml").write_text(FAULTS)
    with serve_scenarios(directory) as server:
        with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer fault-key"}, verify=TLS) as client:
            yield server, client


def add(client: httpx.Client, subject: str) -> httpx.Response:
    return client.post("/v1/ticket", json={**TICKET, "subject": subject})


def test_connection_reset_raises_in_the_client(faulty):
    server, client = faulty
    with pytest.raises(httpx.TransportError):
        add(client, "reset")
    assert add(client, "fine").status_code == 202


def test_empty_response_raises_in_the_client(faulty):
    server, client = faulty
    with pytest.raises(httpx.RemoteProtocolError):
        add(client, "empty")
    assert add(client, "fine").status_code == 202


def test_malformed_json_keeps_status_and_breaks_the_body(faulty):
    server, client = faulty
    response = add(client, "garbled")
    assert response.status_code == 202
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_slow_body_dribbles_the_whole_body_out(faulty):
    server, client = faulty
    started = time.perf_counter()
    with client.stream("POST", "/v1/ticket", json={**TICKET, "subject": "slow"}) as response:
        chunks = list(response.iter_raw())
    assert time.perf_counter() - started >= 0.6
    assert len(chunks) > 1
    assert json.loads(b"".join(chunks))["status"] == "pending"


def test_state_effects_happen_before_the_latency(faulty):
    """The task exists as soon as the rule matched, while its 202 waits.

    The rule holds the answer for an hour, so a task listed while the
    request is still open was made before the latency, whatever the
    machine's speed.  The request goes through the in-process transport,
    which cancels it on the server when the test stops waiting."""
    server, _ = faulty

    async def listed_while_held() -> bool:
        transport = AsyncLoopTransport(server.app, server.loop)
        async with httpx.AsyncClient(base_url=server.url, transport=transport, headers={"Authorization": "Bearer fault-key"}) as portal:
            held = asyncio.create_task(portal.post("/v1/ticket", json={**TICKET, "subject": "held"}, timeout=None))
            try:
                while not [t for t in (await portal.get("/__mock/tasks", params={"key": "fault-key"})).json() if t["input"]["subject"] == "held"]:
                    assert not held.done(), f"answered before its task was listed: {held.result()}"
                return not held.done()
            finally:
                held.cancel()

    assert asyncio.run(asyncio.wait_for(listed_while_held(), 10))


def test_a_good_edit_is_applied_while_serving(tmp_path):
    scenario = tmp_path / "live.yaml"
    scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 503}\n")
    with serve_scenarios(tmp_path) as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer live-key"}) as client:
        assert add(client, "x").status_code == 503
        scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 418}\n")
        eventually(lambda: add(client, "x").status_code == 418, "the server to pick up the edit")


def test_a_bad_edit_keeps_the_last_good_set_and_logs_where(tmp_path, caplog):
    scenario = tmp_path / "live.yaml"
    scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 503}\n")
    with serve_scenarios(tmp_path) as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer live-key"}) as client:
        scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 5003}\n")
        eventually(lambda: any(f"{scenario}:5:23" in r.getMessage() for r in caplog.records), "the bad edit to be logged")
        assert add(client, "x").status_code == 503
        scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules: []\n")
        eventually(lambda: add(client, "x").status_code == 202, "the server to pick up the fix")


def test_keys_removed_from_a_file_stop_working(tmp_path):
    scenario = tmp_path / "live.yaml"
    scenario.write_text("name: live\nkeys:\n  live-key: {}\n")
    with serve_scenarios(tmp_path) as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer live-key"}) as client:
        assert add(client, "x").status_code == 202
        scenario.write_text("name: live\n")
        eventually(lambda: add(client, "x").status_code == 401, "the server to drop the key")
