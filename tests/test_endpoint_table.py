"""The README's endpoint table is the catalog's, as `portal-mock endpoints` prints it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from portal_mock.catalog import ACTIONS
from portal_mock.catalog.table import endpoint_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_table_is_the_one_the_catalog_makes():
    text = README.read_text()
    begin, end = "<!-- endpoints: begin -->\n", "<!-- endpoints: end -->"
    shown = text[text.index(begin) + len(begin) : text.index(end)]
    assert shown == endpoint_table(), "the README's endpoint table drifted: paste `portal-mock endpoints` between its markers"


def test_the_table_has_a_row_per_action_and_the_cli_prints_it():
    printed = subprocess.run([sys.executable, "-m", "portal_mock", "endpoints"], capture_output=True, text=True, check=True).stdout
    assert printed == endpoint_table()
    rows = [line for line in printed.splitlines()[2:] if line.startswith("| ")]
    assert [row.split(" | ")[0].removeprefix("| ").split(" ")[0] for row in rows] == [action.name for action in ACTIONS]
