"""The README's curl sections, pasted as written: each section's first
shell block starts ``portal-mock serve``, the others run in order in one
bash session against a fresh server started with those flags, and each
prints exactly the sample output the README shows under it, dates aside
(the default seed fixes every id, UUID and name)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import start, stop

README = Path(__file__).resolve().parent.parent / "README.md"
DOCUMENTED_URL = "http://127.0.0.1:8080"
MARK = "=== portal-mock walk-through block ==="
DATES = [
    (re.compile(r"^date: .*$", re.M), "date: <date>"),
    (re.compile(r"\b1[0-9]{9}\b"), "<unix time>"),
    (re.compile(r"\b[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\b"), "<post date>"),
]


SECTIONS = ["## A walk-through with curl", "## Scenarios: the hard cases on demand"]
SERVE = ".venv/bin/portal-mock serve "


def shell_steps(heading: str) -> list[tuple[str, str | None]]:
    """The section's shell blocks, each with the sample output that follows it."""
    text = README.read_text(encoding="utf-8")
    section = text.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    steps: list[tuple[str, str | None]] = []
    for kind, body in blocks:
        if kind == "sh":
            steps.append((body, None))
        else:
            assert steps and steps[-1][1] is None, "an output block follows a shell block"
            steps[-1] = (steps[-1][0], body)
    return steps


def undated(text: str) -> str:
    for pattern, placeholder in DATES:
        text = pattern.sub(placeholder, text)
    return text.replace("\r\n", "\n").strip()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the walk-through uses curl")
@pytest.mark.parametrize("heading", SECTIONS)
def test_every_block_prints_what_the_readme_shows(tmp_path, heading):
    (serve, _), *steps = shell_steps(heading)
    assert serve.startswith(SERVE) and serve.count("\n") == 1, "the section starts with the server it talks to"
    assert steps and all(output is not None for _, output in steps), "every step shows its output"
    process, url, _ = start(*serve[len(SERVE) :].split())
    try:
        script = "\n".join(f"echo '{MARK}'\n{command.replace(DOCUMENTED_URL, url)}" for command, _ in steps)
        run = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    finally:
        stop(process)
    assert run.returncode == 0, run.stderr
    printed = run.stdout.split(MARK + "\n")[1:]
    assert len(printed) == len(steps)
    for (command, expected), actual in zip(steps, printed, strict=True):
        assert expected is not None
        assert undated(actual) == undated(expected), f"the output of:\n{command}"
