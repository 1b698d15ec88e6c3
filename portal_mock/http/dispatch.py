"""Finding the Portal action a request addresses: one walk down a table of
path segments, whatever the number of actions.

Each path template (``/v1/ticket/{id}/comment``) is stored as a chain of
segments; a literal segment is a dictionary lookup, a placeholder takes any
segment the literals did not claim.  A request costs one lookup per segment
of its path, so the table may hold every action the Portal documents
without any request getting slower.  The trailing slash is dropped once,
here: the vendor writes webhook URIs as ``/v1/task/webhook/14/``, and a
client following one should not meet a redirect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Node(Generic[T]):
    literals: dict[str, _Node[T]] = field(default_factory=dict)
    placeholder: _Node[T] | None = None
    methods: dict[str, tuple[T, tuple[str, ...]]] = field(default_factory=dict)
    """Each method's endpoint, with the names its template gives the
    placeholders on the way (two templates may name one position differently)."""


@dataclass(frozen=True)
class Found(Generic[T]):
    """The endpoint for the request's method and path, and the values of the
    path's placeholders."""

    endpoint: T
    params: dict[str, str]


@dataclass(frozen=True)
class WrongMethod:
    """The path exists, with other methods: a 405 lists them in ``Allow``."""

    allowed: tuple[str, ...]


class Table(Generic[T]):
    """Endpoints by method and path template.  ``HEAD`` finds ``GET``'s."""

    def __init__(self, entries: Iterable[tuple[str, str, T]] = ()) -> None:
        self._root: _Node[T] = _Node()
        for method, template, endpoint in entries:
            self.add(method, template, endpoint)

    def add(self, method: str, template: str, endpoint: T) -> None:
        node = self._root
        names: list[str] = []
        for segment in _segments(template):
            if segment.startswith("{") and segment.endswith("}"):
                if node.placeholder is None:
                    node.placeholder = _Node()
                names.append(segment[1:-1])
                node = node.placeholder
            else:
                node = node.literals.setdefault(segment, _Node())
        if method in node.methods:
            raise ValueError(f"{method} {template} is declared twice")
        node.methods[method] = (endpoint, tuple(names))

    def find(self, method: str, path: str) -> Found[T] | WrongMethod | None:
        """The endpoint, a ``WrongMethod`` when only the method is wrong, or
        ``None`` when no template has this path."""
        node: _Node[T] | None = self._root
        values: list[str] = []
        for segment in _segments(path):
            assert node is not None
            following = node.literals.get(segment)
            if following is None:
                following = node.placeholder
                if following is None or not segment:
                    return None
                values.append(segment)
            node = following
        assert node is not None
        found = node.methods.get("GET" if method == "HEAD" else method)
        if found is not None:
            endpoint, names = found
            return Found(endpoint, dict(zip(names, values, strict=True)))
        if node.methods:
            return WrongMethod(tuple(node.methods))
        return None


def _segments(path: str) -> list[str]:
    """``/v1/ticket/5/`` → ``["v1", "ticket", "5"]``: one trailing slash is
    dropped, anything else (an empty segment, ``//``) stays and finds
    nothing."""
    if path.endswith("/") and len(path) > 1:
        path = path[:-1]
    return path[1:].split("/") if path.startswith("/") else [path]
