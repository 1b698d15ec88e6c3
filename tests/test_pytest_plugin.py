"""The pytest plugin from the outside: test files in a fresh directory, with
no conftest, run by pytest as a user would run them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import httpcore  # noqa: F401
import pytest
from helpers import LEAN_ADDOPTS, start, stop, wait_until_serving

import portal_mock.testing.fixture  # noqa: F401

pytest_plugins = ["pytester"]
# pytester's in-process runs unload the modules first imported inside them.
# httpx imports httpcore on first use and maps its exceptions by class, so
# an httpcore unloaded and imported again would slip past that map: what
# the plugin imports on first use is imported here, once.

HELPERS = '''
import httpx
import pytest

TICKET = {"department": "support", "subject": "Site is down"}


def portal(portal_mock):
    return httpx.Client(base_url=portal_mock.url, headers=portal_mock.headers)


def finished(portal_mock, **fields):
    """Add a ticket, let its task fall due, and read the task."""
    with portal(portal_mock) as http:
        location = http.post("/v1/ticket", json={**TICKET, **fields}).headers["location"]
        portal_mock.advance(2)
        return http.get(location).json()
'''


@pytest.fixture(autouse=True)
def lean_runs(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs load only the plugins they use (``helpers.LEAN_ADDOPTS``).
    Set after pytester's own set-up, which clears ``PYTEST_ADDOPTS``."""
    monkeypatch.setenv("PYTEST_ADDOPTS", LEAN_ADDOPTS)


