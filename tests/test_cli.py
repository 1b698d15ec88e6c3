"""The real ``portal-mock serve`` process, over a real socket."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest


def start(*flags: str) -> tuple[subprocess.Popen, str, list[str]]:
    """Start ``python -m portal_mock serve`` and read its banner for the URL and keys."""
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_mock", "serve", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    banner = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    text = "".join(banner)
    url = re.search(r"at (http://\S+)/v1", text)
    assert url, f"no URL in the banner: {text!r} {process.stderr.read() if process.poll() is not None else ''}"
    return process, url.group(1), re.findall(r"key:\s+(\S+)", text)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    process.send_signal(sig)
    code = process.wait(timeout=10)
    process.stdout.close()
    process.stderr.close()
    return code


def wait_until_serving(url: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(f"{url}/v1/ticket")
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline
            time.sleep(0.02)


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
def test_bad_flags_are_usage_errors(flags, phrase):
    result = subprocess.run([sys.executable, "-m", "portal_mock", "serve", *flags], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert phrase in result.stderr and "usage:" in result.stderr


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
    env = {**os.environ, "PORTAL_MOCK_ADMIN_TOKEN": "from-env"}
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_mock", "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        url = None
        while url is None:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            found = re.search(r"at (http://\S+)/v1", line)
            url = found.group(1) if found else None
        wait_until_serving(url)
        assert httpx.get(f"{url}/__mock/health").status_code == 401
        assert httpx.get(f"{url}/__mock/health", headers={"Authorization": "Bearer from-env"}).status_code == 200
    finally:
        assert stop(process) == 0
