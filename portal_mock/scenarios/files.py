"""Reading scenario files: YAML in, ``Scenario`` or a list of problems out.

Every problem carries the file, line and column it is about, so an author
(or an editor's problem matcher) can jump straight to it.  Files are read
with safe-load semantics only; size, nesting depth and alias expansion are
bounded before anything is built, so a hostile or broken file costs a
message, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from portal_mock.catalog import BY_NAME, KINDS
from portal_mock.domain.clock import parse_duration
from portal_mock.domain.tickets import seed_problems
from portal_mock.domain.validation import SURROGATE, shown
from portal_mock.scenarios.rules import (
    FAULTS,
    Delay,
    Fault,
    Match,
    Respond,
    Rule,
    Scenario,
    TaskScript,
    user_regex,
)
from portal_mock.scenarios.schema import scenario_schema

NodePath = tuple[Any, ...]
"""Where a value sits in a scenario document: the keys and indexes leading to it."""

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 24
MAX_NODES = 20_000

Mark = tuple[int, int]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class _Marks:
    """Where each value (and each mapping key) of the document starts."""

    def __init__(self) -> None:
        self.values: dict[NodePath, Mark] = {}
        self.keys: dict[NodePath, Mark] = {}

    def at(self, path: Iterable[Any], key: bool = False) -> Mark:
        path = tuple(path)
        while path:
            found = (self.keys if key else self.values).get(path) or self.values.get(path)
            if found:
                return found
            path = path[:-1]
        return self.values.get((), (1, 1))


def _mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _survey(root: yaml.Node, marks: _Marks, problems: list[tuple[Mark, str]]) -> None:
    """Record marks, and refuse documents too deep, too large (aliases count
    every time they are used), with a key given twice or with a lone
    surrogate (``"\\ud800"``, which libyaml refuses itself and PyYAML's
    own loader reads): what a file declares is text every encoder writes."""
    budget = [MAX_NODES]

    def text(node: yaml.ScalarNode) -> None:
        if SURROGATE.search(node.value):
            problems.append((_mark(node), f"'{shown(node.value)}' holds a lone surrogate, which is not text"))

    def walk(node: yaml.Node, path: NodePath, depth: int) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooLarge()
        if depth > MAX_DEPTH:
            raise _TooDeep(_mark(node))
        marks.values.setdefault(path, _mark(node))
        if isinstance(node, yaml.ScalarNode):
            text(node)
        elif isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(_mark(key_node))
                if isinstance(key_node, yaml.ScalarNode):
                    text(key_node)
                if key in seen:
                    problems.append((_mark(key_node), f"key {key!r} is given twice"))
                seen.add(key)
                marks.keys.setdefault(path + (key,), _mark(key_node))
                walk(value_node, path + (key,), depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,), depth + 1)

    walk(root, (), 0)


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, mark: Mark) -> None:
        self.mark = mark


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # type: ignore[import-untyped]

    return jsonschema.Draft202012Validator(scenario_schema())


def _schema_message(error: Any) -> tuple[NodePath, bool, str]:
    """(path, points at a key?, message) for one JSON Schema error, worded
    for a scenario author rather than a schema author."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        field = extra[0] if extra else "?"
        allowed = ", ".join(error.schema.get("properties", {})) or "none"
        return path + (field,), True, f"unknown key {field!r} (allowed here: {allowed})"
    if error.validator == "required":
        return path, False, error.message.replace("is a required property", "is required here")
    if error.validator in ("anyOf", "oneOf") and error.context:
        import jsonschema.exceptions  # type: ignore[import-untyped]

        best = jsonschema.exceptions.best_match(error.context)
        return _schema_message(best)
    name = path[-1] if path else "document"
    if name == "action" or (len(path) >= 2 and path[-2] == "action"):
        return path, False, f"unknown action {error.instance!r}; known actions: {', '.join(sorted(BY_NAME))}"
    if name == "times":
        return path, False, f"times must be a positive integer, not {error.instance!r}"
    return path, False, f"{name}: {error.message}"


