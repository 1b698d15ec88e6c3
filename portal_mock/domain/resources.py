"""One account's resources of every kind the catalog declares, and what
actions do to them.

A ``Kind`` is a declared resource type (cloud servers, DNS zones, API
tokens…): its shape, its metadata scope and uri, whether every account
starts with some (reference data: clouds, packages, OS templates) and which
field links a child to its parent (a DNS record to its zone).  An account's
``World`` holds one ``Records`` store per kind, made on first use from a
stream seeded by the account and the kind, so which kind a client reads
first never changes what any of them holds.

Records are the wire dicts themselves: list and show encode them as they
are.  Effects (``Create``, ``Edit``, ``Delete``, ``Transition``,
``Attach``, ``Detach``, ``Keep``) are declared with their action and run
here when its task succeeds; one that cannot apply raises ``Rejected``, and
the task changes nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import weakref
from bisect import insort
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from portal_mock.domain.clock import Clock
from portal_mock.domain.errors import Rejected
from portal_mock.domain.fakedata import FakeData
from portal_mock.domain.listing import OrderCache
from portal_mock.domain.people import reference
from portal_mock.domain.shapes import Context, Ref, Shape, apply, derive, draw, lookup, schema_of

Record = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """A declared type of resource."""

    name: str
    scope: str
    uri: str | None
    """The show path with ``{id}``; ``None`` where the vendor's references carry a ``null`` uri."""
    shape: Shape
    stock: int = 0
    """How many every account starts with: reference data the client reads but does not make."""
    parent: str | None = None
    """The field referencing the parent (a DNS record's ``zone``): deleting
    the parent deletes its children, and a nested list shows only them."""
    key: str = "id"
    """The field a path names a record by, and ``uri`` is written with: a
    datashare is addressed by its ``uuid``."""
    rollup: tuple[tuple[str, str], ...] = ()
    """Fields of the parent kept from its children of this kind, each
    ``(field, "count")`` (a zone's ``record_count``) or ``(field,
    "references")`` (a cluster's ``cloud_servers``)."""

    def uri_of(self, id: int) -> str | None:
        """The show path of the record ``id``, for a kind addressed by id."""
        return self.uri.format(id=id) if self.uri and self.key == "id" else None

    def reference(self, record: Mapping[str, Any]) -> dict[str, Any]:
        identity = record.get("identity")
        uri = self.uri.format(**{self.key: record[self.key]}) if self.uri else None
        return reference(record["id"], str(identity if identity is not None else record["id"]), self.scope, uri)

    @property
    def schema(self) -> dict[str, Any]:
        return schema_of(self.shape)