def in_a_subprocess(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """``runpytest_subprocess`` without assert rewriting: these runs check
    what the plugin does across processes, and rewriting faker's modules (the
    package of a plugin, so pytest rewrites it) would be most of their time."""
    return pytester.runpytest_subprocess("--assert=plain", *args)


def write_tests(pytester: pytest.Pytester, body: str, name: str = "test_portal") -> Path:
    return pytester.makepyfile(**{name: HELPERS + textwrap.dedent(body)})


def test_installing_portal_mock_is_enough(pytester):
    write_tests(
        pytester,
        """
        def test_add(portal_mock):
            assert finished(portal_mock)["status"] == "success"
        """,
    )
    assert not list(pytester.path.glob("conftest.py"))
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_session_that_never_asks_starts_nothing(pytester):
    pytester.makepyfile(
        """
        import sys

        def test_without_the_fixture():
            loaded = {"portal_mock.http.app", "portal_mock.testing.fixture", "portal_mock.testing.control_client"} & set(sys.modules)
            assert not loaded
        """
    )
    in_a_subprocess(pytester).assert_outcomes(passed=1)


def test_markers_are_registered_and_work_under_strict_markers(pytester):
    write_tests(
        pytester,
        """
        from portal_mock import ControlAPIError


        def test_default_is_the_default_scenario_on_a_manual_clock(portal_mock):
            assert portal_mock.clock.kind == "manual" and portal_mock.scenario is None
            assert finished(portal_mock)["status"] == "success"


        @pytest.mark.portal_scenario("task-failure")
        def test_scenario(portal_mock):
            assert portal_mock.scenario == "task-failure"
            assert finished(portal_mock)["status"] == "failure"


        @pytest.mark.portal_scenario("task-rejected")
        class TestAClassMarker:
            def test_applies_to_its_tests(self, portal_mock):
                assert finished(portal_mock)["status"] == "rejected"

            @pytest.mark.portal_scenario("task-failure")
            def test_the_closest_marker_wins(self, portal_mock):
                assert finished(portal_mock)["status"] == "failure"


        @pytest.mark.portal_clock("real")
        def test_real_clock(portal_mock):
            assert portal_mock.clock.kind == "real"
            with pytest.raises(ControlAPIError) as refused:
                portal_mock.advance(1)
            assert refused.value.status == 409


        @pytest.mark.portal_clock("scaled", 100)
        def test_scaled_clock(portal_mock):
            assert portal_mock.clock.kind == "scaled" and portal_mock.clock.factor == 100


        @pytest.mark.portal_clock("scaled:2.5")
        def test_scaled_clock_in_one_string(portal_mock):
            assert portal_mock.clock.factor == 2.5
        """,
    )
    result = pytester.runpytest("--strict-markers", "-W", "error")
    result.assert_outcomes(passed=7)
    markers = pytester.runpytest("--markers").stdout.str()
    assert "@pytest.mark.portal_scenario(name)" in markers and "@pytest.mark.portal_clock(kind, factor=None)" in markers


@pytest.mark.parametrize(
    "marker, message",
    [
        ('portal_scenario("no-such-scenario")', "Unknown scenario 'no-such-scenario'; known: default,*"),
        ("portal_scenario()", "portal_scenario takes one scenario name*"),
        ('portal_clock("sundial")', "portal_clock takes 'manual', 'real' or 'scaled'*"),
        ('portal_clock("scaled", 0)', "portal_clock takes*"),
    ],
)
def test_a_bad_marker_is_a_clear_setup_error(pytester, marker, message):
    write_tests(
        pytester,
        f"""
        @pytest.mark.{marker}
        def test_marked(portal_mock):
            pass
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{message}"])


ISOLATION = """
import os
from pathlib import Path

OTHER = {}


@pytest.mark.parametrize("subject", ["alpha", "beta", "gamma", "delta"])
def test_sees_only_its_own(portal_mock, subject):
    task = finished(portal_mock, subject=subject)
    assert [t["subject"] for t in portal_mock.tickets] == [subject]
    assert [t["uuid"] for t in portal_mock.tasks] == [task["uuid"]]
    assert [r.body["subject"] for r in portal_mock.requests if r.body] == [subject]
    with portal(portal_mock) as http:
        assert [t["subject"] for t in http.get("/v1/ticket").json()] == [subject]
        for location in OTHER.values():
            assert http.get(location).status_code == 404
    OTHER[subject] = task["metadata"]["uri"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    Path(f"seen-{subject}.txt").write_text(f"{worker} {portal_mock.url} {task['uuid']} {portal_mock.tickets[0]['id']}")
"""


def seen(pytester: pytest.Pytester) -> dict[str, list[str]]:
    found = {path.stem[len("seen-") :]: path.read_text().split() for path in pytester.path.glob("seen-*.txt")}
    for path in pytester.path.glob("seen-*.txt"):
        path.unlink()
    return found


def test_tests_never_see_each_others_tickets_or_tasks_and_their_data_is_fixed(pytester):
    write_tests(pytester, ISOLATION)
    pytester.runpytest().assert_outcomes(passed=4)
    together = seen(pytester)
    pytester.runpytest("-k", "gamma").assert_outcomes(passed=1, deselected=3)
    alone = seen(pytester)
    assert alone["gamma"][2:] == together["gamma"][2:], "a test's ids do not depend on what ran before it"
    assert len({ids[3] for ids in together.values()}) == 4


def test_xdist_workers_each_run_their_own_server(pytester):
    write_tests(pytester, ISOLATION)
    pytester.runpytest().assert_outcomes(passed=4)
    serial = seen(pytester)
    result = in_a_subprocess(pytester, "-n", "2")
    result.assert_outcomes(passed=4)
    parallel = seen(pytester)
    workers = {worker: url for worker, url, _, _ in parallel.values()}
    assert set(workers) == {"gw0", "gw1"} and len(set(workers.values())) == 2
    assert {s: ids[2:] for s, ids in parallel.items()} == {s: ids[2:] for s, ids in serial.items()}


def test_a_failing_test_reports_its_portal_requests(pytester):
    write_tests(
        pytester,
        """
        def test_passes(portal_mock):
            with portal(portal_mock) as http:
                http.get("/v1/ticket")


        @pytest.mark.portal_scenario("flaky")
        def test_fails(portal_mock):
            with portal(portal_mock) as http:
                http.post("/v1/ticket", json=TICKET)
                http.get("/v1/ticket/999?x=1")
                http.get("/v1/ticket")
            assert False, "the client gave up"
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the client gave up*",
            "*- Captured portal requests call -*",
            "POST /v1/ticket -> 202 ticket:add [[]no rule[]]",
            "GET /v1/ticket/999?x=1 -> 404 ticket:show [[]no rule[]]",
            "GET /v1/ticket -> 503 ticket:list [[]flaky: every third request fails[]]",
        ]
    )
    assert result.stdout.str().count("Captured portal requests") == 1, "only the failing test has the section"


BROKEN = """
def broken(self):
    raise RuntimeError("boom inside the server")


@pytest.fixture
def server_bug(monkeypatch):
    monkeypatch.setattr("portal_mock.domain.tickets.Tickets.all", broken)
"""


def test_an_error_inside_the_server_fails_the_test_that_caused_it(pytester):
    write_tests(
        pytester,
        BROKEN
        + textwrap.dedent(
            """
        def test_ignores_the_500(portal_mock, server_bug):
            with portal(portal_mock) as http:
                assert http.get("/v1/ticket").status_code == 500


        def test_after_it_is_unaffected(portal_mock):
            with portal(portal_mock) as http:
                assert http.get("/v1/ticket").status_code == 200


        def unjournaled(self, **entry):
            raise RuntimeError("boom after the answer")


        def test_a_bug_after_the_answer(portal_mock, monkeypatch):
            monkeypatch.setattr("portal_mock.engine.journal.Journal.record", unjournaled)
            with portal(portal_mock) as http:
                assert http.get("/v1/ticket").status_code == 200
            portal_mock.tasks  # a control call: the server has finished that request


        @pytest.fixture
        def request_in_teardown(portal_mock, monkeypatch):
            yield
            monkeypatch.setattr("portal_mock.domain.tickets.Tickets.all", broken)
            with portal(portal_mock) as http:
                http.get("/v1/ticket")


        def test_a_fixtures_teardown_caused_it(request_in_teardown):
            pass
        """
        ),
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*_ test_a_bug_after_the_answer _*", "portal-mock: the server failed*", "*in unjournaled*", "RuntimeError: boom after the answer"]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_ignores_the_500 _*",
            "portal-mock: the server failed while serving this test's requests:",
            "Traceback (most recent call last):",
            "*in broken*",
            'RuntimeError: boom inside the server',
            "*- Captured portal requests call -*",
            "GET /v1/ticket -> 500 ticket:list [[]no rule[]]",
        ]
    )
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_a_fixtures_teardown_caused_it*", "portal-mock: the server failed*"])