def _semantic(data: dict[str, Any], skip: set[int], skip_tickets: set[int]) -> tuple[Scenario | None, list[tuple[NodePath, bool, str]]]:
    """Build the scenario, collecting what the schema cannot say.  Rules in
    ``skip`` and tickets in ``skip_tickets`` already failed the schema and
    are not looked at again."""
    found: list[tuple[NodePath, bool, str]] = []
    rules: list[Rule] = []

    def duration(path: NodePath, value: Any) -> float:
        try:
            return parse_duration(value)
        except ValueError as error:
            found.append((path, False, str(error)))
            return 0.0

    def delay(path: NodePath, spec: Any) -> Delay | None:
        try:
            return Delay.parse(spec)
        except (ValueError, KeyError, TypeError) as error:
            found.append((path, False, str(error).strip("'")))
            return None

    for index, spec in enumerate(data.get("rules") or []):
        if index in skip:
            continue
        here = ("rules", index)
        effects = [name for name in ("respond", "task", "latency", "fault") if name in spec]
        if not effects:
            found.append((here, False, "a rule needs an effect: respond, task, latency or fault"))
        if "respond" in spec and "task" in spec:
            found.append((here + ("task",), True, "a rule that responds cannot also script a task (the request is never queued)"))
        times = spec.get("times")
        if times is not None and times < 1:
            found.append((here + ("times",), False, f"times must be a positive integer, not {times!r}"))
        match_spec = spec.get("match") or {}
        bad_regex = False
        for where, matchers in (("headers", match_spec.get("headers")), ("query", match_spec.get("query")), ("body", match_spec.get("body"))):
            for name, matcher in (matchers or {}).items():
                if isinstance(matcher, dict) and "regex" in matcher:
                    try:
                        user_regex(matcher["regex"])
                    except ValueError as error:
                        bad_regex = True
                        found.append((here + ("match", where, name, "regex"), False, str(error)))
        respond = None
        if "respond" in spec:
            status = spec["respond"]["status"]
            if not 200 <= status <= 599:
                found.append((here + ("respond", "status"), False, f"impossible status code {status}: a response needs 200-599"))
            body = spec["respond"].get("body")
            respond = Respond(status, {k: str(v) for k, v in (spec["respond"].get("headers") or {}).items()}, body, "body" in spec["respond"])
        task = None
        if "task" in spec:
            task_spec = spec["task"]
            actions = match_spec.get("action")
            named = [actions] if isinstance(actions, str) else list(actions or [])
            not_queued = [name for name in named if name in BY_NAME and not BY_NAME[name].queued]
            if not_queued:
                found.append((here + ("task",), True, f"task applies to queued actions only; {', '.join(not_queued)} is not queued"))
            if "after" in task_spec and "after_polls" in task_spec:
                found.append((here + ("task", "after_polls"), True, "give after or after_polls, not both"))
            after = delay(here + ("task", "after"), task_spec["after"]) if "after" in task_spec else None
            task = TaskScript(after, task_spec.get("after_polls"), task_spec.get("outcome", "success"), task_spec.get("errors"), task_spec.get("resource"))
        latency = delay(here + ("latency",), spec["latency"]) if "latency" in spec else None
        fault = None
        if "fault" in spec:
            raw = spec["fault"]
            if isinstance(raw, str):
                fault = Fault(raw) if raw in FAULTS else None
            else:
                fault = Fault(raw["type"], duration(here + ("fault", "duration"), raw.get("duration", 2.0)))
        rate = None
        if "rate" in spec:
            rate = (spec["rate"]["requests"], duration(here + ("rate", "per"), spec["rate"]["per"]))
        rules.append(
            Rule(
                index=index,
                match=Match() if bad_regex else Match.parse(match_spec),
                name=spec.get("name"),
                times=times,
                every=spec.get("every"),
                rate=rate,
                respond=respond,
                task=task,
                latency=latency,
                fault=fault,
            )
        )
    seen_ids: set[int] = set()
    tickets = data.get("tickets")
    for index, ticket in enumerate(tickets if isinstance(tickets, list) else []):
        wanted = ticket.get("id") if isinstance(ticket, dict) else None
        if wanted in seen_ids:
            found.append((("tickets", index, "id"), False, f"ticket id {wanted} is given twice"))
        elif index not in skip_tickets and (refused := _seed_problem(ticket)) is not None:
            found.append((("tickets", index), False, f"ticket {index + 1}: {refused}"))
        if wanted is not None:
            seen_ids.add(wanted)
    found.extend(_resource_problems(data.get("resources")))
    if found:
        return None, found
    return (
        Scenario(
            name=data.get("name", ""),
            description=data.get("description", ""),
            seed=data.get("seed", 0),
            keys={token: dict(spec or {}) for token, spec in (data.get("keys") or {}).items()},
            tickets=list(data.get("tickets") or []),
            resources={kind: wanted if isinstance(wanted, int) else tuple(wanted) for kind, wanted in (data.get("resources") or {}).items()},
            rules=rules,
        ),
        [],
    )


