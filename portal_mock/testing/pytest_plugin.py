"""The pytest plugin: the ``portal_mock`` fixture, its markers and options.

Installed through the ``pytest11`` entry point, so it loads in every
project where portal-mock is installed.  Loading costs nothing but this
module: the server, httpx and the fixture's objects are imported when a
test first asks for ``portal_mock``, and the server starts then, once per
session (per xdist worker), and stops when pytest is done.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from portal_mock.testing.fixture import PortalMock
    from portal_mock.testing.servers import PortalServer

URL_ENV = "PORTAL_MOCK_URL"
TOKEN_ENV = "PORTAL_MOCK_ADMIN_TOKEN"
_FIXTURE = pytest.StashKey["PortalMock"]()
_REPORTED = pytest.StashKey[bool]()

MARKERS = (
    "portal_scenario(name): answer this test's portal_mock key as the named scenario says (e.g. 'task-failure').",
    "portal_clock(kind, factor=None): this test's portal_mock clock: 'manual' (the default), 'real', or 'scaled' with a factor,"
    " as in portal_clock('scaled', 100).",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("portal-mock")
    group.addoption(
        "--portal-mock-url",
        metavar="URL",
        help=f"drive the portal-mock server at URL (started with portal-mock serve) instead of starting one in the test process; default: ${URL_ENV}",
    )
    parser.addini("portal_mock_scenarios", type="paths", default=[], help="directories of extra scenario files for the portal-mock server the plugin starts")
    parser.addini("portal_mock_seed", default="0", help="seed of the portal-mock server the plugin starts (an integer; default 0)")


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers, and check the ini options now: a typo should
    stop the run once, before the first test, not fail every test.  The
    scenario files get the check ``portal-mock validate`` and ``serve``
    make (``load_catalog``); it costs nothing when the option is empty, and
    xdist workers leave it to the controller, which made it before they
    started."""
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    _seed(config)
    paths = _scenario_dirs(config)
    if paths and not _external_url(config) and not hasattr(config, "workerinput"):
        from portal_mock.scenarios.library import CatalogError, load_catalog

        try:
            load_catalog(paths)
        except CatalogError as error:
            raise pytest.UsageError(f"portal_mock_scenarios: the scenario files are invalid:\n{error}") from None


def _seed(config: pytest.Config) -> int:
    raw = str(config.getini("portal_mock_seed")).strip()
    try:
        return int(raw)
    except ValueError:
        raise pytest.UsageError(f"portal_mock_seed must be an integer, not {raw!r}") from None


def _scenario_dirs(config: pytest.Config) -> list[Path]:
    return list(config.getini("portal_mock_scenarios"))


def _external_url(config: pytest.Config) -> str | None:
    return config.getoption("portal_mock_url") or os.environ.get(URL_ENV) or None


def pytest_report_header(config: pytest.Config) -> str | None:
    url = _external_url(config)
    return f"portal-mock: driving the server at {url}" if url else None


def _start(config: pytest.Config) -> PortalServer:
    """The session's server; ``ServerUnavailable`` saying why there is none."""
    from portal_mock.testing.servers import AdminTokenRefused, BuiltinServer, ExternalServer, ServerUnavailable

    url = _external_url(config)
    if url:
        token = os.environ.get(TOKEN_ENV) or None
        try:
            return ExternalServer(url, token=token)
        except AdminTokenRefused as refused:
            if token is None:
                raise ServerUnavailable(
                    f"portal-mock: the control API at {refused.url} needs {TOKEN_ENV}: the server was started with an admin token;"
                    f" set {TOKEN_ENV} to it."
                ) from None
            raise ServerUnavailable(
                f"portal-mock: the control API at {refused.url} refused the admin token in {TOKEN_ENV}; set it to the server's --admin-token."
            ) from None
    from portal_mock.scenarios.library import CatalogError

    try:
        return BuiltinServer(seed=_seed(config), scenario_dirs=[str(d) for d in _scenario_dirs(config)])
    except CatalogError as error:  # the files changed since pytest_configure checked them
        raise ServerUnavailable(f"portal_mock_scenarios: the scenario files are invalid:\n{error}") from None


