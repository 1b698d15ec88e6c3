"""A mistyped scenario name is answered with the closest known names, in
one line, wherever it is typed."""

from __future__ import annotations

import textwrap

import httpx
import pytest
from helpers import LEAN_ADDOPTS, TICKET

from portal_mock import ControlAPIError

pytest_plugins = ["pytester"]

SUGGESTION = "Unknown scenario 'flaky2'; did you mean 'flaky'?"


@pytest.mark.parametrize("header", [{"X-Portal-Mock-Scenario": "flaky2"}, {"Prefer": "scenario=flaky2"}])
def test_a_header_naming_no_scenario_suggests_the_closest(client, header):
    answer = client.http.post("/v1/ticket", json=TICKET, headers=header)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("Unknown scenario 'flaky2' in ")
    assert answer.json()["message"].endswith("did you mean 'flaky'?")


def test_the_control_api_suggests_the_closest(server, control):
    for call in (lambda: control.set_scenario("flaky2"), lambda: control.mint_key(scenario="flaky2")):
        with pytest.raises(ControlAPIError) as refused:
            call()
        assert (refused.value.status, refused.value.message) == (404, SUGGESTION)
    answer = httpx.put(f"{server.url}/__mock/scenario", json={"name": "flaky2", "key": control.mint_key().key})
    assert answer.json()["message"] == SUGGESTION


def test_a_mistyped_marker_is_a_one_line_error(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", LEAN_ADDOPTS)
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest


            @pytest.mark.portal_scenario("flaky2")
            def test_marked(portal_mock):
                pass
            """
        )
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    line = f"@pytest.mark.portal_scenario('flaky2'): {SUGGESTION}"
    assert result.stdout.lines.count(line) == 1, result.stdout.str()
    assert "Traceback" not in result.stdout.str() and "ControlAPIError" not in result.stdout.str()
