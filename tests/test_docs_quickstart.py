"""docs/scenarios.md's ten-line quick start, pasted as written: the file is
saved where the page says, its shell blocks run in order, and each prints
the output the page shows under it, dates aside."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import start, stop

PAGE = Path(__file__).resolve().parent.parent / "docs" / "scenarios.md"
DOCUMENTED_URL = "http://127.0.0.1:8080"
CLI = ".venv/bin/portal-mock"
TIMES = re.compile(r"\b1[0-9]{9}\b")


def quickstart() -> tuple[str, list[tuple[str, str]]]:
    """The section's scenario file and its (shell block, output block) pairs."""
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Ten lines:", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    (kind, scenario), *rest = blocks
    assert kind == "yaml"
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for kind, body in rest:
        if kind == "sh":
            pending = body
        else:
            assert pending is not None, "an output block follows a shell block"
            pairs.append((pending, body))
            pending = None
    return scenario, pairs


@pytest.mark.skipif(shutil.which("curl") is None, reason="the quick start uses curl")
def test_the_quickstart_prints_what_the_page_shows(tmp_path):
    scenario, pairs = quickstart()
    (tmp_path / "my-scenarios").mkdir()
    (tmp_path / "my-scenarios" / "one-key-fails.yaml").write_text(scenario)
    (validate, validated), (curls, answered) = pairs
    cli = str(Path(sys.executable).parent / "portal-mock")
    check = subprocess.run(["bash", "-e", "-c", validate.replace(CLI, cli)], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert check.returncode == 0 and check.stdout.strip() == validated.strip(), check.stderr
    serve = re.search(rf"^{re.escape(CLI)} serve (.*)$", PAGE.read_text(encoding="utf-8"), re.M)
    assert serve, "the page says how to serve the file"
    process, url, _ = _start_in(tmp_path, serve.group(1).split())
    try:
        run = subprocess.run(["bash", "-e", "-c", curls.replace(DOCUMENTED_URL, url)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    finally:
        stop(process)
    assert run.returncode == 0, run.stderr
    assert TIMES.sub("<unix time>", run.stdout).strip() == TIMES.sub("<unix time>", answered).strip()


def _start_in(directory: Path, flags: list[str]) -> tuple[subprocess.Popen, str, list[str]]:
    """``helpers.start`` with relative ``--scenarios`` paths made absolute."""
    absolute = [str(directory / flag) if flag.endswith("/") else flag for flag in flags]
    return start(*absolute)
