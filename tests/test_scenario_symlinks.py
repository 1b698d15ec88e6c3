"""A scenario file that cannot be read as one (a link out of its directory,
something that is not a regular file, a file that cannot be opened) is an
error, never a scenario that silently disappears: ``serve`` refuses to
start, and a running server keeps its last good set and says which file
and why.  Hidden files are not scenario files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from helpers import eventually, start

SCENARIO = "name: mine\nkeys:\n  pm_mine_0001: {}\n"


def serve_refuses(directory: Path) -> str:
    """Start ``serve --scenarios directory``; it must exit 1. Its stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "portal_mock", "serve", "--port", "0", "--scenarios", str(directory)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stderr


def test_start_up_refuses_a_scenario_file_that_is_a_link_out_of_the_directory(tmp_path):
    (tmp_path / "outside.yaml").write_text(SCENARIO)
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "mine.yaml").symlink_to(tmp_path / "outside.yaml")
    log = serve_refuses(scenarios)
    assert f"{scenarios / 'mine.yaml'}:1:1: not read: a link to {tmp_path / 'outside.yaml'}" in log


def test_start_up_refuses_a_scenario_name_that_is_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    assert f"{tmp_path / 'pipe.yaml'}:1:1: not read: not a regular file" in serve_refuses(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_start_up_refuses_an_unreadable_scenario_file(tmp_path):
    (tmp_path / "mine.yaml").write_text(SCENARIO)
    (tmp_path / "mine.yaml").chmod(0)
    assert f"{tmp_path / 'mine.yaml'}:1:1: cannot read" in serve_refuses(tmp_path)


def test_hidden_files_are_not_scenario_files(tmp_path):
    (tmp_path / "mine.yaml").write_text(SCENARIO)
    (tmp_path / ".mine.yaml.swp.yaml").write_text("not: [a scenario")
    process, url, _ = start("--scenarios", str(tmp_path))
    try:
        assert httpx.get(f"{url}/v1/ticket", headers={"Authorization": "Bearer pm_mine_0001"}).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)


def test_a_live_reload_that_meets_a_link_keeps_the_last_good_set_and_says_why(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "mine.yaml").write_text(SCENARIO)
    process, url, _ = start("--scenarios", str(scenarios))
    try:
        mine = {"Authorization": "Bearer pm_mine_0001"}
        assert httpx.get(f"{url}/v1/ticket", headers=mine).status_code == 200
        (tmp_path / "outside.yaml").write_text(SCENARIO)
        (scenarios / "mine.yaml").unlink()
        (scenarios / "mine.yaml").symlink_to(tmp_path / "outside.yaml")
        eventually(lambda: httpx.get(f"{url}/__mock/health").json()["reload_error"] is not None, "the reload to be refused", seconds=10)
        assert "mine.yaml:1:1: not read: a link to" in httpx.get(f"{url}/__mock/health").json()["reload_error"]
        time.sleep(0.5)
        assert httpx.get(f"{url}/v1/ticket", headers=mine).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=15)
    assert "still serving the last good set" in log and f"{scenarios / 'mine.yaml'}:1:1: not read: a link to" in log
    assert "scenarios reloaded" not in log
