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
from portal_mock.domain.redaction import card_number

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
    scenario field) that sets it; without one the value is drawn.

    Leaves are declared once, at import, and never changed or compared:
    their dataclasses generate ``__init__`` only (``eq=False, repr=False``,
    not frozen), since every generated method of some thirty leaf classes
    is paid by every start of the server (about 20 ms of it frozen)."""

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


@dataclass(eq=False, repr=False)
class Id(Leaf):
    """The record's own id."""

    def draw(self, ctx: Context) -> Any:
        return ctx.id

    def schema(self) -> dict[str, Any]:
        return {"type": "integer"}


@dataclass(eq=False, repr=False)
class Fake(Leaf):
    """A Faker provider's value (``Fake("domain_name")``), as a string."""

    provider: str = "word"
    input: str | None = None
    nullable: bool = False

    def draw(self, ctx: Context) -> Any:
        return ctx.fake.provide(self.provider)

    def schema(self) -> dict[str, Any]:
        return _nullable({"type": "string"}, self.nullable)


@dataclass(eq=False, repr=False)
class Pick(Leaf):
    """One of the documented values."""

    values: tuple[Any, ...]
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return ctx.fake.rng.choice(self.values)

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(eq=False, repr=False)
class Series(Leaf):
    """The documented values in turn: the n-th record of a kind gets the
    n-th, so an account's few clouds or packages are all different."""

    values: tuple[Any, ...]
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return _copy(self.values[ctx.index % len(self.values)])

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(eq=False, repr=False)
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


@dataclass(eq=False, repr=False)
class Flag(Leaf):
    """A boolean, true with ``chance``."""

    chance: float = 0.5
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return ctx.fake.rng.random() < self.chance

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(eq=False, repr=False)
class Const(Leaf):
    """Always ``value`` unless the input gives one."""

    value: Any = None
    input: str | None = None
    nullable: bool = False

    def draw(self, ctx: Context) -> Any:
        return _copy(self.value)

    def schema(self) -> dict[str, Any]:
        return _nullable(_schema_of(self.value), self.nullable)


@dataclass(eq=False, repr=False)
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


@dataclass(eq=False, repr=False)
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


@dataclass(eq=False, repr=False)
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


@dataclass(eq=False, repr=False)
class Many(Leaf):
    """A list of ``count`` (low, high) nested objects of ``shape``."""

    shape: Shape
    count: tuple[int, int] = (1, 3)
    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return [draw_fields(self.shape, ctx, {}) for _ in range(ctx.fake.rng.randint(*self.count))]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": schema_of(self.shape)}


@dataclass(eq=False, repr=False)
class Metadata(Leaf):
    """The record's own ``{"scope", "uri"}``, from its kind."""

    def draw(self, ctx: Context) -> Any:
        return {"scope": ctx.scope, "uri": ctx.uri}

    def schema(self) -> dict[str, Any]:
        return dict(REFERENCE_SCHEMA["properties"]["metadata"])


@dataclass(eq=False, repr=False)
class Secret(Leaf):
    """A fresh token, shown where the vendor shows it (an API token's ``token``)."""

    prefix: str = ""

    def draw(self, ctx: Context) -> Any:
        return self.prefix + ctx.fake.token()

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}


@dataclass(eq=False, repr=False)
class Subject(Leaf):
    """The addressed record itself, inside an answer that wraps it
    (``user:self`` answers ``{"user": …, "password": …}``)."""

    kind_schema: Mapping[str, Any] = field(default_factory=dict)

    def draw(self, ctx: Context) -> Any:
        return ctx.subject

    def schema(self) -> dict[str, Any]:
        return dict(self.kind_schema) or {"type": "object"}


_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


@dataclass(eq=False, repr=False)
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


@dataclass(eq=False, repr=False)
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


@dataclass(eq=False, repr=False)
class Listed(Copy):
    """Another field's value as the only item of a list: a service's
    ``ips`` beside its ``main_ip``."""

    kind: dict[str, Any] = field(default_factory=lambda: {"type": "array", "items": {"type": "string"}})

    def fill(self, record: Mapping[str, Any]) -> Any:
        return [lookup(record, self.path)]


@dataclass(eq=False, repr=False)
class Dotted(Format):
    """A dotted name of the fields the template names (``"{host}.{zone.identity}"``),
    blank ones left out: a DNS record's ``www.example.com``, or
    ``example.com`` where its host is blank."""

    def fill(self, record: Mapping[str, Any]) -> str:
        parts = (lookup(record, name) for name in _PLACEHOLDER.findall(self.template))
        return ".".join(str(part) for part in parts if part not in (None, ""))


