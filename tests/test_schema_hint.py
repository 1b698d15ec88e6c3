"""The editor hint the docs give works outside a clone: the file
``portal-mock schema`` writes is the one the documented first line names,
and it validates a real scenario file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
HINT = "# yaml-language-server: $schema=.portal-mock.schema.json"


def test_the_documented_schema_command_writes_the_file_the_hint_names(tmp_path):
    for doc in ("README.md", "docs/scenarios.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert ".venv/bin/portal-mock schema > .portal-mock.schema.json" in text, doc
        assert HINT in text, doc
        assert not re.search(r"\$schema=\.\./portal_mock/", text), f"{doc} still points into a clone"
    written = subprocess.run([sys.executable, "-m", "portal_mock", "schema"], capture_output=True, text=True, timeout=30, check=True).stdout
    (tmp_path / ".portal-mock.schema.json").write_text(written)
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(HINT + "\nname: mine\nrules:\n  - task: {outcome: failure}\n")
    target = re.match(r"# yaml-language-server: \$schema=(\S+)", scenario.read_text())
    assert target
    schema = json.loads((scenario.parent / target.group(1)).read_text())
    jsonschema.validate(yaml.safe_load(scenario.read_text()), schema)
    bad = {"name": "mine", "rules": [{"task": {"outcome": "maybe"}}]}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad)), "the schema catches a bad outcome"
