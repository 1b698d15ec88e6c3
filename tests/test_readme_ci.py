"""The README's CI recipe, run as the README gives it: the ``sh`` block
under "In CI" goes to bash, and what it prints must be what the README says
it prints (the plain block after it)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def ci_section() -> tuple[str, str]:
    """The recipe and its promised output: the first ``sh`` fence under the
    heading that starts "### In CI", and the first plain fence after it."""
    text = README.read_text(encoding="utf-8")
    heading = re.search(r"^### In CI\b.*$", text, re.M)
    assert heading, "the README has no '### In CI' section"
    section = text[heading.end() :]
    following = re.search(r"^#{2,6} ", section, re.M)  # the next heading (a "# " line is a shell comment)
    section = section[: following.start()] if following else section
    recipe = re.search(r"^```sh\n(.*?)^```$", section, re.M | re.S)
    assert recipe, "no sh block in the CI section"
    output = re.search(r"^```\n(.*?)^```$", section[recipe.end() :], re.M | re.S)
    assert output, "no output block after the CI recipe"
    return recipe.group(1), output.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_readme_ci_recipe_runs_and_prints_what_the_readme_says(tmp_path):
    recipe, promised = ci_section()
    assert "PORT=${PORT:-" in recipe, "the recipe takes its port from PORT, so this test can pick a free one"
    # The recipe runs from the directory holding .venv; here that is this
    # interpreter's environment, wherever it lives.
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "bin").symlink_to(Path(sys.executable).parent)
    (tmp_path / "ci.sh").write_text(recipe, encoding="utf-8")
    env = {**os.environ, "PORT": str(free_port())}
    process = subprocess.Popen(
        ["bash", "ci.sh"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"the recipe did not finish in 60 s:\n{stdout}\n{stderr}")
    assert process.returncode == 0, f"{stdout}\n{stderr}"
    assert stdout == promised, stderr