@dataclass(eq=False, repr=False)
class Preset(Leaf):
    """A field of a kind's preset records (a new DNS zone's default
    records): the n-th record drawn takes the n-th of ``values``, as
    ``Series`` does, so fields drawn together come from one preset; a
    request that makes the record without ``input`` gets ``omitted``
    instead; a request's own value is kept, as an integer where ``kind``
    says so (the vendor's pages send a DNS ``ttl`` as digits)."""

    values: tuple[Any, ...]
    input: str | None = None
    omitted: Any = None
    kind: Mapping[str, Any] = field(default_factory=lambda: dict(STRING))

    def draw(self, ctx: Context) -> Any:
        if ctx.input and self.omitted is not None:
            return _copy(self.omitted)
        return _copy(self.values[ctx.index % len(self.values)])

    def accept(self, value: Any, ctx: Context) -> Any:
        return int(value) if self.kind.get("type") == "integer" else value

    def schema(self) -> dict[str, Any]:
        return dict(self.kind)


@dataclass(eq=False, repr=False)
class Switch(Flag):
    """A boolean an input sets as PHP clients write one: ``true``/``false``,
    or the strings ``"true"``/``"false"`` (a form's value, the vendor's own
    examples); stored as a boolean."""

    def accept(self, value: Any, ctx: Context) -> Any:
        return value is True or (isinstance(value, str) and value.lower() == "true")


@dataclass(eq=False, repr=False)
class Unlinked(Leaf):
    """``null`` where the vendor's record references a resource the mock
    does not keep (a site's SSL certificate, its parent site) or shows the
    reference ``null`` itself (a credit's invoice): the schema still says
    what a reference there would be."""

    def draw(self, ctx: Context) -> Any:
        return None

    def schema(self) -> dict[str, Any]:
        return _nullable(REFERENCE_SCHEMA, True)


@dataclass(eq=False, repr=False)
class Of(Leaf):
    """A value read from the record an immediate action addresses: the field
    at ``path`` (a site's update settings, its reference, the EADN account
    its usage quotes), or, with
    ``template``, a string built from its fields as ``Format`` builds one,
    where ``{secret}`` is a fresh token (an SSO link's session)."""

    path: str = ""
    kind: Mapping[str, Any] = field(default_factory=lambda: dict(STRING))
    template: str | None = None

    def draw(self, ctx: Context) -> Any:
        subject = ctx.subject or {}
        if self.template is None:
            return _copy(lookup(subject, self.path))
        secret = ctx.fake.token()
        return _PLACEHOLDER.sub(lambda found: secret if found.group(1) == "secret" else str(lookup(subject, found.group(1))), self.template)

    def schema(self) -> dict[str, Any]:
        return dict(self.kind)


