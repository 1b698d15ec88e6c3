"""The fixture benchmark's harness runs (its numbers are not judged here)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

from helpers import LEAN_ADDOPTS

BENCH = Path(__file__).resolve().parent.parent / "bench" / "fixture_overhead.py"


def test_the_fixture_benchmark_runs_every_variant():
    # Its runs' asserts need no rewriting to say whether the harness works;
    # rewriting faker's modules (a plugin's package) would be most of their time.
    env = {**os.environ, "PYTEST_ADDOPTS": f"{LEAN_ADDOPTS} --assert=plain"}
    finished = subprocess.run([sys.executable, str(BENCH), "--smoke"], capture_output=True, text=True, timeout=300, env=env)
    assert finished.returncode == 0, finished.stderr
    rows = [line.split(" | ")[0].lstrip("| ") for line in finished.stdout.splitlines() if line.startswith("| ") and "ms" in line]
    assert rows == ["baseline", "pytest-httpserver", "portal-mock", "portal-mock, no socket"]


def test_its_section_of_the_results_is_replaced_and_the_rest_kept(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH.parent))
    sections = importlib.import_module("sections")
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Throughput\n\nother numbers\n")
    sections.write("fixture_overhead.py", "## pytest fixture overhead\n\nfirst\n", results)
    sections.write("lists.py", "## Lists\n\nkept\n", results)
    sections.write("fixture_overhead.py", "## pytest fixture overhead\n\nsecond\n", results)
    text = results.read_text()
    assert text.startswith("# Benchmark results\n\n## Throughput\n\nother numbers\n\n")
    assert "second" in text and "first" not in text and "kept" in text
    assert text.count("<!-- fixture_overhead.py: begin -->") == 1
    assert text.index("second") < text.index("kept")
