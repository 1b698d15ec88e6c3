"""portal-mock: an offline, scriptable stand-in for the Nexcess/NocWorx Portal API."""

from importlib import import_module
from typing import Any

__all__ = ["create_app", "Control", "ControlAPIError", "PortalMock", "PortalRequest", "PortalRequests", "Settings"]
__version__ = "0.1.0"

_HOMES = {
    "create_app": "portal_mock.http.app",
    "Settings": "portal_mock.engine.state",
    "Control": "portal_mock.testing.control_client",
    "ControlAPIError": "portal_mock.testing.control_client",
    "PortalMock": "portal_mock.testing.fixture",
    "PortalRequest": "portal_mock.testing.fixture",
    "PortalRequests": "portal_mock.testing.fixture",
}


def __getattr__(name: str) -> Any:
    """Every name is imported on first use.  pytest imports this package at
    start-up in every project where portal-mock is installed (the plugin's
    entry point lives here), and the server and the control client pull in
    Starlette, uvicorn, httpx and Faker: ~0.3 s no test run should pay for
    a fixture it does not use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'portal_mock' has no attribute {name!r}")
    return getattr(import_module(home), name)
