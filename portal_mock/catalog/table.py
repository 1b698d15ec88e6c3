"""The README's "Endpoints served" table, made from the catalog so the
two cannot drift (``portal-mock endpoints`` prints it; a test compares)."""

from __future__ import annotations

from portal_mock.catalog import ACTIONS
from portal_mock.catalog.model import ANY_KEY, CREATED, IMMEDIATE, LIST, PUBLIC, QUEUED, SHOW, Action

_MODES = {LIST: "list", SHOW: "show", QUEUED: "queued", IMMEDIATE: "at once", CREATED: "created at once"}


def access(action: Action) -> str:
    if action.permission == PUBLIC:
        return "public"
    if action.permission is ANY_KEY:
        return "any key"
    return f"`{action.permission}`"


def effect(action: Action) -> str:
    """What the action does to the account, in a few words."""
    if action.behaviour is not None:
        return action.behaviour
    if action.mode == LIST:
        return "pages the account's records" + (" under the parent" if len(action.targets) > (1 if "id" in action.targets else 0) else "")
    if action.mode == SHOW:
        return "one record"
    if action.mode == IMMEDIATE:
        return "an answer drawn fresh" if action.returns is not None else "the record"
    if action.effect is not None:
        return action.effect.describe()
    return "see the mock decisions"


def endpoint_table() -> str:
    """Markdown: one row per action, in catalog order."""
    rows = ["| action | request | answer | access | effect in the mock |", "|---|---|---|---|---|"]
    for action in ACTIONS:
        name = action.name if action.documented else f"{action.name} (added by the mock)"
        rows.append(f"| {name} | `{action.method} {action.path}` | {_MODES[action.mode]} | {access(action)} | {effect(action)} |")
    return "\n".join(rows) + "\n"
