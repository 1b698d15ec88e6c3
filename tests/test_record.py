"""``portal-mock record`` end to end: a client session through the recording
proxy to a second ``portal-mock serve`` as the upstream, the file it
writes, and a replay of that file answering the same client the same way."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from helpers import TLS, read_banner, start, stop

UPSTREAM_KEY = "real-portal-key-9f8e7d6c5b4a"
WEBHOOK_PASSWORD = "webhook-pass-0a1b2c3d"
WEBHOOK_TOKEN = "webhook-bearer-zz99yy88"
REPLAY_KEY = "replay-ci-key"

UPSTREAM_SCENARIO = """\
name: odd-portal
description: The answers production gave.
rules:
  - match: {action: ticket:add, body: {subject: boom}}
    respond: {status: 422, body: {message: "The given data was invalid.", errors: {subject: ["boom is not a subject"]}}}
  - match: {action: ticket:add}
    times: 1
    respond: {status: 503, headers: {Retry-After: "1"}}
  - match: {action: ticket:add}
    task: {outcome: failure, errors: {message: "The task could not be completed."}}
  - match: {action: ticket:show}
    latency: 3s
"""


def start_recorder(*flags: str) -> tuple[subprocess.Popen, str]:
    """Start ``portal-mock record`` and read its banner for the proxy's URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_mock", "record", "--port", "0", *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    banner = read_banner(process)
    found = re.search(r"at (http://\S+)/v1", banner)
    assert found, f"no URL in the banner: {banner!r}"
    return process, found.group(1)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    """Wait for a recorder that stops by itself; its code and output."""
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def session(url: str, key: str) -> list[Any]:
    """The client under test: what it saw, with the ids a replay generates anew left out."""
    seen: list[Any] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, verify=TLS, timeout=10) as http:

        def task_outcome(accepted: httpx.Response) -> Any:
            for _ in range(100):
                task = http.get(accepted.headers["location"]).json()
                if task["status"] != "pending":
                    return [task["action"], task["status"], task["errors"], task["input"]]
                time.sleep(0.1)
            return "still pending"

        refused = http.post("/v1/ticket", json={"department": "support", "subject": "boom"})
        seen.append([refused.status_code, refused.json()])
        busy = http.post("/v1/ticket", json={"department": "support", "subject": "Site is down"})
        seen.append([busy.status_code, busy.headers.get("retry-after"), busy.json()])
        accepted = http.post("/v1/ticket", json={"department": "support", "subject": "Site is down"})
        seen.append([accepted.status_code, accepted.json()["status"], task_outcome(accepted)])
        hook = {"name": "ops", "url": "http://127.0.0.1:9/hook", "resource": "-", "auth": {"type": "basic", "username": "ops", "password": WEBHOOK_PASSWORD}}
        added = http.post("/v1/task/webhook", json=hook)
        seen.append([added.status_code, task_outcome(added)])
        bearer = {"name": "bot", "url": "http://127.0.0.1:9/bot", "resource": "-", "auth": {"type": "bearer", "token": WEBHOOK_TOKEN}}
        added = http.post("/v1/task/webhook", json=bearer)
        seen.append([added.status_code, task_outcome(added)])
        listed = http.get("/v1/ticket")
        seen.append([listed.status_code, listed.headers.get("content-range"), listed.json()])
        slow = http.get("/v1/ticket/5")
        seen.append([slow.status_code, slow.json()])
    return seen


