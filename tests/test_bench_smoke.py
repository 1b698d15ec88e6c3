"""The benchmark harness still runs end to end (``bench/run.py --smoke``).

Only that it works is checked, never how fast anything was: the bench is run
by hand and its results committed.  ``--smoke`` uses the harness's own Python
load generator, so this runs where wrk is not installed (CI installs with
pip alone).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bench reads /proc and pins CPUs: Linux only")


def test_smoke_run_writes_a_complete_report(tmp_path):
    output = tmp_path / "RESULTS.md"
    kept = "<!-- fixture_overhead.py: begin -->\n## pytest fixture overhead\n\nnumbers\n<!-- fixture_overhead.py: end -->\n"
    output.write_text("# an older report\n\n" + kept)
    result = subprocess.run([sys.executable, str(RUN), "--smoke", "--output", str(output)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = output.read_text()
    assert "an older report" not in report and report.endswith("\n" + kept), "another script's section survives the rewrite"
    for row in ("| ticket:add | 1 |", "| ticket:add | 4 |", "| task:show | 1 |", "| task:show | 4 |"):
        assert row in report
    for section in ("## Machine and versions", "## Start-up and idle memory", "## Memory under load", "## Targets"):
        assert section in report
    assert "| task statuses seen by the polls | success 200 |" in report
    assert "built-in Python load generator" in report


def test_full_run_without_wrk_says_how_to_install_it(tmp_path):
    result = subprocess.run(
        [sys.executable, str(RUN), "--output", str(tmp_path / "RESULTS.md")],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": str(tmp_path)},
    )
    assert result.returncode == 2
    assert "apt-get install -y wrk" in result.stderr
    assert not (tmp_path / "RESULTS.md").exists()


def test_the_list_cost_bench_runs_and_reports_every_size():
    script = RUN.parent / "lists.py"
    result = subprocess.run([sys.executable, str(script), "--smoke"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith(("| ticket |", "| ssh-key |"))]
    assert len(rows) == 4, result.stdout


def test_the_soak_bench_runs_its_three_phases_without_error():
    script = RUN.parent / "soak.py"
    result = subprocess.run([sys.executable, str(script), "--smoke"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = {line.split(" | ")[0].removeprefix("| "): line.split(" | ") for line in result.stdout.splitlines() if line.startswith("| ")}
    assert {"soak", "storm", "journal"} <= set(rows), result.stdout
    assert all(rows[phase][2] == "0" for phase in ("soak", "storm", "journal")), result.stdout
