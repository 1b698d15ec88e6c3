"""List endpoints: filter, match, sort and page a collection from query parameters.

ticket:list and webhook:list take the same parameters (``filter[f]``,
``match[f]``, ``sortBy``, ``sortOrder``, ``page``, ``pageSize``) and answer
the same way (a slice and ``Content-Range: items first-last/total``), so the
rules live here once.  Items are read by attribute: a field named in the
action's ``fields`` is ``getattr(item, field)``.

Comparisons ignore case, as the vendor's MySQL collation does: ``filter``
compares whole values, ``match`` looks for a substring.  Malformed input
(an unknown field, sort field or direction, a page that is not an integer)
is ``Invalid``, naming every bad parameter at once; a well-formed page or
page size outside the collection is ``OutOfRange``, carrying the total the
client's ``Content-Range`` needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from portal_mock.domain.errors import Invalid, OutOfRange

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 250
"""The vendor's PHP SDK documents 25 as the default page size and 250 as the most the API accepts."""
ORDERS = ("ASC", "DESC")

_BRACKETED = re.compile(r"^(?P<kind>filter|match)\[(?P<field>[^\[\]]*)\]$")
_INTEGER = re.compile(r"^-?[0-9]+$")
_HUGE = 10**18


class Ordered(Protocol):
    """A store a list reads: its records in a field's order, sorted at most
    once per change (ties by id, in the same direction)."""

    def sorted_by(self, key: str, descending: bool, sort_key: Callable[[Any], Any]) -> Sequence[Any]: ...

    def render(self, item: Any) -> dict[str, Any]: ...


Value = Callable[[Any, str], Any]
"""Reads a list field (by its name) from an item."""


@dataclass(frozen=True)
class Query:
    """A parsed list request."""

    filters: dict[str, str]
    matches: dict[str, str]
    sort_by: str
    descending: bool
    page: int
    page_size: int


@dataclass(frozen=True)
class Page:
    """One page of a list and where it sits in the whole."""

    items: list[Any]
    first: int
    total: int

    @property
    def content_range(self) -> str:
        """``items first-last/total``, 1-based and inclusive; ``items 0-0/0``
        when nothing matched, so a client's parser always finds three numbers."""
        if not self.items:
            return f"items 0-0/{self.total}"
        return f"items {self.first}-{self.first + len(self.items) - 1}/{self.total}"


def parse(params: Iterable[tuple[str, str]], fields: Sequence[str], sorts: Sequence[str] | None = None) -> Query:
    """Read the list parameters, or raise ``Invalid`` naming every malformed one.
    ``fields`` may be filtered and matched on, ``sorts`` (default: the same)
    sorted by.

    Parameters the Portal does not define are ignored, as unknown body
    fields are; an empty value is a value, checked as any other (``page=``
    is not an integer, ``filter[subject]=`` matches empty subjects), as the
    OpenAPI document's schemas say; a repeated parameter keeps its last
    value, as PHP does.
    """
    filters: dict[str, str] = {}
    matches: dict[str, str] = {}
    plain: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, value in params:
        bracketed = _BRACKETED.match(name)
        if bracketed is None:
            plain[name] = value
        elif bracketed.group("field") not in fields:
            errors[name] = [f"Unknown field; use one of: {', '.join(fields)}."]
        else:
            (filters if bracketed.group("kind") == "filter" else matches)[bracketed.group("field")] = value
    sortable = fields if sorts is None else sorts
    sort_by = plain.get("sortBy", "id")
    if sort_by not in sortable:
        errors["sortBy"] = [f"Must be one of: {', '.join(sortable)}."]
    order = plain.get("sortOrder", "ASC").upper()
    if order not in ORDERS:
        errors["sortOrder"] = ["Must be ASC or DESC."]
    numbers = {}
    for name, default in (("page", 1), ("pageSize", DEFAULT_PAGE_SIZE)):
        raw = plain.get(name, str(default)).strip()
        if _INTEGER.match(raw):
            numbers[name] = _bounded(raw)
        else:
            errors[name] = ["Must be an integer."]
    if errors:
        raise Invalid(errors)
    return Query(filters, matches, sort_by, order == "DESC", numbers["page"], numbers["pageSize"])


def _bounded(digits: str) -> int:
    """The integer, with absurdly long ones pinned far out of any range
    (Python refuses to convert thousands of digits)."""
    if len(digits.lstrip("-")) > 18:
        return -_HUGE if digits.startswith("-") else _HUGE
    return int(digits)


def _text(value: Any) -> str:
    return str(value).casefold()


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) and not isinstance(value, bool) else (1, _text(value))


def select(store: Ordered, query: Query, value: Value) -> Page:
    """The page ``query`` asks for, or ``OutOfRange`` when it lies outside
    the list.

    The store keeps each order it was asked for until its data changes, so
    a page without filters costs the page, whatever the store holds; with
    filters, one pass over the ordered records.  Ties in the sort field are
    ordered by id (in the same direction), so pages never overlap or skip.
    A page size outside 1..``MAX_PAGE_SIZE``, a page below 1 and a page past
    the last one are 416; page 1 of an empty list is an empty 200.
    """
    ordered = store.sorted_by(query.sort_by, query.descending, lambda item: _sort_key(value(item, query.sort_by)))
    if query.filters or query.matches:
        filters = [(f, _text(v)) for f, v in query.filters.items()]
        matches = [(f, _text(v)) for f, v in query.matches.items()]
        ordered = [
            item
            for item in ordered
            if all(_text(value(item, f)) == v for f, v in filters) and all(v in _text(value(item, f)) for f, v in matches)
        ]
    total = len(ordered)
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise OutOfRange(f"pageSize must be from 1 to {MAX_PAGE_SIZE}.", total)
    last_page = max(1, -(-total // query.page_size))
    if not 1 <= query.page <= last_page:
        raise OutOfRange(f"page must be from 1 to {last_page}.", total)
    start = (query.page - 1) * query.page_size
    return Page([store.render(item) for item in ordered[start : start + query.page_size]], start + 1, total)


class OrderCache:
    """The orders a store was listed in, each kept until the store changes:
    the part of ``Ordered`` every store shares."""

    def __init__(self) -> None:
        self.version = 0
        self._orders: dict[tuple[str, bool], tuple[int, list[Any]]] = {}

    def changed(self) -> None:
        self.version += 1

    def ordered(self, items: Callable[[], list[Any]], key: str, descending: bool, sort_key: Callable[[Any], Any], id_of: Callable[[Any], int]) -> list[Any]:
        cached = self._orders.get((key, descending))
        if cached is not None and cached[0] == self.version:
            return cached[1]
        found = items()
        found.sort(key=id_of, reverse=descending)
        if key != "id":
            found.sort(key=sort_key, reverse=descending)
        self._orders[(key, descending)] = (self.version, found)
        return found
