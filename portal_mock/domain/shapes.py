"""How a resource's wire body is made, declared as data.

A catalog declares each kind of resource as a *shape*: a dict (nested as the
vendor's example response nests) whose leaves say where each value comes
from — the record's id, a Faker provider, a choice among the documented
values, a reference to another resource, the client's input.  One shape
gives everything the mock needs about a resource:

* ``draw`` makes a record (a plain dict, ready to encode) from the
  account's seeded stream, with whatever the input or a scenario file fixed;
* ``apply`` changes the fields an ``edit`` was given, and re-derives the
  fields that are built from others (``Format``, ``Copy``);
* ``schema`` is the JSON Schema of the wire body, which the OpenAPI document
  publishes and the fidelity tests check every response against.

The leaves know nothing of HTTP or of the catalog: a ``Context`` hands them
the stream, the clock's now, the input and a way to resolve references.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from portal_mock.domain.fakedata import FakeData

STRING: dict[str, Any] = {"type": "string"}
Shape = Mapping[str, Any]
"""Field name → a ``Leaf``, a nested ``Shape``, or a literal value."""

Resolver = Callable[[str, "int | None"], "dict[str, Any] | None"]
"""``(kind, id or None)`` → the reference object of that resource in the
account (``None`` picks one, creating it when the kind has none yet), or
``None`` when the id names nothing."""


@dataclass
class Context:
    """What drawing one record can see."""

    fake: FakeData
    now: float
    id: int
    input: Mapping[str, Any]
    resolve: Resolver
    scope: str = ""
    uri: str | None = None
    """The record's own metadata: its kind's scope and its show path."""
    index: int = 0
    """How many records of the kind the account held before this one."""
    subject: Mapping[str, Any] | None = None
    """The record an immediate action addresses, for its answer's ``Subject``."""


class Leaf:
    """One value of a shape.  ``input`` names the request field (or the
    scenario field) that sets it; without one the value is drawn."""

    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        raise NotImplementedError

    def accept(self, value: Any, ctx: Context) -> Any:
        """The stored value for an input ``value`` (already validated)."""
        return value

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    derived = False
    """Computed from the rest of the record, after every other field."""


def _nullable(schema: dict[str, Any], nullable: bool) -> dict[str, Any]:
    if not nullable:
        return schema
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


@dataclass(frozen=True)
class Id(Leaf):
    """The record's own id."""

    def draw(self, ctx: Context) -> Any:
        return ctx.id

    def schema(self) -> dict[str, Any]:
        return {"type": "integer"}


@dataclass(frozen=True)
class Fake(Leaf):
    """A Faker provider's value (``Fake("domain_name")``), as a string."""

    provider: str = "word"
    input: str | None = None
    nullable: bool = False

    def draw(self, ctx: Context) -> Any:
        return ctx.fake.provide(self.provider)

    def schema(self) -> dict[str, Any]:
        return _nullable({"type": "string"}, self.nullable)


@dataclass(frozen=True)
class Pick(Leaf):
    """One of the documented values."""

    values: tuple[Any, ...]
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return ctx.fake.rng.choice(self.values)

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Series(Leaf):
    """The documented values in turn: the n-th record of a kind gets the
    n-th, so an account's few clouds or packages are all different."""

    values: tuple[Any, ...]
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return _copy(self.values[ctx.index % len(self.values)])

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Number(Leaf):
    """An integer from ``low`` to ``high``; ``places`` > 0 makes it a decimal
    string with that many places, as the vendor writes money."""

    low: int = 1
    high: int = 100
    input: str | None = None
    places: int = 0
    nullable: bool = False

    def draw(self, ctx: Context) -> Any:
        drawn = ctx.fake.rng.randint(self.low, self.high)
        return f"{drawn / 10**self.places:.{self.places}f}" if self.places else drawn

    def schema(self) -> dict[str, Any]:
        return _nullable({"type": "string"} if self.places else {"type": "integer"}, self.nullable)


@dataclass(frozen=True)
class Flag(Leaf):
    """A boolean, true with ``chance``."""

    chance: float = 0.5
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return ctx.fake.rng.random() < self.chance

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Const(Leaf):
    """Always ``value`` unless the input gives one."""

    value: Any = None
    input: str | None = None
    nullable: bool = False

    def draw(self, ctx: Context) -> Any:
        return _copy(self.value)

    def schema(self) -> dict[str, Any]:
        return _nullable(_schema_of(self.value), self.nullable)


@dataclass(frozen=True)
class When(Leaf):
    """A moment within ``days`` (from, to) of the clock's now: a Unix
    timestamp, or a string in ``format`` (``strftime``, UTC)."""

    days: tuple[float, float] = (-30.0, 0.0)
    input: str | None = None
    format: str | None = None
    nullable: bool = False

    def draw(self, ctx: Context) -> Any:
        at = ctx.now + ctx.fake.rng.uniform(*self.days) * 86400
        return self.render(at)

    def render(self, at: float) -> Any:
        return time.strftime(self.format, time.gmtime(at)) if self.format else int(at)

    def schema(self) -> dict[str, Any]:
        return _nullable({"type": "string"} if self.format else {"type": "integer"}, self.nullable)


