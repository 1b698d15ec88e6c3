"""portal-mock: an offline, scriptable stand-in for the Nexcess/NocWorx Portal API."""

from typing import Any

from .app import create_app
from .state import Settings

__all__ = ["create_app", "Control", "ControlAPIError", "Settings"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """The control client pulls in httpx; the server does not need it, so it
    is imported on first use rather than at start-up."""
    if name in ("Control", "ControlAPIError"):
        from . import control_client

        return getattr(control_client, name)
    raise AttributeError(f"module 'portal_mock' has no attribute {name!r}")
