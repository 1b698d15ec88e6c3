"""Faults seen by a real client over a socket, and live reload of scenario
files while the server runs."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from conftest import TICKET, serve_scenarios

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
  - match: {body: {subject: late}}
    latency: 300ms
"""


@pytest.fixture
def faulty(tmp_path):
    (tmp_path / "faults.yaml").write_text(FAULTS)
    with serve_scenarios(tmp_path) as server:
        with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer fault-key"}) as client:
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
    """The task exists as soon as the rule matched, while its 202 waits."""
    server, client = faulty
    account = server.app.state.mock.registry.lookup("fault-key").account
    with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer fault-key"}, timeout=5) as other:
        seen = []
        thread = threading.Thread(target=lambda: seen.append(add(other, "late")))
        thread.start()
        deadline = time.monotonic() + 0.25
        while not account.tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        queued_before_answer = bool(account.tasks) and not seen
        thread.join()
    assert queued_before_answer
    assert seen[0].status_code == 202


def wait_for(predicate, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the server did not pick up the edit"
        time.sleep(0.05)


def test_a_good_edit_is_applied_while_serving(tmp_path):
    scenario = tmp_path / "live.yaml"
    scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 503}\n")
    with serve_scenarios(tmp_path) as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer live-key"}) as client:
        assert add(client, "x").status_code == 503
        scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 418}\n")
        wait_for(lambda: add(client, "x").status_code == 418)


def test_a_bad_edit_keeps_the_last_good_set_and_logs_where(tmp_path, caplog):
    scenario = tmp_path / "live.yaml"
    scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 503}\n")
    with serve_scenarios(tmp_path) as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer live-key"}) as client:
        scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules:\n  - respond: {status: 5003}\n")
        wait_for(lambda: any(f"{scenario}:5:23" in r.getMessage() for r in caplog.records))
        assert add(client, "x").status_code == 503
        scenario.write_text("name: live\nkeys:\n  live-key: {}\nrules: []\n")
        wait_for(lambda: add(client, "x").status_code == 202)


def test_keys_removed_from_a_file_stop_working(tmp_path):
    scenario = tmp_path / "live.yaml"
    scenario.write_text("name: live\nkeys:\n  live-key: {}\n")
    with serve_scenarios(tmp_path) as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer live-key"}) as client:
        assert add(client, "x").status_code == 202
        scenario.write_text("name: live\n")
        wait_for(lambda: add(client, "x").status_code == 401)
