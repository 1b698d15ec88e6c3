"""A session whose portal-mock server cannot be had fails once, with one
clear message: not an error per test, not the message twice."""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import LEAN_ADDOPTS

pytest_plugins = ["pytester"]

THREE_TESTS = """
def test_one(portal_mock):
    pass


def test_two(portal_mock):
    pass


def test_three(portal_mock):
    pass
"""


@pytest.fixture(autouse=True)
def lean_runs(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_ADDOPTS", LEAN_ADDOPTS)
    monkeypatch.delenv("PORTAL_MOCK_URL", raising=False)
    monkeypatch.delenv("PORTAL_MOCK_ADMIN_TOKEN", raising=False)
    pytester.makepyfile(test_three=textwrap.dedent(THREE_TESTS))


def once(result: pytest.RunResult, text: str) -> None:
    """``text`` is reported once.  pytest's short summary at the end repeats
    each error's first line (in full where ``CI`` is set, cut to the
    terminal's width elsewhere): that repetition is pytest's, not ours."""
    report = result.stdout.str().split(" short test summary info ", 1)[0] + result.stderr.str()
    assert report.count(text) == 1, report


def test_an_invalid_scenario_file_in_the_ini_option_stops_the_run_once(pytester):
    pytester.mkdir("scenarios")
    (pytester.path / "scenarios" / "bad.yaml").write_text("name: bad\nrules:\n  - latency: 1x\n")
    pytester.makeini("[pytest]\nportal_mock_scenarios = scenarios\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    once(result, "bad.yaml:3:14: bad duration")
    once(result, "portal_mock_scenarios")
    assert "passed" not in result.stdout.str() and " error" not in result.stdout.str()


def test_an_ini_option_may_name_a_file_as_validate_does(pytester):
    (pytester.path / "mine.yaml").write_text("name: mine\n")
    pytester.makeini("[pytest]\nportal_mock_scenarios = mine.yaml\n")
    pytester.runpytest().assert_outcomes(passed=3)


def test_an_unreachable_server_fails_the_session_once(pytester):
    result = pytester.runpytest("--portal-mock-url", "http://127.0.0.1:9")
    result.assert_outcomes(errors=1)
    once(result, "no portal-mock control API answers at http://127.0.0.1:9/__mock")
    assert result.ret == pytest.ExitCode.TESTS_FAILED


class _WantsAToken(BaseHTTPRequestHandler):
    """A control API guarded by an admin token, as ``serve --admin-token`` is."""

    def do_GET(self) -> None:
        body = b'{"message": "The control API needs \'Authorization: Bearer <admin token>\'."}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def guarded() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WantsAToken)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_server_that_wants_an_admin_token_says_so_once(pytester, guarded):
    result = pytester.runpytest("--portal-mock-url", guarded)
    result.assert_outcomes(errors=1)
    once(result, "needs PORTAL_MOCK_ADMIN_TOKEN")
    assert "no portal-mock control API answers" not in result.stdout.str()


def test_a_wrong_admin_token_is_named_as_such(pytester, guarded, monkeypatch):
    monkeypatch.setenv("PORTAL_MOCK_ADMIN_TOKEN", "wrong")
    result = pytester.runpytest("--portal-mock-url", guarded)
    result.assert_outcomes(errors=1)
    once(result, "refused the admin token in PORTAL_MOCK_ADMIN_TOKEN")