class Records:
    """One account's resources of one kind, by id, listed in id order.

    The id order is kept as records come and go, so the default page of a
    list costs the page, not the store; other orders are sorted once per
    change and reused until the next.
    """

    def __init__(self, kind: Kind, fake: FakeData, world: World) -> None:
        self.kind = kind
        self.fake = fake
        self.world = weakref.proxy(world)
        """A proxy: the world holds its stores, and a cycle would keep a
        dropped account alive until a full collection."""
        self._by_id: dict[int, Record] = {}
        self._ids: list[int] = []
        self._orders = OrderCache()

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, id: int) -> Record | None:
        return self._by_id.get(id)

    def find(self, field: str, value: Any) -> Record | None:
        """The record whose ``field`` is ``value`` (a kind addressed by
        another field than its id; such kinds hold a handful of records)."""
        return next((record for record in self._by_id.values() if record.get(field) == value), None)

    def all(self) -> list[Record]:
        by_id = self._by_id
        return [by_id[id] for id in self._ids]

    def render(self, record: Record) -> dict[str, Any]:
        return record

    def sorted_by(self, key: str, descending: bool, sort_key: Callable[[Record], Any]) -> Sequence[Record]:
        """The records in ``key`` order (ties by id): in id order, a view of
        the kept order that costs nothing to make; otherwise sorted at most
        once per change."""
        if key == "id":
            return _IdOrder(self._by_id, self._ids, descending)
        return self._orders.ordered(self.all, key, descending, sort_key, _id)

    def changed(self) -> None:
        self._orders.changed()

    def _next_id(self) -> int:
        id = self.fake.small_id()
        while id in self._by_id:
            id = self.fake.small_id()
        return id

    def make(self, input: Mapping[str, Any], now: float, given: Mapping[str, Any] | None = None) -> Record:
        """A new record from ``input`` (validated request fields) and
        ``given`` (a scenario's partial, by wire name), stored."""
        given = given or {}
        wanted = given.get("id")
        id = wanted if isinstance(wanted, int) and wanted not in self._by_id else self._next_id()
        record = draw(self.kind.shape, self.context(now, input, id), given)
        self.add(record)
        return record

    def context(self, now: float, input: Mapping[str, Any], id: int = 0) -> Context:
        resolve = lambda kind, wanted: self.world.resolve(kind, wanted, self.fake, now)  # noqa: E731
        return Context(self.fake, now, id, input, resolve, self.kind.scope, self.kind.uri_of(id), len(self._by_id))

    def add(self, record: Record) -> None:
        if record["id"] not in self._by_id:
            insort(self._ids, record["id"])
        self._by_id[record["id"]] = record
        self.changed()
        if self.kind.rollup:
            self.world.roll_up(self.kind, record)

    def remove(self, id: int) -> Record | None:
        record = self._by_id.pop(id, None)
        if record is not None:
            self._ids.remove(id)
            self.changed()
            if self.kind.rollup:
                self.world.roll_up(self.kind, record)
        return record

    def edit(self, record: Record, input: Mapping[str, Any], now: float) -> list[str]:
        changed = apply(self.kind.shape, record, self.context(now, input, record["id"]))
        self.changed()
        return changed

    def first(self) -> Record | None:
        return self._by_id[self._ids[0]] if self._ids else None


def _id(record: Record) -> int:
    return int(record["id"])


class _IdOrder(Sequence[Record]):
    """A store's records in id order (or its reverse), read through the
    ids it keeps sorted: a page of it costs the page."""

    def __init__(self, by_id: dict[int, Record], ids: list[int], descending: bool) -> None:
        self._by_id, self._ids, self._descending = by_id, ids, descending

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        ids = self._ids[::-1] if self._descending else self._ids
        if isinstance(index, slice):
            if self._descending:
                count = len(self._ids)
                first, last, _ = index.indices(count)
                ids = self._ids[count - last : count - first][::-1] if last > first else []
                return [self._by_id[id] for id in ids]
            return [self._by_id[id] for id in self._ids[index]]
        return self._by_id[ids[index]]

    def __iter__(self) -> Iterator[Record]:
        ids = reversed(self._ids) if self._descending else self._ids
        by_id = self._by_id
        return (by_id[id] for id in ids)


Starting = Callable[[], "Callable[[str], Iterable[Mapping[str, Any]]] | None"]
"""Gives (while the account lives) the function that says which partial
records an account starts with for a kind (its user and client, a
scenario's declarations), on top of the kind's stock."""


