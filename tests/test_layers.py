"""The layers below HTTP know nothing of it: no module under domain/,
scenarios/, engine/ or catalog/ imports Starlette or ``portal_mock.http``,
at the top of a file or inside a function, and importing all of them loads
no Starlette."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "portal_mock"
BELOW_HTTP = ("domain", "scenarios", "engine", "catalog")
FORBIDDEN = ("starlette", "portal_mock.http")


def modules() -> list[tuple[str, Path]]:
    """Every module of the layers below HTTP, by dotted name."""
    found = []
    for layer in BELOW_HTTP:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def imported(module: str, path: Path) -> set[str]:
    """What a module's import statements name, anywhere in the file;
    relative imports resolved against the module's package."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def forbidden(name: str) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in FORBIDDEN)


def test_every_layer_is_there():
    assert {name.split(".")[1] for name, _ in modules()} == set(BELOW_HTTP)


@pytest.mark.parametrize("module, path", modules(), ids=[name for name, _ in modules()])
def test_no_import_of_http_or_starlette(module, path):
    assert sorted(name for name in imported(module, path) if forbidden(name)) == []


def test_the_imports_are_read_wherever_they_are(tmp_path):
    """The checker itself: a function-level import and a relative one count."""
    source = tmp_path / "sample.py"
    source.write_text("def late():\n    from starlette.responses import Response\n\nfrom ..http import wire\n")
    names = imported("portal_mock.engine.sample", source)
    assert {"starlette.responses", "portal_mock.http", "portal_mock.http.wire"} <= names
    assert all(forbidden(name) for name in ("starlette.responses", "portal_mock.http.wire"))
    assert not forbidden("portal_mock.httpish") and not forbidden("starlettes")


def test_importing_every_module_below_http_loads_no_starlette():
    names = [name for name, _ in modules()]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'starlette' or m.startswith(('starlette.', 'portal_mock.http'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
