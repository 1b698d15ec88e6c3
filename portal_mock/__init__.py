"""portal-mock: an offline, scriptable stand-in for the Nexcess/NocWorx Portal API."""

from .app import create_app
from .state import Settings

__all__ = ["create_app", "Settings"]
__version__ = "0.1.0"
