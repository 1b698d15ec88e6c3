"""What the bench scripts share: their sections of ``bench/RESULTS.md``
(each between its own markers, the rest of the file left alone) and the
description of the commit measured."""

from __future__ import annotations

import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"


def commit() -> str:
    """The commit measured, and whether the tree had changes beyond the results."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=BENCH, capture_output=True, text=True).stdout.strip()

    found = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = [line for line in git("status", "--porcelain").splitlines() if not line.endswith("bench/RESULTS.md")]
    return f"{found} with local changes" if dirty else found


def write(name: str, section: str, path: Path = RESULTS) -> None:
    """Replace the section of ``path`` marked with ``name`` (or add it), keeping the rest."""
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    block = f"{begin}\n{section}{end}\n"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end + "\n")
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)
