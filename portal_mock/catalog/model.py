"""What one catalog declaration says: an ``Action`` per documented Portal
endpoint, grouped with the ``Kind``\\ s of resource it reads and changes
into a ``Family`` (one module per family in this package).

Declarations are data.  The HTTP layer turns them into routes and answers,
``domain.validation`` checks input against ``body``, ``domain.listing``
pages lists by ``fields`` and ``sorts``, ``domain.resources`` runs
``effect`` when a task succeeds, and the OpenAPI document, the scenario
schema's action names, the near-miss vocabulary and the README's endpoint
table are all read from here.  Adding an endpoint is adding an ``Action``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from portal_mock.domain.resources import Effect, Kind
from portal_mock.domain.shapes import Shape, schema_of

LIST = "list"
SHOW = "show"
QUEUED = "queued"
"""202 Accepted, a ``Location`` and a task; the effect runs when it succeeds."""
IMMEDIATE = "immediate"
"""200 at once: the addressed record, or the ``returns`` shape drawn fresh."""
CREATED = "created"
"""201 Created at once: the effect runs during the request."""
MODES = (LIST, SHOW, QUEUED, IMMEDIATE, CREATED)

PUBLIC = "public"
"""The ``permission`` of an action anyone may call, without a key."""
ANY_KEY = None
"""The ``permission`` of an action any valid key may call ("logged-in users")."""

NO_INPUT: dict[str, Any] = {"type": "object", "properties": {}}
EMAIL = {"type": "string", "format": "email"}
TEXT = {"type": "string", "pattern": r"\S"}
"""A required string that is not blank."""
ID = {"type": "integer", "minimum": 1}
"""An id of another resource, as an input names it."""

LIST_STATUSES = (200, 401, 403, 416, 422)


@dataclass(frozen=True)
class Action:
    """One documented endpoint."""

    name: str
    method: str
    path: str
    summary: str
    permission: str | None
    mode: str
    resource: str | None = None
    """The ``Kind`` it reads or changes (default: the name's prefix); ``None`` for an answer computed fresh."""
    body: dict[str, Any] | None = None
    """The input's JSON Schema (POST and DELETE)."""
    effect: Effect | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    """A list's ``filter[…]``/``match[…]`` names → the record's dotted path."""
    sorts: tuple[str, ...] = ()
    """A list's ``sortBy`` values, where they differ from ``fields``."""
    returns: Shape | None = None
    """An immediate action's answer, drawn fresh, when it is not a stored record."""
    params: Mapping[str, str] = field(default_factory=dict)
    """Path placeholders → the kind each addresses (``{id}`` addresses ``resource`` unless said)."""
    statuses: tuple[int, ...] = ()
    example: Mapping[str, Any] | None = None
    """The vendor's example request body (or query, for a GET).  A string
    ``"<kind>"`` stands for the id of the account's first resource of that
    kind: the fidelity tests send it, adapted so, and expect the documented status."""
    behaviour: str | None = None
    """What the endpoint table says the action does, where its mode and
    effect do not say it (a custom store's effect, a key handed out)."""
    documented: bool = True
    """False for an endpoint the vendor does not document that the mock adds
    so that every uri it emits resolves (``user:show``); the README says so."""

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"{self.name}: mode {self.mode!r} is not one of {MODES}")
        if self.mode in (QUEUED, CREATED) and self.body is None:
            object.__setattr__(self, "body", NO_INPUT)
        if not self.statuses:
            object.__setattr__(self, "statuses", self._statuses())

    @property
    def queued(self) -> bool:
        return self.mode == QUEUED

    @property
    def family(self) -> str:
        return self.name.partition(":")[0]

    @property
    def kind(self) -> str | None:
        return self.resource

    @property
    def sortable(self) -> tuple[str, ...]:
        return self.sorts or tuple(self.fields)

    @cached_property
    def targets(self) -> dict[str, str]:
        """Each path placeholder → the kind it must name (404 otherwise);
        read on every request, so worked out once."""
        found = {}
        for segment in self.path.split("/"):
            if segment.startswith("{") and segment.endswith("}"):
                name = segment[1:-1]
                kind = self.params.get(name) or (self.resource if name == "id" else None)
                if kind is not None:
                    found[name] = kind
        return found

    def _statuses(self) -> tuple[int, ...]:
        found = {LIST: [200], SHOW: [200], QUEUED: [202], IMMEDIATE: [200], CREATED: [201]}[self.mode]
        if self.permission != PUBLIC:
            found += [401, 403]
        if self.targets:
            found.append(404)
        if "{" in self.path and self.mode != LIST:
            found.append(422)
        if self.mode == LIST:
            found += [416, 422]
        if self.body is not None:
            found += [413, 415, 422]
        return tuple(sorted(set(found)))

    @property
    def answer_schema(self) -> dict[str, Any] | None:
        """The JSON Schema of a successful answer's body, where the catalog knows it."""
        return schema_of(self.returns) if self.returns is not None else None


@dataclass(frozen=True)
class Family:
    """One module's declarations: the kinds of resource and their actions."""

    name: str
    kinds: tuple[Kind, ...] = ()
    actions: tuple[Action, ...] = ()
