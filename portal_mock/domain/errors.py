"""What can go wrong below the HTTP layer, as types.

Domain, scenario and engine code raise these; the HTTP layer maps each type
to a status once (``http.app``), for the Portal API and the control API
alike.  Nothing here knows a status code: a ``NotFound`` is a 404 because
the edge says so.  Each message is written once, here or by the one caller
that knows the object, never copied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import get_close_matches


class Problem(Exception):
    """Something a client asked for that cannot be done; ``message`` is a
    sentence fit to show the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Problem):
    """The addressed object does not exist (or is not the caller's)."""

    @classmethod
    def of(cls, noun: str) -> NotFound:
        """``No such ticket.``: the one way an unknown object is reported."""
        return cls(f"No such {noun}.")


class UnknownName(NotFound):
    """A name (a scenario, say) that is not among the known ones; the
    message names the closest known ones, or all of them."""

    def __init__(self, kind: str, name: str, known: Iterable[str], where: str | None = None) -> None:
        known = sorted(known)
        close = get_close_matches(name, known, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(n) for n in close)}?" if close else f"known: {', '.join(known)}."
        place = f" in {where}" if where else ""
        super().__init__(f"Unknown {kind} {name!r}{place}; {hint}")
        self.kind = kind
        self.name = name
        self.known = tuple(known)


class BadRequest(Problem):
    """The request as a whole cannot be understood (a header that names no
    scenario, a malformed ``Prefer``)."""


class Invalid(Problem):
    """Input that breaks the rules: ``errors`` names every bad field at
    once, each with its problems."""

    def __init__(self, errors: Mapping[str, list[str]], message: str | None = None) -> None:
        super().__init__(message or "The given data was invalid.")
        self.errors = {name: list(problems) for name, problems in errors.items()}


class OutOfRange(Problem):
    """A well-formed page that lies outside the list; ``total`` is how many
    items the list has."""

    def __init__(self, message: str, total: int) -> None:
        super().__init__(message)
        self.total = total


class Conflict(Problem):
    """The request contradicts the current state (a label already taken, a
    clock moved backwards, a task that already resolved)."""


class Rejected(Problem):
    """Raised by a task's effect when the action cannot apply to the state
    it finds (closing a closed ticket): the task resolves ``rejected`` with
    this reason.  Never reaches the HTTP layer."""
