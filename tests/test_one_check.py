"""``validate``, ``serve``, the reload watcher and the pytest ini option run
one and the same check of scenario files (``library.load_catalog``): what
one refuses, every other refuses, with the same ``file:line:col``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal_mock.scenarios.library import CatalogError, load_catalog

TWICE_A = "name: a\nkeys:\n  shared-key: {}\n"
TWICE_B = "name: b\ndescription: the same key again\nkeys:\n  shared-key: {}\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portal_mock", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def twice(tmp_path: Path) -> Path:
    (tmp_path / "a.yaml").write_text(TWICE_A)
    (tmp_path / "b.yaml").write_text(TWICE_B)
    return tmp_path


def test_validate_reports_a_key_declared_in_two_files_like_any_problem(twice):
    result = run("validate", str(twice / "a.yaml"), str(twice / "b.yaml"))
    assert result.returncode == 1
    assert f"{twice / 'b.yaml'}:4:3: key " in result.stderr, result.stderr
    assert f"is also declared in {twice / 'a.yaml'}" in result.stderr
    assert "1 of 2 scenario files valid" in result.stderr


def test_serve_refuses_the_same_files_with_the_same_problem(twice):
    validated = run("validate", str(twice))
    served = run("serve", "--port", "0", "--scenarios", str(twice))
    assert served.returncode == 1
    problem = next(line for line in validated.stderr.splitlines() if "also declared" in line)
    assert problem in served.stderr.splitlines()


def test_validate_knows_the_bundled_scenarios_a_key_may_be_bound_to(tmp_path):
    (tmp_path / "mine.yaml").write_text("name: mine\nkeys:\n  k1: {scenario: flaky}\n  k2: {scenario: flaky2}\n")
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'mine.yaml'}:4:18: " in result.stderr, result.stderr
    assert "did you mean 'flaky'?" in result.stderr


def test_a_key_the_bundled_scenarios_declare_cannot_be_declared_again(tmp_path):
    (tmp_path / "mine.yaml").write_text("name: mine\nkeys:\n  view-only-key: {}\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog([tmp_path])
    assert [p.line for p in caught.value.problems] == [3]


def test_starting_tickets_are_checked_as_the_accounts_will_check_them(tmp_path):
    """The file's JSON Schema does not check formats; the accounts' tickets
    do, so an address that is none stopped ``serve`` after ``validate``
    passed it."""
    (tmp_path / "t.yaml").write_text("name: t\nkeys:\n  t-key: {}\ntickets:\n  - {subject: fine}\n  - {recipients: [not-an-address]}\n")
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 't.yaml'}:6:5: ticket 2: recipients: " in result.stderr, result.stderr
    assert "not an email address" in result.stderr


def test_a_file_is_checked_wherever_it_is_named(twice):
    """validate takes files or directories; so do serve and the plugin,
    since they run the same check."""
    with pytest.raises(CatalogError) as by_files:
        load_catalog([twice / "a.yaml", twice / "b.yaml"])
    with pytest.raises(CatalogError) as by_directory:
        load_catalog([twice])
    assert by_files.value.problems == by_directory.value.problems
    assert load_catalog([twice / "a.yaml"]).get("a") is not None


def test_a_path_that_is_not_there_is_a_problem_for_every_caller(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_catalog([tmp_path / "nowhere"])
    assert [str(p) for p in caught.value.problems] == [f"{tmp_path / 'nowhere'}:1:1: no such file or directory"]
    assert "no such file or directory" in run("validate", str(tmp_path / "nowhere")).stderr
