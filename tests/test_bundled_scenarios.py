"""Each bundled scenario, through HTTP, doing what its description says."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from portal_mock.scenarios.library import bundled_dir, load_catalog

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = [
    "default", "slow", "task-failure", "task-rejected", "unauthorized", "forbidden", "invalid-input", "flaky", "rate-limited", "never-resolves", "latency",
]


def test_every_bundled_scenario_is_there_with_a_description():
    catalog = load_catalog()
    assert set(BUNDLED) <= set(catalog.names)
    for name in BUNDLED:
        assert catalog.get(name).description


def test_bundled_scenarios_ship_inside_the_wheel(tmp_path):
    """Build the wheel as ``pip install .`` would (from a copy of the
    sources, so the checkout gets no ``build/``) and look inside it."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "portal_mock", source / "portal_mock", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("portal_mock-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    bundled = {f"portal_mock/scenarios/bundled/{path.name}" for path in bundled_dir().glob("*.yaml")}
    assert {f"portal_mock/scenarios/bundled/{name}.yaml" for name in BUNDLED} <= bundled <= shipped
    assert {"portal_mock/scenarios/scenario.schema.json", "portal_mock/py.typed"} <= shipped
    dashboard = {"templates/base.html", "templates/dashboard.html", "templates/login.html", "static/dashboard.js", "static/dashboard.css"}
    assert {f"portal_mock/http/{name}" for name in dashboard} <= shipped


def test_default_succeeds_after_the_task_delay(client):
    client.use("default")
    task = client.finish(client.add_ticket())
    assert task["status"] == "success"


def test_slow_takes_thirty_seconds(client):
    client.use("slow")
    location = client.add_ticket().headers["location"]
    client.advance(29.9)
    assert client.http.get(location).json()["status"] == "pending"
    client.advance(0.1)
    assert client.http.get(location).json()["status"] == "success"


@pytest.mark.parametrize("scenario, outcome", [("task-failure", "failure"), ("task-rejected", "rejected")])
def test_task_outcomes(client, scenario, outcome):
    client.use(scenario)
    task = client.finish(client.add_ticket())
    assert task["status"] == outcome
    assert task["identity"] == f"ticket:add ({outcome})"
    assert task["errors"]["message"]
    assert task["resource"] is None


def test_unauthorized_refuses_everything(client):
    client.use("unauthorized")
    for response in (client.add_ticket(), client.http.get("/v1/task/00000000-0000-4000-8000-000000000000")):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.headers["nocworx-api-version"] == "0.5.0"


def test_forbidden_refuses_changes_but_not_reads(client):
    client.use("forbidden")
    assert client.add_ticket().status_code == 403
    assert client.http.get("/v1/task/00000000-0000-4000-8000-000000000000").status_code == 404


def test_forbidden_declares_a_view_only_key(anonymous):
    response = anonymous.post("/v1/ticket", json={"department": "support", "subject": "x"}, headers={"Authorization": "Bearer view-only-key"})
    assert response.status_code == 403


def test_invalid_input_names_fields(client):
    client.use("invalid-input")
    response = client.add_ticket()
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"subject", "department"}


def test_flaky_fails_every_third_request(client):
    client.use("flaky")
    statuses = [client.add_ticket().status_code for _ in range(6)]
    assert statuses == [202, 202, 503, 202, 202, 503]
    third = [client.add_ticket() for _ in range(3)][-1]
    assert third.headers["retry-after"] == "1"


def test_rate_limited_after_five_requests_in_the_window(client):
    client.use("rate-limited")
    statuses = [client.add_ticket().status_code for _ in range(7)]
    assert statuses == [202] * 5 + [429, 429]
    limited = client.add_ticket()
    assert limited.headers["retry-after"] == "10"
    client.advance(4)
    assert client.add_ticket().headers["retry-after"] == "6"
    client.advance(6)
    assert client.add_ticket().status_code == 202


def test_never_resolves(client):
    client.use("never-resolves")
    location = client.add_ticket().headers["location"]
    client.advance(365 * 24 * 3600)
    assert client.http.get(location).json()["status"] == "pending"


def test_latency_delays_responses_within_its_range(client):
    client.use("latency")
    started = time.perf_counter()
    for _ in range(3):
        assert client.add_ticket().status_code == 202
    elapsed = time.perf_counter() - started
    assert elapsed >= 3 * 0.05