def test_a_recorded_session_replays_with_the_same_results(tmp_path: Path):
    upstream_dir = tmp_path / "upstream"
    upstream_dir.mkdir()
    (upstream_dir / "odd-portal.yaml").write_text(UPSTREAM_SCENARIO)
    recorded_dir = tmp_path / "recorded"
    recorded_dir.mkdir()
    out = recorded_dir / "production-session.yaml"
    upstream, upstream_url, _ = start("--scenarios", str(upstream_dir), "--scenario", "odd-portal", "--task-delay", "0.3", "--key", UPSTREAM_KEY)
    try:
        recorder, proxy_url = start_recorder("--upstream", upstream_url, "--out", str(out), "--key-map", f"{UPSTREAM_KEY}={REPLAY_KEY}", "--timeout", "1")
        recorded = session(proxy_url, UPSTREAM_KEY)
        assert stop(recorder) == 0
    finally:
        stop(upstream)
    assert [step[0] for step in recorded] == [422, 503, 202, 202, 202, 200, 504]
    assert recorded[2][2][1] == "failure" and recorded[3][1][1] == "success"
    text = out.read_text()
    assert text.startswith(f"# Recorded by portal-mock record from {upstream_url} at ")
    for secret in (UPSTREAM_KEY, WEBHOOK_PASSWORD, WEBHOOK_TOKEN):
        assert secret not in text
    document = yaml.safe_load(text)
    assert document["name"] == "production-session" and document["keys"] == {REPLAY_KEY: {"account": "production-session"}}
    checked = subprocess.run([sys.executable, "-m", "portal_mock", "validate", str(out)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr

    replay, replay_url, _ = start("--scenarios", str(recorded_dir))
    try:
        replayed = session(replay_url, REPLAY_KEY)
    finally:
        stop(replay)
    assert replayed == recorded


def test_the_file_reads_as_rules_a_person_can_edit(tmp_path: Path):
    """A 503-then-202 sequence is two rules in order, the 422 a rule on the
    body field that made it differ, and the queued action a task script."""
    upstream_dir = tmp_path / "upstream"
    upstream_dir.mkdir()
    (upstream_dir / "odd-portal.yaml").write_text(UPSTREAM_SCENARIO)
    out = tmp_path / "session.yaml"
    upstream, upstream_url, _ = start("--scenarios", str(upstream_dir), "--scenario", "odd-portal", "--task-delay", "0.3", "--key", UPSTREAM_KEY)
    try:
        recorder, proxy_url = start_recorder("--upstream", upstream_url, "--out", str(out), "--max-requests", "4")
        with httpx.Client(base_url=proxy_url, headers={"Authorization": f"Bearer {UPSTREAM_KEY}"}, verify=TLS) as http:
            http.post("/v1/ticket", json={"department": "support", "subject": "boom"})
            http.post("/v1/ticket", json={"department": "support", "subject": "Down"})
            accepted = http.post("/v1/ticket", json={"department": "support", "subject": "Down"})
            time.sleep(0.5)
            http.get(accepted.headers["location"])
        code, printed, errors = finish(recorder)
    finally:
        stop(upstream)
    assert code == 0, errors
    assert "4 requests as scenario session" in printed
    rules = yaml.safe_load(out.read_text())["rules"]
    assert [(rule["match"].get("body"), rule.get("times"), next(k for k in rule if k in ("respond", "task"))) for rule in rules] == [
        ({"subject": "boom"}, None, "respond"),
        ({"subject": "Down"}, 1, "respond"),
        ({"subject": "Down"}, None, "task"),
    ]
    assert rules[0]["respond"]["status"] == 422 and rules[1]["respond"] == {
        "status": 503,
        "headers": {"Retry-After": "1"},
        "body": {"message": "Service temporarily unavailable."},
    }
    task = rules[2]["task"]
    assert task["outcome"] == "failure" and task["errors"] == {"message": "The task could not be completed."}
    assert 0.3 <= float(task["after"].removesuffix("s")) < 3
    assert yaml.safe_load(out.read_text())["keys"] == {"session-key-1": {"account": "session"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_upstream_that_is_down_is_recorded_as_a_502(tmp_path: Path):
    out = tmp_path / "down.yaml"
    recorder, proxy_url = start_recorder("--upstream", f"http://127.0.0.1:{free_port()}", "--out", str(out), "--max-requests", "1")
    answer = httpx.post(f"{proxy_url}/v1/ticket", json={"department": "support", "subject": "Down"}, headers={"Authorization": "Bearer some-key-1234"})
    code, _, errors = finish(recorder)
    assert code == 0, errors
    assert answer.status_code == 502 and answer.json()["message"].startswith("The upstream Portal at 127.0.0.1:")
    assert answer.headers["nocworx-api-version"] == "0.5.0"
    (rule,) = yaml.safe_load(out.read_text())["rules"]
    assert rule["respond"] == {"status": 502, "body": answer.json()} and "upstream unreachable" in rule["name"]

    replay, replay_url, _ = start("--scenarios", str(tmp_path))
    try:
        replayed = httpx.post(f"{replay_url}/v1/ticket", json={"department": "support", "subject": "Down"}, headers={"Authorization": "Bearer down-key-1"})
    finally:
        stop(replay)
    assert (replayed.status_code, replayed.json()) == (502, answer.json())
