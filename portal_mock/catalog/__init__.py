"""The Portal as the mock serves it: every family's declarations, gathered.

Each module of this package declares one family as ``FAMILY`` (``ssh_key``
for ``ssh-key/*.md``…), and is found by being here: adding a family is
adding a module.  This module gathers them, checks they agree (one
declaration per name and per method and path, every referenced kind
declared), and derives the vocabularies the rest of the mock reads: the
actions by name, the kinds by name, every permission, and the
``Blueprint`` an account's resources and effects are made from.
"""

from __future__ import annotations

import importlib
import pkgutil

from portal_mock.catalog import webhook
from portal_mock.catalog.model import PUBLIC, Action, Family
from portal_mock.domain.effects import blueprint
from portal_mock.domain.redaction import redact_path, secret_placeholders
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Ref, Refs, Shape

_SPECIAL = {"model", "table", "webhook"}
"""``model`` and ``table`` declare nothing; ``webhook`` is made from the others."""
_MODULES = sorted(module.name for module in pkgutil.iter_modules(__path__) if module.name not in _SPECIAL)
_DECLARED: tuple[Family, ...] = tuple(importlib.import_module(f"{__name__}.{name}").FAMILY for name in _MODULES)
FAMILIES: tuple[Family, ...] = (*_DECLARED, webhook.family(action for family in _DECLARED for action in family.actions))

ACTIONS: tuple[Action, ...] = tuple(action for family in FAMILIES for action in family.actions)
BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}
KINDS: dict[str, Kind] = {kind.name: kind for family in FAMILIES for kind in family.kinds}
PERMISSIONS: tuple[str, ...] = tuple(sorted({action.permission for action in ACTIONS if action.permission and action.permission != PUBLIC}))
"""Every permission a key can hold; a key minted without a list holds all."""

BLUEPRINT = blueprint(KINDS, {action.name: (action.resource or action.family, action.effect) for action in ACTIONS if action.effect is not None})

_SECRET_PATHS = {action.name: action.path for action in ACTIONS if secret_placeholders(action.path)}
"""The actions whose path carries a secret (assess-passphrase's passphrase), by name."""


def shown_path(action: str | None, path: str) -> str:
    """A request's path as the journal and the access log show it: a secret
    the path of its action carries masked."""
    template = _SECRET_PATHS.get(action or "")
    return redact_path(path, template) if template else path


def _referenced(shape: Shape) -> set[str]:
    found: set[str] = set()
    for leaf in shape.values():
        if isinstance(leaf, (Ref, Refs)):
            found.add(leaf.kind)
        elif isinstance(leaf, dict):
            found |= _referenced(leaf)
    return found


def _check() -> None:
    """Refuse to load a catalog that contradicts itself."""
    if len(BY_NAME) != len(ACTIONS):
        raise ValueError("an action name is declared twice")
    routes = [(action.method, action.path) for action in ACTIONS]
    if len(set(routes)) != len(routes):
        raise ValueError("a method and path are declared twice")
    for action in ACTIONS:
        for kind in {action.resource, *action.targets.values()} - {None}:
            if kind not in KINDS:
                raise ValueError(f"{action.name} addresses the undeclared kind {kind!r}")
    for declared in KINDS.values():
        missing = _referenced(declared.shape) - set(KINDS)
        if missing:
            raise ValueError(f"the {declared.name} shape references undeclared kinds: {', '.join(sorted(missing))}")


_check()