def _resource_problems(resources: Any) -> list[tuple[NodePath, bool, str]]:
    """Starting resources naming fields their kind does not have (the
    schema checks kinds and counts; fields depend on each kind's shape)."""
    found: list[tuple[NodePath, bool, str]] = []
    for kind, wanted in (resources or {}).items() if isinstance(resources, dict) else ():
        if kind not in KINDS or not isinstance(wanted, list):
            continue
        fields = KINDS[kind].shape
        for index, partial in enumerate(wanted):
            unknown = sorted(set(partial) - set(fields)) if isinstance(partial, dict) else []
            if unknown:
                found.append((("resources", kind, index), False, f"{kind} has no field {', '.join(map(repr, unknown))}; its fields: {', '.join(fields)}"))
    return found


def _seed_problem(ticket: Any) -> str | None:
    """Why an account could not start with ``ticket``, as the account itself
    would say (its checks include formats the file's JSON Schema only
    annotates, such as email addresses), or ``None``."""
    found = seed_problems([ticket])
    return "; ".join(found).removeprefix("ticket 1: ") if found else None


def _cross_file_marks(data: dict[str, Any], marks: _Marks) -> dict[NodePath, Mark]:
    """The marks ``Scenario.marks`` keeps for the checks across files."""
    kept: dict[NodePath, Mark] = {("name",): marks.at(("name",), key=True)}
    for token, spec in (data.get("keys") or {}).items():
        kept[("keys", token)] = marks.at(("keys", token), key=True)
        if isinstance(spec, dict) and "scenario" in spec:
            kept[("keys", token, "scenario")] = marks.at(("keys", token, "scenario"))
    return kept


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (its wheels are):
the same safe constructor, parsing in C; every server start parses the
bundled files, in a few milliseconds instead of tens."""


def parse_scenario(text: str, path: str = "<scenario>", schema: bool = True) -> tuple[Scenario | None, list[Problem]]:
    """Parse one file's text.  Returns the scenario, or ``None`` and every
    problem found (YAML syntax stops at the first; everything else is
    reported together).  ``schema=False`` skips the JSON Schema pass, for
    files the test suite has already checked (the bundled ones): loading
    jsonschema is most of a server's start-up otherwise."""
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        return None, [Problem(path, 1, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB; scenario files are small")]
    marks = _Marks()
    located: list[tuple[Mark, str]] = []
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None, [Problem(path, 1, 1, "file is empty; a scenario needs at least a name")]
            _survey(root, marks, located)
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except _TooLarge:
        return None, [Problem(path, 1, 1, f"document expands to more than {MAX_NODES} values (aliases count each use)")]
    except _TooDeep as error:
        return None, [Problem(path, *error.mark, f"nested more than {MAX_DEPTH} levels deep")]
    except RecursionError:
        return None, [Problem(path, 1, 1, "nested too deeply to read")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(path, line, column, f"YAML: {error.problem or error.context}")]
    except yaml.YAMLError as error:
        return None, [Problem(path, 1, 1, f"YAML: {error}")]
    if not isinstance(data, dict):
        return None, [Problem(path, 1, 1, "a scenario file must be a mapping with at least a name")]
    problems = [Problem(path, line, column, message) for (line, column), message in located]
    errors = list(_validator().iter_errors(data)) if schema else []
    issues = [_schema_message(error) for error in errors]
    paths = [tuple(error.absolute_path) for error in errors]
    broken_rules = {path[1] for path in paths if len(path) >= 2 and path[0] == "rules"}
    broken_tickets = {path[1] for path in paths if len(path) >= 2 and path[0] == "tickets"}
    if ("rules",) in paths:
        scenario = None
    else:
        scenario, more = _semantic(data, broken_rules, broken_tickets)
        issues.extend(more)
    for where, is_key, message in issues:
        problems.append(Problem(path, *marks.at(where, key=is_key), message))
    problems.sort(key=lambda p: (p.line, p.column))
    if problems:
        return None, problems
    assert scenario is not None, "_semantic builds the scenario whenever it finds no problem"
    scenario.origin = path
    scenario.marks = _cross_file_marks(data, marks)
    return scenario, []


def read_scenario(file: Path, schema: bool = True) -> tuple[Scenario | None, list[Problem]]:
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(str(file), 1, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB; scenario files are small")]
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(str(file), 1, 1, "file is not UTF-8 text")]
    except OSError as error:
        return None, [Problem(str(file), 1, 1, f"cannot read: {error.strerror or error}")]
    return parse_scenario(text, str(file), schema)


def schema_json() -> str:
    return json.dumps(scenario_schema(), indent=2) + "\n"
