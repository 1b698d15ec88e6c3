"""Scenario files are validated with every problem located at file:line:col."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from portal_mock.scenarios.files import parse_scenario, schema_json
from portal_mock.scenarios.library import CatalogError, load_catalog

ROOT = Path(__file__).resolve().parent.parent


def problems(text: str) -> list[str]:
    scenario, found = parse_scenario(textwrap.dedent(text), "s.yaml")
    assert scenario is None, "expected the file to be refused"
    return [str(p) for p in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: x\nrules:\n  - match: {action: [ticket:add}\n", "s.yaml:3:32: YAML: did not find expected ',' or ']'"),
        ("name: x\ncolour: red\n", "s.yaml:2:1: unknown key 'colour'"),
        ("name: x\nrules:\n  - match: {action: ticket:ad}\n    latency: 1s\n", "s.yaml:3:21: unknown action 'ticket:ad'"),
        ("name: x\nrules:\n  - latency: 5x\n", "s.yaml:3:14: bad duration '5x'"),
        ("name: x\nrules:\n  - task: {after: {min: 2s, max: 1s}}\n", "s.yaml:3:19: max (1s) is below min (2s)"),
        ("name: x\nrules:\n  - respond: {status: 999}\n", "s.yaml:3:23: impossible status code 999"),
        ("name: x\nrules:\n  - respond: {status: 100}\n", "s.yaml:3:23: impossible status code 100"),
        ("name: x\nrules:\n  - times: 0\n    latency: 1s\n", "s.yaml:3:12: times must be a positive integer, not 0"),
        ("name: x\nrules:\n  - times: two\n    latency: 1s\n", "s.yaml:3:12: times must be a positive integer, not 'two'"),
        ("name: x\nrules:\n  - times: 1.5\n    latency: 1s\n", "s.yaml:3:12: times must be a positive integer, not 1.5"),
        ("name: x\nrules:\n  - match: {action: task:show}\n", "s.yaml:3:5: a rule needs an effect"),
        ("name: x\nrules:\n  - match: {action: task:show}\n    task: {outcome: failure}\n", "s.yaml:4:5: task applies to queued actions only"),
        ("name: x\nrules:\n  - match: {body: {a: {regex: '('}}}\n    latency: 1s\n", "s.yaml:3:31: bad regex"),
        ("name: x\nrules:\n  - fault: explode\n", "s.yaml:3:12: fault: 'explode' is not one of"),
        ("name: x\nname: y\n", "s.yaml:2:1: key 'name' is given twice"),
        ("description: no name\n", "s.yaml:1:1: 'name' is required here"),
        ("name: x\nrules:\n  - respond: {status: 500}\n    task: {outcome: failure}\n", "s.yaml:4:5: a rule that responds cannot also script a task"),
        ("name: !!python/object/apply:os.system ['true']\n", "s.yaml:1:7: YAML: could not determine a constructor"),
        ("", "s.yaml:1:1: file is empty"),
        ("- a list\n", "s.yaml:1:1: a scenario file must be a mapping"),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "nested more than 24 levels deep"),
    ],
)
def test_each_problem_is_reported_where_it_is(text, expected):
    found = problems(text)
    assert any(expected in line for line in found), found


def test_every_problem_in_a_file_is_reported_together():
    found = problems(
        """\
        name: x
        colour: red
        rules:
          - latency: 5x
          - times: 0
            respond: {status: 999}
        """
    )
    assert [line.split(": ")[0] for line in found] == ["s.yaml:2:1", "s.yaml:4:14", "s.yaml:5:12", "s.yaml:6:23"]


def test_alias_bombs_are_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 7):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    assert "expands to more than" in problems("name: x\n" + "\n".join(lines) + "\n")[0]


def test_huge_files_are_refused():
    assert "larger than" in problems("name: x\ndescription: " + "x" * 300_000 + "\n")[0]


def test_duplicate_names_across_user_files(tmp_path):
    (tmp_path / "a.yaml").write_text("name: same\n")
    (tmp_path / "b.yaml").write_text("name: same\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog([tmp_path])
    assert "duplicate scenario name 'same'" in str(caught.value)
    assert str(tmp_path / "b.yaml") + ":1:1" in str(caught.value)


def test_a_user_file_overrides_a_bundled_name_and_says_so(tmp_path):
    (tmp_path / "flaky.yaml").write_text("name: flaky\ndescription: mine\n")
    catalog = load_catalog([tmp_path])
    assert catalog.get("flaky").description == "mine"
    assert any("overrides the bundled" in notice for notice in catalog.notices)


def test_keys_bound_to_unknown_scenarios_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("name: a\nkeys:\n  k1: {scenario: nowhere}\n")
    with pytest.raises(CatalogError, match="Unknown scenario 'nowhere'"):
        load_catalog([tmp_path])


def test_links_out_of_the_directory_are_not_followed(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: sneaky\n")
    inside = tmp_path / "dir"
    inside.mkdir()
    (inside / "link.yaml").symlink_to(outside)
    with pytest.raises(CatalogError, match="link.yaml:1:1: not read: a link to"):
        load_catalog([inside])


def test_the_shipped_schema_file_is_current():
    assert (ROOT / "portal_mock" / "scenarios" / "scenario.schema.json").read_text() == schema_json()


def test_the_schema_is_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(json.loads(schema_json()))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portal_mock", *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_validate_command_prints_problems_and_exits_1(tmp_path):
    (tmp_path / "good.yaml").write_text("name: good\nrules:\n  - latency: 1s\n")
    (tmp_path / "bad.yaml").write_text("name: bad\nrules:\n  - latency: 1x\n")
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}:3:14: bad duration" in result.stderr
    assert "1 of 2 scenario files valid" in result.stderr


def test_validate_command_passes_the_bundled_scenarios():
    bundled = ROOT / "portal_mock" / "scenarios" / "bundled"
    result = run("validate", str(bundled))
    assert result.returncode == 0, result.stderr
    count = len(list(bundled.glob("*.yaml")))
    assert f"{count} of {count} scenario files valid" in result.stdout


def test_scenarios_command_lists_names_and_descriptions(tmp_path):
    (tmp_path / "mine.yaml").write_text("name: mine\ndescription: My own.\n")
    result = run("scenarios", "--scenarios", str(tmp_path))
    assert result.returncode == 0
    assert any(line.split() == ["mine", "My", "own."] for line in result.stdout.splitlines())
    assert "flaky" in result.stdout


def test_serve_refuses_broken_scenarios_with_their_location(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\nrules:\n  - times: 0\n    latency: 1s\n")
    result = run("serve", "--port", "0", "--scenarios", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}:3:12:" in result.stderr


def test_serve_refuses_an_unknown_active_scenario():
    result = run("serve", "--port", "0", "--scenario", "flaky2")
    assert result.returncode == 2
    assert "portal-mock serve: error: Unknown scenario 'flaky2'; did you mean 'flaky'?" in result.stderr


def test_the_resources_example_of_the_scenario_page_seeds_an_account(tmp_path):
    """docs/scenarios.md's ``resources:`` block, as written, in a file of its own."""
    import re
    from pathlib import Path

    from portal_mock.domain.clock import ClockSpec
    from portal_mock.engine.state import MockState, Settings

    page = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text()
    block = re.search(r"```yaml\n(resources:\n.*?)```", page, re.S).group(1)
    (tmp_path / "seeded.yaml").write_text("name: seeded\n" + block)
    state = MockState(Settings(clock=ClockSpec("manual"), scenario_dirs=[str(tmp_path)]))
    key = state.mint_key(scenario="seeded")
    keys = key.account.records("ssh-key").all()
    assert len(keys) == 2
    assert keys[0]["name"] == "deploy", "partials are made in order, with rising ids"
    assert len(key.account.records("service").all()) == 2


def test_a_resource_field_its_kind_lacks_is_an_error_naming_the_fields(tmp_path):
    import pytest

    from portal_mock.scenarios.library import CatalogError, load_catalog

    (tmp_path / "bad.yaml").write_text("name: bad\nresources:\n  ssh-key:\n    - {nmae: deploy}\n")
    with pytest.raises(CatalogError, match=r"bad.yaml:4:7: ssh-key has no field 'nmae'; its fields: .*\bname\b"):
        load_catalog([str(tmp_path)])
