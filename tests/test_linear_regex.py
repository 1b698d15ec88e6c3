"""Regexes in scenario rules and in verification are RE2: matching takes time
linear in the text, so no pattern stalls the server for everyone, and a
pattern RE2 cannot run (a backreference, lookaround) is refused up front.

The server runs as a ``portal-mock serve`` process: a backtracking match
would hold its interpreter, and the test's own timeout must still fire."""

from __future__ import annotations

import concurrent.futures
import subprocess
import textwrap
from collections.abc import Iterator

import httpx
import pytest
from helpers import TICKET, TLS, start, stop

from portal_mock.scenarios.files import parse_scenario

CATASTROPHIC = "^(a+)+$"
LONG = "a" * 5000
TIMEOUT = 5.0
"""Backtracking takes twice as long per extra ``a``: 24 of them cost over a
second, 5000 would never finish."""

SCENARIO = f"""\
name: backtracking
rules:
  - name: all a
    match: {{action: ticket:add, body: {{subject: {{regex: "{CATASTROPHIC}"}}}}}}
    respond: {{status: 418}}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A serve process with the backtracking scenario loaded (not active)."""
    directory = tmp_path_factory.mktemp("scenarios")
    (directory / "backtracking.yaml").write_text(SCENARIO)
    process, url, keys = start("--clock", "manual", "--scenarios", str(directory))
    try:
        yield url, keys[0]
    finally:
        try:
            stop(process)
        except subprocess.TimeoutExpired:
            process.kill()  # stuck in a match: it hears no SIGTERM
            process.wait()
            raise


def while_health_answers(url: str, work) -> httpx.Response:
    """``work()`` on another thread, with a health check sent meanwhile:
    both must answer within the timeout."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(work)
        health = httpx.get(f"{url}/__mock/health", timeout=TIMEOUT, verify=TLS)
        assert health.status_code == 200
        return pending.result(timeout=TIMEOUT * 2)


def test_a_catastrophic_regex_in_a_verification_answers_at_once(served):
    url, key = served
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT, verify=TLS) as http:
        http.post("/v1/ticket", json={**TICKET, "subject": LONG + "!"})

        def count(pattern: str) -> httpx.Response:
            return http.post("/__mock/requests/count", params={"key": key}, json={"body": {"subject": {"regex": pattern}}})

        missed = while_health_answers(url, lambda: count(CATASTROPHIC))
        assert missed.status_code == 200
        assert missed.json()["count"] == 0
        assert "regex '^(a+)+$'" in missed.json()["near_misses"][0]["reason"]
        assert count("^(a+)+!$").json()["count"] == 1


def test_a_scenario_rule_with_a_catastrophic_regex_answers_at_once(served):
    url, key = served
    headers = {"Authorization": f"Bearer {key}", "X-Portal-Mock-Scenario": "backtracking"}
    with httpx.Client(base_url=url, headers=headers, timeout=TIMEOUT, verify=TLS) as http:
        missed = while_health_answers(url, lambda: http.post("/v1/ticket", json={**TICKET, "subject": LONG + "!"}))
        assert missed.status_code == 202
        assert http.post("/v1/ticket", json={**TICKET, "subject": LONG}).status_code == 418


@pytest.mark.parametrize("pattern", [r"(a)\\1", "(?=a)b", "(?<!a)b", "x\\\\Z"], ids=["backreference", "lookahead", "lookbehind", "python's \\Z"])
def test_a_scenario_regex_re2_cannot_run_is_a_problem_at_its_line(pattern):
    text = textwrap.dedent(
        f"""\
        name: x
        rules:
          - match: {{body: {{a: {{regex: "{pattern}"}}}}}}
            latency: 1s
        """
    )
    scenario, found = parse_scenario(text, "s.yaml")
    assert scenario is None
    assert len(found) == 1, found
    assert str(found[0]).startswith("s.yaml:3:31: bad regex"), found
    assert "RE2 syntax" in found[0].message


@pytest.mark.parametrize("pattern", ["(a)\\1", "(?=a)b"])
def test_the_control_api_refuses_a_pattern_re2_cannot_run_naming_it(client, pattern):
    response = client.http.post("/__mock/requests/count", json={"body": {"subject": {"regex": pattern}}})
    assert response.status_code == 422
    message = response.json()["message"]
    assert repr(pattern) in message
    assert "RE2 syntax" in message


def test_a_path_pattern_of_many_globs_matches_in_linear_time(served):
    """``**`` compiles to ``.*``: five of them against a long path would
    backtrack polynomially."""
    url, key = served
    with httpx.Client(base_url=url, timeout=TIMEOUT, verify=TLS) as http:
        http.get("/v1/" + "x/" * 20_000, headers={"Authorization": f"Bearer {key}"})
        answer = while_health_answers(url, lambda: http.post("/__mock/requests/count", params={"key": key}, json={"path": "/v1/**/**/**/**/**/z"}))
        assert answer.status_code == 200
        assert answer.json()["count"] == 0
