"""What a script waits on before its first request: ``portal-mock wait URL``
and ``serve --ready-file PATH``."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
from helpers import TLS, start, stop

from portal_mock import Settings, create_app
from portal_mock.http.server import LiveServer


def portal_mock(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "portal_mock", *args], capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_wait_returns_at_once_when_the_server_answers():
    with LiveServer(create_app(Settings())) as server:
        result = portal_mock("wait", server.url)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
        # Any answer counts: no control API is still a server.
        assert portal_mock("wait", server.url + "/v1/ticket").returncode == 0
    with LiveServer(create_app(Settings(admin=False))) as server:
        assert portal_mock("wait", server.url.removeprefix("http://")).returncode == 0


def test_wait_times_out_with_a_message_naming_the_url():
    url = f"http://127.0.0.1:{free_port()}"
    began = time.monotonic()
    result = portal_mock("wait", url, "--timeout", "300ms")
    assert result.returncode == 1
    assert f"no answer from {url}/__mock/health within 0.3s" in result.stderr
    assert time.monotonic() - began < 10


def test_wait_waits_for_a_server_that_starts_later(tmp_path):
    port = free_port()
    waiting = subprocess.Popen([sys.executable, "-m", "portal_mock", "wait", f"http://127.0.0.1:{port}", "--timeout", "20"], stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    assert waiting.poll() is None, "nothing serves yet"
    server = subprocess.Popen([sys.executable, "-m", "portal_mock", "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert waiting.wait(timeout=20) == 0, waiting.stderr.read() if waiting.stderr else ""
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0
        if waiting.stderr:
            waiting.stderr.close()


def test_a_bad_wait_url_is_a_usage_error():
    result = portal_mock("wait", "ftp://example.com")
    assert result.returncode == 2 and "usage: portal-mock wait" in result.stderr and "http:// URL" in result.stderr


def test_ready_file_holds_the_url_once_serving_and_goes_on_exit(tmp_path):
    ready = tmp_path / "ready"
    ready.write_text("stale, from a run before\n")
    process, url, _ = start("--ready-file", str(ready))
    try:
        deadline = time.monotonic() + 10
        while not ready.exists() or ready.read_text() == "stale, from a run before\n":
            assert time.monotonic() < deadline, "no ready file"
            time.sleep(0.01)
        assert ready.read_text() == url + "\n"
        assert httpx.get(f"{url}/__mock/health", verify=TLS).json()["status"] == "ok"
    finally:
        assert stop(process) == 0
    assert not ready.exists()


def test_a_ready_file_in_a_missing_directory_is_a_usage_error(tmp_path):
    result = portal_mock("serve", "--port", "0", "--ready-file", str(tmp_path / "nope" / "ready"))
    assert result.returncode == 2 and "usage: portal-mock serve" in result.stderr and str(tmp_path / "nope") in result.stderr
