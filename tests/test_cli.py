"""The real ``portal-mock serve`` process, over a real socket."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from helpers import start, stop, wait_until_serving

from portal_mock.cli import main


def test_serve_polls_a_task_to_success_over_a_socket():
    process, url, keys = start("--task-delay", "0.2", "--key", "secret-1", "--key", "secret-2")
    try:
        assert keys == ["secret-1", "secret-2"]
        wait_until_serving(url)
        with httpx.Client(base_url=url, headers={"Authorization": "Bearer secret-2"}) as http:
            accepted = http.post("/v1/ticket", json={"department": "support", "subject": "Over a socket"})
            assert accepted.status_code == 202
            deadline = time.monotonic() + 10
            while (task := http.get(accepted.headers["location"]).json())["status"] == "pending":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert task["status"] == "success"
            ticket = http.get(task["resource"]["metadata"]["uri"], headers={"Authorization": "Bearer secret-1"})
            assert ticket.json()["subject"] == "Over a socket"
    finally:
        assert stop(process) == 0


def test_serve_mints_and_prints_a_key_and_a_curl_line():
    process, url, keys = start()
    try:
        assert len(keys) == 1 and len(keys[0]) >= 20
        wait_until_serving(url)
        response = httpx.post(f"{url}/v1/ticket", json={"department": "sales", "subject": "x"}, headers={"Authorization": f"Bearer {keys[0]}"})
        assert response.status_code == 202
    finally:
        assert stop(process, signal.SIGINT) == 0


@pytest.mark.parametrize(
    "flags, phrase",
    [
        (["--clock", "sundial"], "unknown clock"),
        (["--clock", "scaled:0"], "positive factor"),
        (["--task-delay", "-1"], "seconds"),
        (["--port", "http"], "port"),
        (["--seed", "abc"], "seed"),
        (["--bogus"], "unrecognized"),
    ],
)
def test_bad_flags_are_usage_errors(flags, phrase, capsys):
    """Refused while parsing, before anything is served: run in this process
    (``python -m portal_mock`` itself is run by the tests around it)."""
    with pytest.raises(SystemExit) as exited:
        main(["serve", *flags])
    assert exited.value.code == 2
    stderr = capsys.readouterr().err
    assert phrase in stderr and "usage:" in stderr


def test_console_script_and_module_agree():
    script = os.path.join(os.path.dirname(sys.executable), "portal-mock")
    from_script = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=30)
    from_module = subprocess.run([sys.executable, "-m", "portal_mock", "--help"], capture_output=True, text=True, timeout=30)
    assert from_script.returncode == from_module.returncode == 0
    assert from_script.stdout == from_module.stdout


def test_serve_refuses_a_public_host_with_an_open_control_api():
    result = subprocess.run([sys.executable, "-m", "portal_mock", "serve", "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "not loopback" in result.stderr and "--admin-token" in result.stderr and "--no-admin" in result.stderr


def test_the_admin_token_can_come_from_the_environment():
    process, url, _ = start(env={**os.environ, "PORTAL_MOCK_ADMIN_TOKEN": "from-env"})
    try:
        wait_until_serving(url)
        assert httpx.get(f"{url}/__mock/health").status_code == 401
        assert httpx.get(f"{url}/__mock/health", headers={"Authorization": "Bearer from-env"}).status_code == 200
    finally:
        assert stop(process) == 0
