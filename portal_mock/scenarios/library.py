"""The set of scenarios a server knows: the bundled ones plus the user's.

A catalog is immutable once built.  Reloading builds a new one from the
files and swaps it in only when every file is valid, so a typo in an edited
file is reported and the last good set keeps serving.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from portal_mock.domain.redaction import redact
from portal_mock.scenarios.files import Problem, read_scenario
from portal_mock.scenarios.rules import Scenario

DEFAULT = "default"


def bundled_dir() -> Path:
    """The scenarios installed with the package, as package data beside
    this module."""
    return Path(__file__).resolve().parent / "bundled"


def scenario_files(directory: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files directly inside ``directory``, sorted.
    Links that lead outside the directory are skipped: names and files never
    reach beyond the directories the server was given."""
    if not directory.is_dir():
        return []
    root = directory.resolve()
    found = []
    for path in sorted(directory.iterdir()):
        if path.suffix in (".yaml", ".yml") and path.is_file() and path.resolve().parent == root:
            found.append(path)
    return found


@dataclass
class Catalog:
    scenarios: dict[str, Scenario]
    notices: list[str] = field(default_factory=list)
    user_dirs: tuple[Path, ...] = ()

    def get(self, name: str) -> Scenario | None:
        return self.scenarios.get(name)

    @property
    def names(self) -> list[str]:
        return sorted(self.scenarios)


class CatalogError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _first_line(scenario: Scenario, needle: str) -> int:
    """The line of ``needle`` in the scenario's file (for cross-file problems)."""
    try:
        for number, line in enumerate(Path(scenario.origin).read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    except OSError:
        pass
    return 1


def load_catalog(user_dirs: Iterable[Path | str] = ()) -> Catalog:
    """Read the bundled scenarios, then each user directory in order.

    A user file may replace a bundled scenario of the same name (a notice
    says so); two user files with one name, a key declared twice, or a key
    bound to a scenario that does not exist are problems.  Raises
    ``CatalogError`` with every problem of every file.
    """
    dirs = tuple(Path(d) for d in user_dirs)
    problems: list[Problem] = []
    notices: list[str] = []
    scenarios: dict[str, Scenario] = {}
    bundled: set[str] = set()
    for tier, directory in [("bundled", bundled_dir())] + [("user", d) for d in dirs]:
        if tier == "user" and not directory.is_dir():
            problems.append(Problem(str(directory), 1, 1, "not a directory"))
            continue
        for file in scenario_files(directory):
            scenario, found = read_scenario(file, schema=tier == "user")
            problems.extend(found)
            if scenario is None:
                continue
            previous = scenarios.get(scenario.name)
            if previous is not None and scenario.name in bundled and tier == "user":
                notices.append(f"scenario {scenario.name!r} from {file} overrides the bundled one")
                bundled.discard(scenario.name)
            elif previous is not None:
                line = _first_line(scenario, "name:")
                problems.append(Problem(str(file), line, 1, f"duplicate scenario name {scenario.name!r} (also in {previous.origin})"))
                continue
            if tier == "bundled":
                bundled.add(scenario.name)
            scenarios[scenario.name] = scenario
    owners: dict[str, Scenario] = {}
    for scenario in scenarios.values():
        for token, spec in scenario.keys.items():
            if token in owners:
                problems.append(Problem(scenario.origin, _first_line(scenario, token), 1, f"key {redact(token)} is also declared in {owners[token].origin}"))
            owners[token] = scenario
            bound = spec.get("scenario")
            if bound and bound not in scenarios:
                problems.append(Problem(scenario.origin, _first_line(scenario, bound), 1, f"key is bound to unknown scenario {bound!r}"))
    if DEFAULT not in scenarios:
        problems.append(Problem(str(bundled_dir()), 1, 1, "no 'default' scenario"))
    if problems:
        raise CatalogError(problems)
    return Catalog(scenarios, notices, dirs)


def fingerprint(dirs: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """What changes when a user edits, adds or removes a scenario file."""
    marks = []
    for directory in dirs:
        for file in scenario_files(Path(directory)):
            try:
                stat = file.stat()
            except OSError:
                continue
            marks.append((str(file), stat.st_mtime_ns, stat.st_size))
    return tuple(marks)