@dataclass(frozen=True)
class Ref(Leaf):
    """A reference object (``{id, identity, metadata}``) to a resource of
    ``kind`` in the same account: the one the input's id names, or one drawn
    (made when the account has none)."""

    kind: str
    input: str | None = None
    nullable: bool = False

    def draw(self, ctx: Context) -> Any:
        return None if self.nullable and self.input and self.input in ctx.input and ctx.input[self.input] is None else ctx.resolve(self.kind, None)

    def accept(self, value: Any, ctx: Context) -> Any:
        if value is None:
            return None
        found = ctx.resolve(self.kind, int(value))
        if found is None:
            raise LookupError(f"No {self.kind} {value} on this account.")
        return found

    def schema(self) -> dict[str, Any]:
        return _nullable(REFERENCE_SCHEMA, self.nullable)


@dataclass(frozen=True)
class Refs(Leaf):
    """A list of references to resources of ``kind``: ``count`` (low, high)
    drawn, or those the input's list of ids names."""

    kind: str
    count: tuple[int, int] = (0, 2)
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        found = [ctx.resolve(self.kind, None) for _ in range(ctx.fake.rng.randint(*self.count))]
        unique = {ref["id"]: ref for ref in found if ref is not None}
        return list(unique.values())

    def accept(self, value: Any, ctx: Context) -> Any:
        return [Ref(self.kind).accept(one, ctx) for one in value]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": REFERENCE_SCHEMA}


@dataclass(frozen=True)
class Many(Leaf):
    """A list of ``count`` (low, high) nested objects of ``shape``."""

    shape: Shape
    count: tuple[int, int] = (1, 3)
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return [draw_fields(self.shape, ctx, {}) for _ in range(ctx.fake.rng.randint(*self.count))]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": schema_of(self.shape)}


@dataclass(frozen=True)
class Metadata(Leaf):
    """The record's own ``{"scope", "uri"}``, from its kind."""

    def draw(self, ctx: Context) -> Any:
        return {"scope": ctx.scope, "uri": ctx.uri}

    def schema(self) -> dict[str, Any]:
        return dict(REFERENCE_SCHEMA["properties"]["metadata"])


@dataclass(frozen=True)
class Secret(Leaf):
    """A fresh token, shown where the vendor shows it (an API token's ``token``)."""

    prefix: str = ""

    def draw(self, ctx: Context) -> Any:
        return self.prefix + ctx.fake.token()

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}


@dataclass(frozen=True)
class Subject(Leaf):
    """The addressed record itself, inside an answer that wraps it
    (``user:self`` answers ``{"user": …, "password": …}``)."""

    kind_schema: Mapping[str, Any] = field(default_factory=dict)

    def draw(self, ctx: Context) -> Any:
        return ctx.subject

    def schema(self) -> dict[str, Any]:
        return dict(self.kind_schema) or {"type": "object"}


_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


@dataclass(frozen=True)
class Format(Leaf):
    """A string built from other fields: ``Format("{hostname} - {cloud.identity}")``."""

    template: str
    derived = True

    def draw(self, ctx: Context) -> Any:
        raise AssertionError("derived leaves are filled by derive()")

    def fill(self, record: Mapping[str, Any]) -> str:
        return _PLACEHOLDER.sub(lambda found: str(lookup(record, found.group(1))), self.template)

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}


@dataclass(frozen=True)
class Copy(Leaf):
    """Another field's value (dotted path), such as ``client_id`` beside
    ``client``."""

    path: str
    kind: dict[str, Any] = field(default_factory=lambda: {"type": "integer"})
    table: Mapping[Any, Any] | None = None
    """Translate the copied value through this table (a location code to its city)."""
    derived = True

    def draw(self, ctx: Context) -> Any:
        raise AssertionError("derived leaves are filled by derive()")

    def fill(self, record: Mapping[str, Any]) -> Any:
        value = lookup(record, self.path)
        return _copy(self.table.get(value) if self.table is not None else value)

    def schema(self) -> dict[str, Any]:
        return self.kind


REFERENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "identity", "metadata"],
    "properties": {
        "id": {"type": "integer"},
        "identity": {"type": "string"},
        "metadata": {
            "type": "object",
            "required": ["scope", "uri"],
            "properties": {"scope": {"type": "string"}, "uri": {"type": ["string", "null"]}},
        },
    },
}
"""The vendor's reference object, the one shape every link between resources takes."""


def lookup(record: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a record (dicts) or an object
    (attributes); ``None`` where the path leads nowhere."""
    value = record
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        else:
            value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _copy(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _schema_of(value: Any) -> dict[str, Any]:
    """The JSON Schema of a literal value in a shape."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array"}
    if isinstance(value, dict):
        return schema_of(value)
    return {}


def schema_of(shape: Shape) -> dict[str, Any]:
    """The JSON Schema of every record ``shape`` makes: each field required,
    each of its declared type."""
    properties = {}
    for name, leaf in shape.items():
        if isinstance(leaf, Leaf):
            properties[name] = leaf.schema()
        elif isinstance(leaf, Mapping):
            properties[name] = schema_of(leaf)
        else:
            properties[name] = _schema_of(leaf)
    return {"type": "object", "required": list(shape), "properties": properties}