@pytest.fixture(scope="session")
def portal_mock_server(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> PortalServer:
    """The session's portal-mock server (``.url``, ``.control``): started in
    this process on first use, or the one ``--portal-mock-url`` names.
    Closed when pytest is done rather than with the session's fixtures: the
    last test's teardown report still reads its requests from it.

    When there is no server, the first test that asked errors with the
    reason and the session stops there: every later test would only repeat
    it."""
    from portal_mock.testing.servers import ServerUnavailable

    try:
        server = _start(pytestconfig)
    except ServerUnavailable as error:
        reason = str(error)
    else:
        pytestconfig.add_cleanup(server.close)
        return server
    request.session.shouldfail = "stopping: no portal-mock server (the error above says why)"
    pytest.fail(reason, pytrace=False)


def _clock(node: pytest.Item) -> str:
    """The marker's clock as ``parse_clock`` text, checked by that one
    grammar before the test starts: ``portal_clock('scaled', 100)`` is
    ``scaled:100``."""
    from portal_mock.domain.clock import parse_clock

    marker = node.get_closest_marker("portal_clock")
    if marker is None:
        return "manual"
    args = list(marker.args)
    if "factor" in marker.kwargs:
        args.append(marker.kwargs["factor"])
    text = None
    if len(args) == 1 and isinstance(args[0], str):
        text = args[0]
    elif len(args) == 2 and isinstance(args[0], str) and args[0].lower() == "scaled" and isinstance(args[1], (int, float)) and not isinstance(args[1], bool):
        text = f"scaled:{args[1]!r}"
    if text is not None:
        try:
            parse_clock(text)
        except ValueError:
            pass
        else:
            return text
    pytest.fail(f"portal_clock takes 'manual', 'real' or 'scaled' with a factor above 0, as in portal_clock('scaled', 100); got {marker}", pytrace=False)


def _scenario(node: pytest.Item) -> str | None:
    marker = node.get_closest_marker("portal_scenario")
    if marker is None:
        return None
    if len(marker.args) != 1 or marker.kwargs or not isinstance(marker.args[0], str):
        pytest.fail(f"portal_scenario takes one scenario name, as in portal_scenario('task-failure'); got {marker}", pytrace=False)
    return marker.args[0]


@pytest.fixture
def portal_mock(portal_mock_server: PortalServer, request: pytest.FixtureRequest) -> Iterator[PortalMock]:
    """A fresh key and account on the session's portal-mock server, with a
    manual clock: nothing to reset, nothing other tests can see.  What the
    test changed through ``server_wide()`` is set back at teardown."""
    from portal_mock.testing.control_client import ControlAPIError
    from portal_mock.testing.fixture import PortalMock

    node = request.node
    scenario = _scenario(node)
    try:
        minted = portal_mock_server.mint(node.nodeid, _clock(node), scenario)
    except ControlAPIError as error:
        if scenario is None or error.status != 404:
            raise
        unknown: str | None = error.message
    else:
        unknown = None
    if unknown is not None:
        pytest.fail(f"@pytest.mark.portal_scenario({scenario!r}): {unknown}", pytrace=False)
    mock = PortalMock(portal_mock_server, minted)
    portal_mock_server.watch(mock.key)
    node.stash[_FIXTURE] = mock
    try:
        yield mock
        errors = portal_mock_server.errors(mock.key)
    finally:
        try:
            mock.restore_server_wide()
        finally:
            portal_mock_server.unwatch(mock.key)
    if errors:
        pytest.fail(_server_errors(errors), pytrace=False)


def _errors_of(mock: PortalMock) -> list[str]:
    """The test's internal errors so far.  Asking an external server can
    fail; a hook must not, so that becomes the test's failure instead."""
    try:
        return mock._server.errors(mock.key)
    except Exception as error:
        return [f"(the server could not be asked for internal errors: {error!r})"]


def _server_errors(errors: list[str]) -> str:
    heading = "portal-mock: the server failed while serving this test's requests:"
    return "\n\n".join([heading, *errors]).rstrip()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """A passing test that caused an internal error fails with its
    traceback; a failing report gets the test's Portal requests."""
    report = yield
    mock = item.stash.get(_FIXTURE, None)
    if mock is None:
        return report
    if report.when == "call":
        errors = _errors_of(mock)
        if errors and report.passed and not hasattr(report, "wasxfail"):
            report.outcome = "failed"
            report.longrepr = _server_errors(errors)
        elif errors:
            report.sections.append(("portal-mock server errors", _server_errors(errors)))
    if report.failed and not item.stash.get(_REPORTED, False):
        item.stash[_REPORTED] = True
        report.sections.append((f"Captured portal requests {report.when}", mock.journal()))
    return report
