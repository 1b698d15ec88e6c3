"""What the ``portal_mock`` fixture costs a test, against pytest-httpserver.

Generates test files of the same N tests in a temporary directory and runs
each with pytest in a subprocess:

* ``baseline``: the test body alone, no fixture, no HTTP;
* ``pytest-httpserver``: its ``httpserver`` fixture, one expectation and
  one GET over a socket;
* ``portal-mock``: the ``portal_mock`` fixture (a fresh key and account)
  and one GET of ``/v1/ticket`` over a socket;
* ``portal-mock, no socket``: the same through ``portal_mock.transport``.

Every file shares one httpx client across its tests, so each variant pays
for its fixture and its request, not for building clients.  A small plugin
stamps the time as each test starts and as the last one ends; a
test's cost is the time from its start to the next test's start, which
includes everything pytest and the fixture do between tests.  The first
test pays for imports and for starting servers and is reported apart; of
the others, the median is the figure (a machine shared with other work
disturbs some tests, and a median ignores them) and the mean is shown
too.  Overhead is a variant's median minus the baseline's.  The variants
run one after another, ``--rounds`` times, alternating; the round medians'
median is reported.

Writes its section of ``bench/RESULTS.md`` (between the markers below) and
leaves the rest of the file alone; ``--smoke`` runs a few tests, prints the
report and writes nothing (the test suite runs that).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from sections import commit, write  # noqa: E402  (a script beside this one, not a package)

TIMER = '''
import json, os, time

stamps = []
ended = []


def pytest_runtest_logstart(nodeid, location):
    stamps.append(time.perf_counter())


def pytest_runtest_logfinish(nodeid, location):
    ended[:] = [time.perf_counter()]


def pytest_sessionfinish(session, exitstatus):
    stamps.extend(ended)
    with open(os.environ["FIXTURE_BENCH_OUT"], "w") as out:
        json.dump({"stamps": stamps, "failed": session.testsfailed}, out)
'''

CLIENT = '''
import ssl

import httpx
import pytest

CLIENT = httpx.Client(verify=ssl.create_default_context())
'''

VARIANTS = {
    "baseline": CLIENT + '''

@pytest.mark.parametrize("n", range({tests}))
def test_request(n):
    assert n >= 0
''',
    "pytest-httpserver": CLIENT + '''

@pytest.mark.parametrize("n", range({tests}))
def test_request(httpserver, n):
    httpserver.expect_request("/v1/ticket").respond_with_json([])
    assert CLIENT.get(httpserver.url_for("/v1/ticket")).status_code == 200
''',
    "portal-mock": CLIENT + '''

@pytest.mark.parametrize("n", range({tests}))
def test_request(portal_mock, n):
    assert CLIENT.get(portal_mock.url + "/v1/ticket", headers=portal_mock.headers).status_code == 200
''',
    "portal-mock, no socket": CLIENT + '''

@pytest.fixture(scope="session")
def in_process(portal_mock_server):
    with httpx.Client(transport=portal_mock_server.transport()) as client:
        yield client


@pytest.mark.parametrize("n", range({tests}))
def test_request(portal_mock, in_process, n):
    assert in_process.get(portal_mock.url + "/v1/ticket", headers=portal_mock.headers).status_code == 200
''',
}


@dataclass
class Run:
    variant: str
    first_ms: float
    per_test_ms: float
    mean_ms: float
    wall_s: float


def run(variant: str, directory: Path, tests: int) -> Run:
    """One pytest process over one generated file."""
    name = "test_" + variant.replace("-", "_").replace(", ", "_").replace(" ", "_") + ".py"
    (directory / name).write_text(VARIANTS[variant].format(tests=tests))
    out = directory / f"{name}.json"
    env = {**os.environ, "FIXTURE_BENCH_OUT": str(out), "PYTHONPATH": str(directory)}
    env.pop("PORTAL_MOCK_URL", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "fixture_bench_timer", "-p", "no:cacheprovider", name]
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"{variant}: pytest failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}")
    stamps = json.loads(out.read_text())["stamps"]
    each = [(later - earlier) * 1000 for earlier, later in zip(stamps[1:], stamps[2:], strict=False)]
    return Run(variant, (stamps[1] - stamps[0]) * 1000, statistics.median(each), statistics.fmean(each), wall)


def measure(tests: int, rounds: int) -> dict[str, list[Run]]:
    runs: dict[str, list[Run]] = {variant: [] for variant in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="fixture-bench-") as temporary:
        directory = Path(temporary)
        (directory / "fixture_bench_timer.py").write_text(TIMER)
        for number in range(rounds):
            order = list(VARIANTS) if number % 2 == 0 else list(reversed(VARIANTS))
            for variant in order:
                result = run(variant, directory, tests)
                runs[variant].append(result)
                print(f"round {number + 1}: {variant}: {result.per_test_ms:.3f} ms per test (median)", file=sys.stderr)
    return runs


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def report(runs: dict[str, list[Run]], tests: int, rounds: int) -> str:
    base = statistics.median(r.per_test_ms for r in runs["baseline"])
    lines = [
        "## pytest fixture overhead",
        "",
        f"`python bench/fixture_overhead.py --tests {tests} --rounds {rounds}`: {tests} tests per file, each variant run {rounds} times"
        " alternately. A test's cost is from its start to the next test's start, everything pytest and the fixture do included;",
        "the median over the tests after the first, then over the rounds. Overhead is that less the baseline's (the same tests",
        "with no fixture and no HTTP). See `bench/README.md`.",
        "",
        "| variant | per test (median) | overhead per test | per test (mean) | first test | whole pytest run |",
        "|---|---|---|---|---|---|",
    ]
    for variant, results in runs.items():
        per_test = statistics.median(r.per_test_ms for r in results)
        overhead = "—" if variant == "baseline" else f"{per_test - base:.3f} ms"
        mean = statistics.median(r.mean_ms for r in results)
        first = statistics.median(r.first_ms for r in results)
        wall = statistics.median(r.wall_s for r in results)
        lines.append(f"| {variant} | {per_test:.3f} ms | {overhead} | {mean:.3f} ms | {first:.1f} ms | {wall:.2f} s |")
    each = "; ".join(f"{variant} " + ", ".join(f"{r.per_test_ms:.3f}" for r in results) for variant, results in runs.items())
    lines += [
        "",
        f"Each round's median, ms per test: {each}.",
        "",
        f"Commit {commit()}; Python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs;"
        f" pytest {_version('pytest')}, pytest-httpserver {_version('pytest-httpserver')}, httpx {_version('httpx')},"
        f" uvicorn {_version('uvicorn')}, portal-mock {_version('portal-mock')}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=200, help="tests per file (default: 200)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each variant; medians are reported (default: 3)")
    parser.add_argument("--smoke", action="store_true", help="5 tests, 1 round, print the report, write nothing: proves the harness works")
    args = parser.parse_args(argv)
    tests, rounds = (5, 1) if args.smoke else (args.tests, args.rounds)
    if tests < 2 or rounds < 1:
        parser.error("--tests must be at least 2 and --rounds at least 1")
    section = report(measure(tests, rounds), tests, rounds)
    if args.smoke:
        print(section)
    else:
        write("fixture_overhead.py", section)
        print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
