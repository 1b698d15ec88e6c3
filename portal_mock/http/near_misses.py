"""Which Portal endpoints a request for an unknown path probably meant.

A client that calls ``GET /v1/tickets`` deserves "did you mean GET
/v1/ticket?" rather than a bare 404: the answer names the closest endpoints
and, for each, the first way the request differs from it.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from portal_mock.catalog import ACTIONS
from portal_mock.catalog.model import Action


def _segments_fit(template: str, path: str) -> str | None:
    """Why ``path`` does not fit ``template`` segment by segment, or None."""
    want, got = template.strip("/").split("/"), path.strip("/").split("/")
    if len(want) != len(got):
        return f"it has {len(want)} path segments, the request has {len(got)}"
    for index, (expected, actual) in enumerate(zip(want, got, strict=True), 1):
        if not expected.startswith("{") and expected != actual:
            return f"segment {index} is {expected!r}, the request has {actual!r}"
    return None


def _why(action: Action, method: str, path: str) -> str:
    reason = _segments_fit(action.path, path)
    if reason is None and action.method != method:
        return f"it takes {action.method}, not {method}"
    return reason or "it differs"


def closest(method: str, path: str, count: int = 3) -> list[dict[str, Any]]:
    """Up to ``count`` endpoints nearest to ``method path``, nearest first.
    A path without the ``/v1`` prefix (as some clients build them) is
    compared in its ``/v1`` form, and each miss says the prefix is missing."""
    versioned = path == "/v1" or path.startswith("/v1/")
    probe = path if versioned else "/v1" + (path if path.startswith("/") else "/" + path)
    got = probe.strip("/").split("/")

    def score(action: Action) -> float:
        """Segment by segment: a placeholder fits anything (a little less than the
        same literal would), a literal fits
        as well as its spelling does; extra or missing segments cost one each."""
        want = action.path.strip("/").split("/")
        fit = sum(0.9 if w.startswith("{") else SequenceMatcher(None, w, g).ratio() for w, g in zip(want, got, strict=False))
        return fit - abs(len(want) - len(got)) + (0.25 if action.method == method else 0.0)

    def why(action: Action) -> str:
        reason = _why(action, method, probe)
        if versioned:
            return reason
        missing = "the Portal's paths start with /v1, the request's does not"
        return missing if reason == "it differs" else f"{missing} ({reason})"

    ranked = sorted(ACTIONS, key=score, reverse=True)[:count]
    return [{"method": a.method, "path": a.path, "action": a.name, "why": why(a)} for a in ranked]
