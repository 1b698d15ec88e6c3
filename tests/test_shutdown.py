"""SIGTERM ends ``portal-mock serve`` within its grace period whatever its
clients do, and a client that leaves mid-body is a client event: no 500,
no traceback in the log."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import threading
import time

import httpx
from helpers import start, stop
from test_server_limits import address, half_body


def finish(process: subprocess.Popen) -> tuple[int, float, str]:
    """SIGTERM ``process``: its exit code, how long it took, and its log."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        _, log = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, log = process.communicate()
        return -1, time.monotonic() - started, log
    return process.returncode, time.monotonic() - started, log


def test_sigterm_finishes_within_the_grace_period_while_a_client_holds_a_half_sent_body():
    process, url, keys = start("--clock", "manual", "--shutdown-grace", "1", "--read-timeout", "60")
    with socket.create_connection(address(url)) as sock:
        sock.sendall(half_body("/v1/ticket", keys[0]))
        time.sleep(0.3)
        code, took, log = finish(process)
    assert code == 0, log
    assert took < 4, f"took {took:.1f}s"
    assert "Traceback" not in log, log


def test_a_client_that_leaves_mid_body_is_not_an_internal_error():
    process, url, keys = start("--clock", "manual")
    for path in ("/v1/ticket", "/__mock/requests/count"):
        with socket.create_connection(address(url)) as sock:
            sock.sendall(half_body(path, keys[0]))
            time.sleep(0.2)
    time.sleep(0.2)
    journal = httpx.get(f"{url}/__mock/requests").json()["requests"]
    code, _, log = finish(process)
    assert [entry["status"] for entry in journal] == [499]
    assert all(entry["error"] is None for entry in journal)
    assert code == 0
    assert "Traceback" not in log and "unhandled error" not in log, log


def test_sigterm_finishes_within_the_grace_period_while_a_scripted_latency_runs(tmp_path):
    (tmp_path / "slow.yaml").write_text("name: slow\nrules:\n  - match: {action: ticket:list}\n    latency: 30s\n")
    process, url, keys = start("--scenarios", str(tmp_path), "--scenario", "slow", "--shutdown-grace", "1")

    def wait_for_the_answer() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"{url}/v1/ticket", headers={"Authorization": f"Bearer {keys[0]}"}, timeout=40)

    waiting = threading.Thread(target=wait_for_the_answer)
    waiting.start()
    time.sleep(0.5)
    code, took, log = finish(process)
    waiting.join(timeout=10)
    assert code == 0, log
    assert took < 4, f"took {took:.1f}s"
    assert "Traceback" not in log, log


def test_a_stop_signal_sent_as_soon_as_the_banner_is_read_stops_the_server_cleanly():
    """Scripts stop a server the moment it says it serves.  Such a signal
    used to meet the server before its handlers were in place (killed,
    exit -15, about one start in six) or inside a garbage-collector
    callback (ignored: the server never stopped); held until uvicorn
    takes it over, it ends every start with exit 0."""
    codes = []
    for sig in [signal.SIGTERM, signal.SIGINT] * 10:
        process, _, _ = start()
        codes.append(stop(process, sig))
    assert codes == [0] * 20
