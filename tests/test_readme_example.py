"""The README's worked example, copied as written into a fresh directory and
run by pytest the way a user would: in its own process, with portal-mock
installed and nothing else set up."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import LEAN_ADDOPTS

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parent.parent / "README.md"


def worked_example() -> tuple[str, str]:
    """The section's two Python blocks: the client, then its tests."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### A worked example", 1)[1].split("\n### ", 1)[0]
    client, tests = re.findall(r"```python\n(.*?)```", section, re.S)
    return client, tests


def test_the_worked_example_passes_as_written(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", LEAN_ADDOPTS)
    client, tests = worked_example()
    assert "class PortalClient" in client and "def test_" in tests
    pytester.makepyfile(portal_client=client, test_portal_client=tests)
    assert tests.count("PortalClient(") == tests.count("sleep=portal_mock.advance"), "every client under test sleeps on the mock's clock"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=13)


def test_the_server_wide_snippet_passes_and_leaves_the_next_test_the_default(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", LEAN_ADDOPTS)
    section = README.read_text(encoding="utf-8").split("### The fixture", 1)[1].split("\n### ", 1)[0]
    (snippet,) = re.findall(r"```python\n(.*?)```", section, re.S)
    assert "server_wide()" in snippet
    after = """

def test_after_it(portal_mock):
    assert httpx.get(portal_mock.url + "/v1/ticket", headers=portal_mock.headers).status_code == 200
"""
    pytester.makepyfile(test_server_wide=snippet + after)
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=2)
