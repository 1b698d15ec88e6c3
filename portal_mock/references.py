"""The reference object the Portal uses wherever one record points at another."""

from __future__ import annotations

from typing import Any


def reference(id: int, identity: str, scope: str, uri: str) -> dict[str, Any]:
    """``{"id", "identity", "metadata": {"scope", "uri"}}``, the vendor's one shape."""
    return {"id": id, "identity": identity, "metadata": {"scope": scope, "uri": uri}}