def test_options_add_scenario_directories_and_seed_the_server(pytester):
    pytester.mkdir("my-scenarios")
    (pytester.path / "my-scenarios" / "teapot.yaml").write_text(
        "name: teapot\nrules:\n  - name: brew\n    match: {action: ticket:add}\n    respond: {status: 503, body: {message: brewing}}\n"
    )
    write_tests(
        pytester,
        """
        from pathlib import Path


        @pytest.mark.portal_scenario("teapot")
        def test_a_scenario_from_the_ini_directory(portal_mock):
            with portal(portal_mock) as http:
                assert http.post("/v1/ticket", json=TICKET).json() == {"message": "brewing"}


        def test_ids(portal_mock):
            Path("uuid.txt").write_text(finished(portal_mock)["uuid"])
        """,
    )

    def uuid_with(seed: str) -> str:
        pytester.makeini(f"[pytest]\nportal_mock_scenarios = my-scenarios\nportal_mock_seed = {seed}\n")
        pytester.runpytest("--strict-config").assert_outcomes(passed=2)
        return (pytester.path / "uuid.txt").read_text()

    assert uuid_with("7") == uuid_with("7") != uuid_with("8")


@pytest.mark.parametrize(
    "ini, message",
    [
        ("portal_mock_seed = abc", "*portal_mock_seed must be an integer, not 'abc'"),
        ("portal_mock_scenarios = nowhere", "*nowhere:1:1: no such file or directory"),
    ],
)
def test_bad_options_stop_the_run(pytester, ini, message):
    pytester.makeini(f"[pytest]\n{ini}\n")
    write_tests(pytester, "def test_x(portal_mock):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


EXTERNAL = """
import sys

from portal_mock import ControlAPIError


def test_drives_the_external_server(portal_mock):
    assert portal_mock.url == URL
    assert "portal_mock.http.app" not in sys.modules, "no server was started in the test process"
    assert finished(portal_mock)["status"] == "success"
    assert [t["subject"] for t in portal_mock.tickets] == ["Site is down"]
    portal_mock.assert_called("ticket:add", times=1)
    with httpx.Client(base_url=portal_mock.url, headers=portal_mock.headers, transport=portal_mock.transport) as http:
        assert http.get("/v1/ticket").status_code == 200


@pytest.mark.portal_scenario("task-rejected")
def test_markers_reach_it(portal_mock):
    assert finished(portal_mock)["status"] == "rejected"
    with open("labels.txt", "a") as labels:
        print(portal_mock.label, file=labels)


def test_fails_with_its_requests(portal_mock):
    with portal(portal_mock) as http:
        http.get("/v1/task/nope")
    assert False
"""


def test_an_external_server_is_driven_through_the_control_api(pytester, monkeypatch):
    process, url, _ = start("--clock", "manual")
    try:
        wait_until_serving(url)
        write_tests(pytester, f"URL = {url!r}\n" + EXTERNAL)
        by_option = in_a_subprocess(pytester, f"--portal-mock-url={url}/v1")
        by_option.assert_outcomes(passed=2, failed=1)
        by_option.stdout.fnmatch_lines(
            [f"portal-mock: driving the server at {url}/v1", "*- Captured portal requests call -*", "GET /v1/task/nope -> 404 task:show*"]
        )
        monkeypatch.setenv("PORTAL_MOCK_URL", url)
        again = in_a_subprocess(pytester)
        again.assert_outcomes(passed=2, failed=1)
        first, second = (pytester.path / "labels.txt").read_text().splitlines()
        assert first == "test_portal.py::test_markers_reach_it"
        assert second == f"{first} (run 2)", "the server kept the first run's accounts; the second run gets its own"
    finally:
        assert stop(process) == 0


def test_an_external_server_that_is_not_there_fails_every_test_clearly(pytester):
    write_tests(pytester, "def test_x(portal_mock):\n    pass\n")
    result = pytester.runpytest("--portal-mock-url", "http://127.0.0.1:9")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no portal-mock control API answers at http://127.0.0.1:9/__mock*"])


def test_server_wide_changes_are_undone_before_the_next_test(pytester):
    """A test that sets the server's scenario through ``server_wide()``
    leaves none of it behind: the next test on the same server (in the
    same session, one worker) gets the default behaviour, and so does the
    rest of the test itself once its ``with`` block ends."""
    write_tests(
        pytester,
        """
        def test_a_sets_the_servers_scenario(portal_mock):
            portal_mock.server_wide().set_scenario("unauthorized")
            with portal(portal_mock) as http:
                assert http.get("/v1/ticket").status_code == 401


        def test_b_sees_the_default(portal_mock):
            with portal(portal_mock) as http:
                assert http.get("/v1/ticket").status_code == 200
            assert portal_mock.server_wide().health()["scenario"] == "default"


        def test_c_a_with_block_restores_on_leaving(portal_mock):
            with portal_mock.server_wide() as server:
                server.set_scenario("unauthorized")
                with portal(portal_mock) as http:
                    assert http.get("/v1/ticket").status_code == 401
            with portal(portal_mock) as http:
                assert http.get("/v1/ticket").status_code == 200


        def test_d_a_failing_test_is_restored_too(portal_mock):
            portal_mock.server_wide().set_scenario("unauthorized")
            assert False, "fails after changing the server"


        def test_e_after_the_failure(portal_mock):
            with portal(portal_mock) as http:
                assert http.get("/v1/ticket").status_code == 200
        """,
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4, failed=1)


def test_the_per_test_object_cannot_reach_server_wide_operations(pytester):
    write_tests(
        pytester,
        """
        def test_no_control(portal_mock):
            with pytest.raises(AttributeError, match=r"portal_mock.server_wide\\(\\)"):
                portal_mock.control
            reachable = [name for name in dir(portal_mock) if not name.startswith("_")]
            reachable.remove("control")  # a property that raises, as above
            assert not {"server", "set_scenario", "set_clock", "clear_requests"} & set(reachable)
            for name in reachable:
                value = getattr(portal_mock, name)
                assert not hasattr(value, "set_scenario"), name
                assert not hasattr(value, "control") or name == "server_wide", name
        """,
    )
    pytester.runpytest().assert_outcomes(passed=1)