@dataclass(eq=False, repr=False)
class LastFour(Leaf):
    """A payment card's number as the vendor shows it: twelve stars and its
    last four digits.  The full number is never stored: ``accept`` keeps
    only what ``redaction.card_number`` shows, as task input shows it."""

    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return card_number(f"{ctx.fake.rng.randrange(10_000):04d}")

    def accept(self, value: Any, ctx: Context) -> Any:
        return card_number(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\*{12}[0-9]{4}$"}


CARD_BRANDS = (("4", "Visa"), ("34", "American Express"), ("37", "American Express"), ("5", "MasterCard"), ("2", "MasterCard"), ("6", "Discover"))
"""A card number's leading digits → its brand, as card networks assign them."""


@dataclass(eq=False, repr=False)
class CardBrand(Leaf):
    """The brand of the card whose number ``input`` names (``Visa`` for a
    number starting with 4), read before the number is reduced to its last four."""

    input: str | None = None

    def draw(self, ctx: Context) -> Any:
        return ctx.fake.rng.choice(sorted({brand for _, brand in CARD_BRANDS}))

    def accept(self, value: Any, ctx: Context) -> Any:
        return next((brand for prefix, brand in CARD_BRANDS if str(value).startswith(prefix)), "Other")

    def schema(self) -> dict[str, Any]:
        return {"enum": [*sorted({brand for _, brand in CARD_BRANDS}), "Other"]}


@dataclass(eq=False, repr=False)
class Each(Leaf):
    """One object of ``shape`` per element of the input list ``input``,
    each drawn with that element as its input: an estimate's line for each
    item ordered.  Without the input, ``count`` (low, high) drawn.  Unlike
    ``Many``'s, each object's derived fields are filled (a line's total)."""

    shape: Shape
    input: str | None = None
    count: tuple[int, int] = (0, 0)

    def draw(self, ctx: Context) -> Any:
        return [draw(self.shape, ctx) for _ in range(ctx.fake.rng.randint(*self.count))]

    def accept(self, value: Any, ctx: Context) -> Any:
        return [draw(self.shape, Context(ctx.fake, ctx.now, ctx.id, item if isinstance(item, Mapping) else {}, ctx.resolve)) for item in sequence(value)]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": schema_of(self.shape)}


@dataclass(eq=False, repr=False)
class Total(Copy):
    """Money (a decimal string, two places) summed from other fields: the
    ``+``-separated paths of ``path`` in the record, or, with ``over``, the
    field ``path`` of every object in the list ``over`` names."""

    over: str | None = None
    kind: dict[str, Any] = field(default_factory=lambda: dict(STRING))

    def fill(self, record: Mapping[str, Any]) -> Any:
        if self.over is not None:
            values = [lookup(item, self.path) for item in lookup(record, self.over) or []]
        else:
            values = [lookup(record, part) for part in self.path.split("+")]
        cents = sum(round(float(value) * 100) for value in values if value is not None)
        return f"{cents / 100:.2f}"


@dataclass(eq=False, repr=False)
class Stamped(Format):
    """``Format``'s string followed by `` - `` and the moment at the field
    ``at`` written in ``stamp`` (``strftime``, UTC), as an event's identity
    ends with its date."""

    at: str = ""
    stamp: str = "%m/%d/%Y %H:%M:%S"

    def fill(self, record: Mapping[str, Any]) -> str:
        moment = lookup(record, self.at)
        written = time.strftime(self.stamp, time.gmtime(moment)) if isinstance(moment, (int, float)) else ""
        return f"{super().fill(record)} - {written}"


_CALLING_CODES = {
    "1": "US", "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "36": "HU", "39": "IT", "40": "RO",
    "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO", "48": "PL", "49": "DE", "52": "MX", "55": "BR", "61": "AU", "64": "NZ",
    "81": "JP", "82": "KR", "86": "CN", "91": "IN", "353": "IE", "358": "FI",
}  # fmt: skip
"""E.164 calling codes → the country a number is attributed to; a code not
here is the vendor's unknown country, ``XX``."""


@dataclass(eq=False, repr=False)
class Phone(Leaf):
    """What the E.164 number in the input's ``source`` field
    (``+18666392377``) says of itself: ``part`` is ``country`` (its calling
    code's country) or ``national`` (the number as dialled at home,
    ``(866) 639-2377`` in North America).  It reads the input without
    being set by it, so it names no ``input``."""

    part: str
    source: str = "number"

    def draw(self, ctx: Context) -> Any:
        digits = str(ctx.input.get(self.source, "")).lstrip("+")
        code = next((digits[:size] for size in (1, 2, 3) if digits[:size] in _CALLING_CODES), "")
        if self.part == "country":
            return _CALLING_CODES.get(code, "XX")
        national = digits[len(code) :]
        if code == "1" and len(national) == 10:
            return f"({national[:3]}) {national[3:6]}-{national[6:]}"
        return national

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}


@dataclass(eq=False, repr=False)
class Part(Leaf):
    """One field (``id`` or ``identity``) of the reference to the account's
    resource of ``kind``: a record that describes the account's own client
    under another kind (its affiliate standing) carries the client's id
    and name, not drawn ones."""

    kind: str
    part: str

    def draw(self, ctx: Context) -> Any:
        found = ctx.resolve(self.kind, None)
        return found[self.part] if found is not None else None

    def schema(self) -> dict[str, Any]:
        return dict(REFERENCE_SCHEMA["properties"][self.part])


@dataclass(eq=False, repr=False)
class Signed(Leaf):
    """A link to the addressed record carrying a fresh token, made anew on
    every answer: ``template`` names ``{id}`` (the subject's) and ``{token}``."""

    template: str

    def draw(self, ctx: Context) -> Any:
        id = ctx.subject["id"] if ctx.subject is not None else ctx.id
        return self.template.format(id=id, token=ctx.fake.token())

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri"}


@dataclass(eq=False, repr=False)
class Present(Copy):
    """Whether another field (dotted path) holds a value: true unless it is
    missing or empty, as a client's ``is_tax_exempt`` follows its tax-exempt
    ``number``."""

    kind: dict[str, Any] = field(default_factory=lambda: {"type": "boolean"})

    def fill(self, record: Mapping[str, Any]) -> Any:
        return lookup(record, self.path) not in (None, "")


@dataclass(eq=False, repr=False)
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


@dataclass(eq=False, repr=False)
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
