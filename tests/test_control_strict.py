"""The control API refuses what it does not understand, in sentences."""

from __future__ import annotations

import httpx
import pytest

from portal_mock import Control, ControlAPIError
from portal_mock.http.control import OPERATIONS


def test_every_body_schema_refuses_fields_it_does_not_name():
    assert [op.name for op in OPERATIONS if op.body is not None and op.body.get("additionalProperties") is not False] == []


@pytest.mark.parametrize(
    "method, path, body, field",
    [
        ("POST", "/keys", {"senario": "flaky"}, "senario"),
        ("PUT", "/scenario", {"name": "flaky", "kee": "x"}, "kee"),
        ("POST", "/reset", {"everything": True}, "everything"),
        ("POST", "/clock/advance", {"seconds": 1, "secs": 1}, "secs"),
        ("POST", "/clock/set", {"time": 1, "when": 1}, "when"),
        ("POST", "/requests/count", {"action": "ticket:add", "times": 1}, "times"),
    ],
)
def test_an_unknown_field_is_a_422_naming_it(server, method, path, body, field):
    answer = httpx.request(method, f"{server.url}/__mock{path}", json=body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"]


@pytest.mark.parametrize("clock", ["scaled:fast", "sundial", "scaled:0"])
def test_a_bad_clock_is_a_sentence_not_a_regular_expression(control, clock):
    with pytest.raises(ControlAPIError) as refused:
        control.mint_key(clock=clock)
    assert refused.value.status == 422
    [problem] = refused.value.errors["clock"]
    assert "scaled:" in problem and "real" in problem or "as in scaled:10" in problem, problem
    assert "^(?:" not in problem and "[0-9]" not in problem, problem


def test_the_in_process_fixture_refuses_a_bad_clock_in_the_same_words(control, portal_mock_server):
    with pytest.raises(ControlAPIError) as over_http:
        control.mint_key(clock="scaled:fast")
    with pytest.raises(ControlAPIError) as in_process:
        portal_mock_server.control.mint_key(clock="scaled:fast")
    assert in_process.value.errors == over_http.value.errors


def test_count_takes_its_pattern_by_keyword_only(server):
    with Control(server.url) as control:
        with pytest.raises(TypeError):
            control.count("ticket:add")  # type: ignore[misc]
        assert control.count(action="ticket:add", only_key="nobody")["count"] == 0