def draw_fields(shape: Shape, ctx: Context, given: Mapping[str, Any]) -> dict[str, Any]:
    """A record of ``shape`` (derived fields not yet filled): each field
    from ``given`` (a scenario's partial, by wire name), the input (by the
    leaf's ``input`` name) or a fresh draw, in declaration order."""
    record: dict[str, Any] = {}
    for name, leaf in shape.items():
        if name in given and not isinstance(leaf, Mapping):
            record[name] = _copy(given[name])
        elif isinstance(leaf, Mapping):
            nested = given.get(name)
            record[name] = draw_fields(leaf, ctx, nested if isinstance(nested, Mapping) else {})
        elif not isinstance(leaf, Leaf):
            record[name] = _copy(leaf)
        elif leaf.derived:
            record[name] = None
        elif leaf.input is not None and leaf.input in ctx.input:
            record[name] = leaf.accept(ctx.input[leaf.input], ctx)
        else:
            record[name] = leaf.draw(ctx)
    return record


def derive(shape: Shape, record: dict[str, Any], root: Mapping[str, Any] | None = None) -> None:
    """Fill the derived fields (``Format``, ``Copy``) from the rest, in place."""
    root = record if root is None else root
    for name, leaf in shape.items():
        if isinstance(leaf, Mapping) and isinstance(record.get(name), dict):
            derive(leaf, record[name], root)
        elif isinstance(leaf, (Format, Copy)):
            record[name] = leaf.fill(root)


def draw(shape: Shape, ctx: Context, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A complete record of ``shape``."""
    record = draw_fields(shape, ctx, given or {})
    derive(shape, record)
    return record


def apply(shape: Shape, record: dict[str, Any], ctx: Context) -> list[str]:
    """Change the fields whose ``input`` the context's input names, then
    re-derive; the names of the wire fields changed."""
    changed: list[str] = []
    _apply(shape, record, ctx, changed, "")
    derive(shape, record)
    return changed


def _apply(shape: Shape, record: dict[str, Any], ctx: Context, changed: list[str], prefix: str) -> None:
    for name, leaf in shape.items():
        if isinstance(leaf, Mapping) and isinstance(record.get(name), dict):
            _apply(leaf, record[name], ctx, changed, f"{prefix}{name}.")
        elif isinstance(leaf, Leaf) and leaf.input is not None and leaf.input in ctx.input:
            record[name] = leaf.accept(ctx.input[leaf.input], ctx)
            changed.append(prefix + name)


def inputs(shape: Shape) -> dict[str, Leaf]:
    """Every leaf an input sets, by input name (nested shapes included)."""
    found: dict[str, Leaf] = {}
    for leaf in shape.values():
        if isinstance(leaf, Mapping):
            found.update(inputs(leaf))
        elif isinstance(leaf, Many):
            continue
        elif isinstance(leaf, Leaf) and leaf.input is not None:
            found[leaf.input] = leaf
    return found


def references(shape: Shape) -> dict[str, str]:
    """Input name → the kind it references, for inputs that name another
    resource by id (checked at request time)."""
    return {name: leaf.kind for name, leaf in inputs(shape).items() if isinstance(leaf, (Ref, Refs))}


def sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Present(Copy):
    """Whether another field (dotted path) holds a value: true unless it is
    missing or empty, as a client's ``is_tax_exempt`` follows its tax-exempt
    ``number``."""

    kind: dict[str, Any] = field(default_factory=lambda: {"type": "boolean"})

    def fill(self, record: Mapping[str, Any]) -> Any:
        return lookup(record, self.path) not in (None, "")


@dataclass(frozen=True)
class Digits(Leaf):
    """A string of ``count`` decimal digits, never starting with 0 (a
    client's call-in PIN); an empty input draws a new one."""

    count: int = 6
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return str(ctx.fake.rng.randint(10 ** (self.count - 1), 10**self.count - 1))

    def accept(self, value: Any, ctx: Context) -> Any:
        return value or self.draw(ctx)

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}


@dataclass(frozen=True)
class Truthy(Flag):
    """A boolean the input may also give as the string ``"true"`` or
    ``"false"``, as the vendor's own example requests send some."""

    def accept(self, value: Any, ctx: Context) -> Any:
        return value.casefold() == "true" if isinstance(value, str) else bool(value)


@dataclass(frozen=True)
class Wrapped(Leaf):
    """An object of one field, ``{name: value}``, that the input sets whole:
    an edit replaces the object rather than changing it in place, so an
    effect may set the field to a constant object that no later edit
    alters (a client's ``tax_exempt``, which ``client:remove-tax-exempt``
    resets)."""

    name: str
    default: Any = ""
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return {self.name: _copy(self.default)}

    def accept(self, value: Any, ctx: Context) -> Any:
        return {self.name: value}

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "required": [self.name], "properties": {self.name: _schema_of(self.default)}}
