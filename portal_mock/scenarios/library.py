"""The set of scenarios a server knows: the bundled ones plus the user's.

A catalog is immutable once built.  Reloading builds a new one from the
files and swaps it in only when every file is valid, so a typo in an edited
file is reported and the last good set keeps serving.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from portal_mock.domain.errors import UnknownName
from portal_mock.domain.redaction import redact
from portal_mock.scenarios.files import Problem, read_scenario
from portal_mock.scenarios.rules import Scenario

DEFAULT = "default"


def bundled_dir() -> Path:
    """The scenarios installed with the package, as package data beside
    this module."""
    return Path(__file__).resolve().parent / "bundled"


def scenario_files(directory: Path) -> list[Path]:
    """The scenario files directly inside ``directory``, sorted (see
    ``scenario_entries``; what it refuses is left out)."""
    return scenario_entries(directory)[0]


def scenario_entries(directory: Path) -> tuple[list[Path], list[Problem]]:
    """The ``*.yaml``/``*.yml`` files directly inside ``directory``, sorted,
    and a problem for each such name that cannot be read as one: a link
    that leads outside the directory (names and files never reach beyond
    the directories the server was given) or something that is not a
    regular file (a directory, a pipe).  Refusing them rather than passing
    over them means a file replaced by a link stops a start-up or a reload
    with a reason, instead of silently taking its scenario and keys away.
    Hidden names (``.draft.yaml``, an editor's or an atomic write's
    temporary file) are not scenario files."""
    if not directory.is_dir():
        return [], []
    root = directory.resolve()
    found: list[Path] = []
    problems: list[Problem] = []
    for path in sorted(directory.iterdir()):
        if path.suffix not in (".yaml", ".yml") or path.name.startswith("."):
            continue
        if path.resolve().parent != root:
            problems.append(Problem(str(path), 1, 1, f"not read: a link to {path.resolve()}, outside {root}; copy the file into the directory instead"))
        elif not path.is_file():
            problems.append(Problem(str(path), 1, 1, "not read: not a regular file"))
        else:
            found.append(path)
    return found, problems


@dataclass
class Catalog:
    """The scenarios by name; ``notices`` says which user files replaced a
    bundled one; ``user_dirs`` are the paths given (directories or files),
    which the reload watcher watches; ``files`` are the user files read."""

    scenarios: dict[str, Scenario]
    notices: list[str] = field(default_factory=list)
    user_dirs: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()

    def get(self, name: str) -> Scenario | None:
        return self.scenarios.get(name)

    @property
    def names(self) -> list[str]:
        return sorted(self.scenarios)


class CatalogError(Exception):
    """Every problem of a set of scenario files; ``files`` are the user
    files that were read (``validate`` counts the valid ones)."""

    def __init__(self, problems: list[Problem], files: tuple[Path, ...] = ()) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
        self.files = files


def user_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The scenario files ``paths`` name (a file itself, a directory's
    ``scenario_files``), each once, in order; a path that is neither is a
    problem."""
    files: list[Path] = []
    seen: set[Path] = set()
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found, refused = scenario_entries(path)
            problems.extend(refused)
        elif path.is_file():
            found = [path]
        else:
            problems.append(Problem(str(path), 1, 1, "no such file or directory"))
            continue
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files, problems


def load_catalog(paths: Iterable[Path | str] = ()) -> Catalog:
    """The one check of scenario files: ``portal-mock validate``, ``serve
    --scenarios``, the reload watcher and the pytest plugin's
    ``portal_mock_scenarios`` all call it, so none passes what another
    refuses.

    Reads the bundled scenarios, then each path in order (a file, or the
    scenario files directly inside a directory).  A user file may replace a
    bundled scenario of the same name (a notice says so); two user files
    with one name, a key declared twice (bundled keys included), a key bound
    to a scenario that does not exist, and everything ``read_scenario``
    finds are problems.  Raises ``CatalogError`` with every problem of every
    file, each at its ``file:line:col``.
    """
    given = tuple(Path(p) for p in paths)
    files, problems = user_files(given)
    notices: list[str] = []
    scenarios: dict[str, Scenario] = {}
    bundled: set[str] = set()
    sources = [(file, True) for file in scenario_files(bundled_dir())] + [(file, False) for file in files]
    for file, shipped in sources:
        scenario, found = read_scenario(file, schema=not shipped)
        problems.extend(found)
        if scenario is None:
            continue
        previous = scenarios.get(scenario.name)
        if previous is not None and scenario.name in bundled and not shipped:
            if Path(previous.origin).resolve() != file.resolve():  # not the bundled file itself, as validated
                notices.append(f"scenario {scenario.name!r} from {file} overrides the bundled one")
            bundled.discard(scenario.name)
        elif previous is not None:
            problems.append(Problem(str(file), *scenario.mark("name"), f"duplicate scenario name {scenario.name!r} (also in {previous.origin})"))
            continue
        if shipped:
            bundled.add(scenario.name)
        scenarios[scenario.name] = scenario
    owners: dict[str, Scenario] = {}
    for scenario in scenarios.values():
        for token, spec in scenario.keys.items():
            if token in owners:
                problems.append(Problem(scenario.origin, *scenario.mark("keys", token), f"key {redact(token)} is also declared in {owners[token].origin}"))
            owners.setdefault(token, scenario)
            bound = spec.get("scenario")
            if bound and bound not in scenarios:
                problems.append(Problem(scenario.origin, *scenario.mark("keys", token, "scenario"), UnknownName("scenario", bound, scenarios).message))
    if DEFAULT not in scenarios:
        problems.append(Problem(str(bundled_dir()), 1, 1, "no 'default' scenario"))
    if problems:
        raise CatalogError(problems, tuple(files))
    return Catalog(scenarios, notices, given, tuple(files))


def fingerprint(paths: Iterable[Path]) -> tuple[tuple[str, int, int, int, int], ...]:
    """What changes when a user edits, adds, removes, replaces (by a link
    too) or changes the permissions of a scenario file."""
    files, refused = user_files(paths)
    marks = [(problem.path, -1, -1, -1, -1) for problem in refused]
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            marks.append((str(file), -1, -1, -1, -1))
            continue
        marks.append((str(file), stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino))
    return tuple(marks)
