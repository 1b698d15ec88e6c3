"""The command line's small edges: ``--version``, durations and clocks in
the one grammar, usage errors that name what is wrong, and a banner that
says what the active scenario does."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from helpers import TLS

from portal_mock import Settings, __version__, create_app
from portal_mock.cli import build_parser, main, task_sentence
from portal_mock.domain.clock import CLOCK_PATTERN, ClockSpec, parse_clock
from portal_mock.http.server import LiveServer
from portal_mock.scenarios.library import load_catalog


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line in this process; it must exit 2: its stderr."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    return capsys.readouterr().err


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"portal-mock {__version__}\n"
    assert __version__ == "0.1.0"


@pytest.mark.parametrize("text, seconds", [("2s", 2.0), ("250ms", 0.25), ("1m", 60.0), ("1.5", 1.5), ("0", 0.0)])
def test_task_delay_takes_scenario_durations(text, seconds):
    assert build_parser().parse_args(["serve", "--task-delay", text]).task_delay == seconds


@pytest.mark.parametrize("text", ["-1", "2 parsecs", "nan", "inf", ""])
def test_a_bad_task_delay_is_a_usage_error(text, capsys):
    assert "bad duration" in usage_error(["serve", "--task-delay", text], capsys)


@pytest.mark.parametrize("text, spec", [("Manual", ClockSpec("manual")), ("REAL", ClockSpec("real")), ("Scaled:10", ClockSpec("scaled", 10.0))])
def test_clocks_are_case_insensitive_everywhere(text, spec):
    assert parse_clock(text) == spec
    assert build_parser().parse_args(["serve", "--clock", text]).clock == spec
    assert re.fullmatch(CLOCK_PATTERN, text), "the control API's schema states the same grammar"


def test_the_control_api_takes_a_clock_in_any_case():
    with LiveServer(create_app(Settings())) as server:
        minted = httpx.post(f"{server.url}/__mock/keys", json={"clock": "MANUAL"}, verify=TLS)
        assert minted.status_code == 201
        clock = httpx.get(f"{server.url}/__mock/clock", params={"key": minted.json()["key"]}, verify=TLS).json()
        assert "manual" in str(clock)


@pytest.mark.parametrize("command", ["serve", "scenarios"])
def test_a_missing_scenarios_directory_is_a_usage_error(command, tmp_path, capsys):
    missing = tmp_path / "no-such-dir"
    stderr = usage_error([command, "--scenarios", str(missing)], capsys)
    assert f"usage: portal-mock {command}" in stderr
    assert str(missing) in stderr and "no directory" in stderr


def test_an_unknown_serve_flag_prints_serves_usage(capsys):
    stderr = usage_error(["serve", "--prot", "8080"], capsys)
    assert stderr.startswith("usage: portal-mock serve ")
    assert "--task-delay" in stderr, "serve's own usage, with its flags"
    assert "portal-mock serve: error: unrecognized arguments: --prot 8080" in stderr


def test_an_unknown_command_still_prints_the_top_level_usage(capsys):
    stderr = usage_error(["sevre"], capsys)
    assert stderr.startswith("usage: portal-mock [-h]")


def banner(*flags: str) -> str:
    """The banner of a ``portal-mock serve`` process, which is then stopped."""
    process = subprocess.Popen([sys.executable, "-m", "portal_mock", "serve", "--port", "0", *flags], stdout=subprocess.PIPE, text=True)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()
    return "".join(lines)


def test_the_banner_says_what_the_active_scenario_does_to_tasks_and_lists_scenario_keys(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "name: mine\ndescription: Tickets fail slowly.\nkeys:\n  my-own-key: {permissions: [ticket view]}\n"
        "rules:\n  - name: slow failure\n    match: {action: ticket:add}\n    task: {after: 30s, outcome: failure}\n"
    )
    text = banner("--scenarios", str(tmp_path), "--scenario", "mine")
    assert len(re.findall(r"key:\s+(\S+)", text)) == 1, "scenario keys are listed apart from the main key (helpers.start reads it)"
    assert "tasks fail after 30s (rule 'slow failure')" in text
    assert "tasks succeed" not in text
    assert "scenario: mine: Tickets fail slowly." in text
    assert re.search(r"^    my-own-key +scenario mine, account mine, permissions: ticket view$", text, re.M), text
    assert re.search(r"^    view-only-key +scenario forbidden, account forbidden, permissions: ticket view$", text, re.M), text


@pytest.mark.parametrize(
    "scenario, delay, sentence",
    [
        ("default", 2.0, "tasks succeed after 2s"),
        ("default", 0.5, "tasks succeed after 0.5s"),
        ("flaky", 2.0, "tasks succeed after 2s"),
        ("task-failure", 2.0, "tasks fail after 2s (rule 'tasks fail')"),
        ("task-rejected", 1.0, "tasks are rejected after 1s (rule 'tasks are rejected')"),
        ("slow", 2.0, "tasks succeed after 30s (rule 'thirty seconds')"),
        ("never-resolves", 2.0, "tasks stay pending forever (rule 'stuck')"),
    ],
)
def test_the_banners_task_sentence_follows_the_scenario(scenario, delay, sentence):
    assert task_sentence(load_catalog().scenarios[scenario], delay) == sentence


def test_a_scenario_that_refuses_ticket_add_says_so_in_its_description():
    """No rule scripts the task: the description (on the scenario line) says
    what happens instead, and other queued actions keep the server's delay."""
    assert task_sentence(load_catalog().scenarios["invalid-input"], 2.0) == "tasks succeed after 2s"