class World:
    """Every kind's records for one account, each made on first use."""

    def __init__(self, kinds: Mapping[str, Kind], seed: int | str, label: str, clock: Clock, starting: Starting) -> None:
        self.kinds = kinds
        self.seed = seed
        self.label = label
        self.clock = clock
        self.starting = starting
        """Usually a ``WeakMethod`` of the account's: the world must not keep its account alive."""
        self._stores: dict[str, Records] = {}
        self._answers: FakeData | None = None

    def __contains__(self, kind: str) -> bool:
        return kind in self.kinds

    def answer(self, shape: Shape, input: Mapping[str, Any], subject: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """An immediate action's answer, drawn fresh from the account's own
        stream for answers (an SSO url, a usage report) around ``subject``."""
        if self._answers is None:
            self._answers = FakeData(self.seed, f"{self.label}/answers")
        now = self.clock.now()
        fake = self._answers
        ctx = Context(fake, now, fake.small_id(), input, lambda kind, wanted: self.resolve(kind, wanted, fake, now), subject=subject)
        return draw(shape, ctx)

    def has(self, kind: str) -> bool:
        """Whether ``kind``'s records were made yet (without making them)."""
        return kind in self._stores

    def records(self, kind: str) -> Records:
        store = self._stores.get(kind)
        if store is None:
            declared = self.kinds[kind]
            store = self._stores[kind] = Records(declared, FakeData(self.seed, f"{self.label}/{kind}"), self)
            now = self.clock.now()
            starting = self.starting()
            for partial in starting(kind) if starting is not None else ():
                store.make({}, now, partial)
            for _ in range(declared.stock):
                store.make({}, now)
            # Children that sum up into these records are made now, so the
            # parents say what the account holds before anyone lists them.
            for child in self.kinds.values():
                if child.rollup and self._parent_kind(child) == kind:
                    self.records(child.name)
        return store

    def renamed(self, kind: Kind, record: Record) -> None:
        """Have every reference to ``record`` that other records hold name
        it as it is now (a client renamed by client:edit, in its users)."""
        fresh = kind.reference(record)
        for store in self._stores.values():
            for other in store.all():
                if other is not record and _rename(other, fresh):
                    store.changed()

    def _parent_kind(self, kind: Kind) -> str | None:
        leaf = kind.shape.get(kind.parent) if kind.parent else None
        return leaf.kind if isinstance(leaf, Ref) else None

    def roll_up(self, kind: Kind, child: Record) -> None:
        """Bring the parent of ``child`` up to date with its children of ``kind``
        (``Kind.rollup``), after one was added or removed."""
        parent_kind = self._parent_kind(kind)
        parent_id = lookup(child, f"{kind.parent}.id")
        parents = self.records(parent_kind) if parent_kind is not None else None
        parent = parents.get(parent_id) if parents is not None and isinstance(parent_id, int) else None
        if parents is None or parent is None:
            return
        children = [record for record in self.records(kind.name).all() if lookup(record, f"{kind.parent}.id") == parent_id]
        for field, how in kind.rollup:
            parent[field] = len(children) if how == "count" else [kind.reference(record) for record in children]
        parents.changed()

    def resolve(self, kind: str, wanted: int | None, fake: FakeData, now: float) -> dict[str, Any] | None:
        """The reference to ``kind`` ``wanted`` (``None`` when it does not
        exist), or, with no id, to one drawn from ``fake``'s stream, made
        first when the account has none."""
        store = self.records(kind)
        if wanted is not None:
            found = store.get(wanted)
            return store.kind.reference(found) if found is not None else None
        existing = store.all()
        chosen = fake.rng.choice(existing) if existing else store.make({}, now)
        return store.kind.reference(chosen)

    def delete(self, kind: str, id: int) -> Record | None:
        """Remove a record and, with it, every child that names it as parent."""
        removed = self.records(kind).remove(id)
        if removed is None:
            return None
        for child in self.kinds.values():
            if child.parent and child.name in self._stores:
                store = self._stores[child.name]
                for record in store.all():
                    parent = record.get(child.parent)
                    if isinstance(parent, dict) and parent.get("id") == id and parent.get("metadata", {}).get("scope") == self.kinds[kind].scope:
                        self.delete(child.name, record["id"])
        return removed


def _rename(value: Any, fresh: Mapping[str, Any]) -> bool:
    """Give every reference to ``fresh``'s record inside ``value`` its
    identity; whether any changed."""
    changed = False
    if isinstance(value, dict):
        meta = value.get("metadata")
        if value.get("id") == fresh["id"] and isinstance(meta, dict) and meta.get("scope") == fresh["metadata"]["scope"] and "identity" in value:
            changed = value["identity"] != fresh["identity"]
            value["identity"] = fresh["identity"]
        for item in value.values():
            changed = _rename(item, fresh) or changed
    elif isinstance(value, list):
        for item in value:
            changed = _rename(item, fresh) or changed
    return changed


# Effects: what a queued (or created) action does when it succeeds.


@dataclass(frozen=True)
class Create:
    """Make a resource of the action's kind from the input; ``children``
    (kind, count) are made under it, as a new DNS zone gets its records."""

    children: tuple[tuple[str, int], ...] = ()

    def describe(self) -> str:
        made = "".join(f" and {count} {kind}" for kind, count in self.children)
        return f"creates it{made}"


@dataclass(frozen=True)
class Edit:
    """Change the fields the input gives."""

    def describe(self) -> str:
        return "changes the fields given"


@dataclass(frozen=True)
class Delete:
    """Remove it (and its children)."""

    def describe(self) -> str:
        return "removes it"


@dataclass(frozen=True)
class Transition:
    """Set ``field`` to ``to``; refused (the task is ``rejected``) when the
    field already holds one of ``refuse``."""

    field: str
    to: Any
    refuse: tuple[Any, ...] = ()
    also: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Other fields set with it."""

    def describe(self) -> str:
        return f"sets {self.field} to {self.to!r}" + (f" (rejected when already {' or '.join(map(repr, self.refuse))})" if self.refuse else "")


@dataclass(frozen=True)
class Attach:
    """Add the reference the input's ``input`` id names to the list ``field``."""

    field: str
    input: str
    kind: str

    def describe(self) -> str:
        return f"adds the {self.kind} to {self.field}"


@dataclass(frozen=True)
class Detach:
    """Remove the reference the input's ``input`` id names from the list ``field``."""

    field: str
    input: str

    def describe(self) -> str:
        return f"removes it from {self.field}"


@dataclass(frozen=True)
class Keep:
    """Succeed and change nothing: the page implies no state the mock keeps."""

    def describe(self) -> str:
        return "changes nothing"


Effect = Create | Edit | Delete | Transition | Attach | Detach | Keep


def perform(effect: Effect, world: World, kind: str, target: int | None, input: Mapping[str, Any], at: float) -> dict[str, Any] | None:
    """Apply ``effect`` to ``world``; the reference the task reports as its
    ``resource``.  ``target`` is the addressed record (``None`` for a create
    or a singleton's first record).  Raises ``Rejected`` when it cannot apply."""
    store = world.records(kind)
    if isinstance(effect, Create):
        made = store.make(input, at)
        for child, count in effect.children:
            parent = world.kinds[child].parent
            for _ in range(count):
                world.records(child).make({}, at, {parent: store.kind.reference(made)} if parent else {})
        return store.kind.reference(made)
    record = store.get(target) if target is not None else store.first()
    if record is None:
        raise Rejected(f"The {kind} {target} no longer exists.")
    named = store.kind.reference(record)
    if isinstance(effect, Delete):
        world.delete(kind, record["id"])
        return named
    before = record.get("identity")
    if isinstance(effect, Edit):
        store.edit(record, input, at)
    elif isinstance(effect, Transition):
        if record.get(effect.field) in effect.refuse:
            raise Rejected(f"The {kind} {named['identity']} is already {record.get(effect.field)}.")
        # Copies: the declaration's values are shared by every record of
        # every account, and a later edit changes a record's in place.
        record[effect.field] = copy.deepcopy(effect.to)
        record.update(copy.deepcopy(dict(effect.also)))
        derive(store.kind.shape, record)
        store.changed()
    elif isinstance(effect, Attach):
        found = world.resolve(effect.kind, int(input[effect.input]), store.fake, at)
        attached = record.setdefault(effect.field, [])
        if found is None:
            raise Rejected(f"No {effect.kind} {input[effect.input]} on this account.")
        if any(item.get("id") == found["id"] for item in attached):
            raise Rejected(f"The {kind} {named['identity']} already has {found['identity']}.")
        attached.append(found)
        store.changed()
    elif isinstance(effect, Detach):
        wanted = int(input[effect.input])
        present = record.get(effect.field) or []
        if not any(item.get("id") == wanted for item in present):
            raise Rejected(f"The {kind} {named['identity']} has no {effect.field} {wanted}.")
        record[effect.field] = [item for item in present if item.get("id") != wanted]
        store.changed()
    if record.get("identity") != before:
        world.renamed(store.kind, record)
    return store.kind.reference(record)
