"""Clocks that decide when a queued task is due.

Task status is derived from a clock reading rather than scheduled with
timers, so the clock is the one thing that decides when work "happens".
Three kinds exist because clients test in three ways: against wall time
(``real``), with time that moves only when the test says so (``manual``),
and with wall time sped up for clients whose poll loops really sleep
(``scaled``).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import Any, Protocol


class Clock(Protocol):
    """What every clock offers: the current time in unix seconds, and a
    description for the control API.  Only a ``ManualClock`` can be moved;
    code that moves one checks for that type."""

    kind: str

    def now(self) -> float: ...

    def describe(self) -> dict[str, Any]: ...


class RealClock:
    """Wall time; the default for ``portal-mock serve``."""

    kind = "real"

    def now(self) -> float:
        return time.time()

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "now": self.now()}


LATEST = 253_402_300_799.0
"""The last second a date can say (9999-12-31 23:59:59 UTC): no clock moves
past it, or every date the mock writes after that would fail to format."""


class ManualClock:
    """Starts at the wall time of its creation and moves only when told to.

    Moving it backwards is refused: a task that was reported resolved must
    never be reported pending again.
    """

    kind = "manual"

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a clock cannot be moved backwards")
        if self._now + seconds > LATEST:
            raise ValueError("a clock cannot pass the end of year 9999")
        self._now += seconds
        return self._now

    def set(self, timestamp: float) -> float:
        if timestamp < self._now:
            raise ValueError("a clock cannot be moved backwards")
        if timestamp > LATEST:
            raise ValueError("a clock cannot pass the end of year 9999")
        self._now = timestamp
        return self._now

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "now": self._now}


class ScaledClock:
    """Wall time running ``factor`` times faster from the moment of creation."""

    kind = "scaled"

    def __init__(self, factor: float) -> None:
        if factor <= 0:
            raise ValueError("a scaled clock needs a factor above 0")
        self.factor = factor
        self._origin = time.time()

    def now(self) -> float:
        return self._origin + (time.time() - self._origin) * self.factor

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "factor": self.factor, "now": self.now()}


@dataclass(frozen=True)
class ClockSpec:
    """A parsed ``--clock`` value; each account makes its own clock from it."""

    kind: str
    factor: float = 1.0

    def make(self) -> Clock:
        if self.kind == "manual":
            return ManualClock()
        if self.kind == "scaled":
            return ScaledClock(self.factor)
        return RealClock()

    def __str__(self) -> str:
        return f"scaled:{self.factor:g}" if self.kind == "scaled" else self.kind


def _any_case(word: str) -> str:
    """``word`` as a pattern that ignores case without a flag: JSON Schema
    patterns (ECMA-262) have none, and the control API's schema states
    ``CLOCK_PATTERN`` as it is."""
    return "".join(f"[{letter.lower()}{letter.upper()}]" for letter in word)


CLOCK_PATTERN = (
    rf"^(?:{_any_case('real')}|{_any_case('manual')}|{_any_case('scaled')}:"
    r"0*(?:[1-9][0-9]{0,99}(?:\.[0-9]*)?|\.0{0,99}[1-9][0-9]*)(?:[eE][+-]?[0-9]{1,2})?)$"
)
"""The grammar of clocks, written once: ``real``, ``manual`` or
``scaled:K`` in any case (``Manual`` is ``manual``), with K a decimal or
scientific number (``10``, ``0.5``, ``1e3``) with a non-zero digit among
its first hundred and an exponent of at most two digits, so every K it
admits is positive and finite.  ``parse_clock`` reads with it, and the
control API's schema (hence its OpenAPI document) states it."""

_CLOCK = re.compile(CLOCK_PATTERN)


def parse_clock(text: str) -> ClockSpec:
    """Parse a clock in ``CLOCK_PATTERN``'s grammar: ``serve --clock``, the
    control API and the ``portal_clock`` marker all call this.
    ``ValueError`` says what a good one looks like."""
    if _CLOCK.fullmatch(text) is None:
        if text.lower().startswith("scaled"):
            raise ValueError(f"scaled clock needs a positive factor, as in scaled:10 (got {text!r})")
        raise ValueError(f"unknown clock {text!r}: use real, manual or scaled:K")
    kind, _, factor = text.lower().partition(":")
    return ClockSpec(kind, float(factor)) if factor else ClockSpec(kind)


_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")


def parse_duration(value: object) -> float:
    """Seconds, or ``ValueError`` with a message fit for a scenario author."""
    if isinstance(value, bool):
        raise ValueError(f"bad duration {value!r}: write 250ms, 2s, 1m or a number of seconds")
    if isinstance(value, (int, float)):
        if value < 0 or not math.isfinite(value):
            raise ValueError(f"bad duration {value!r}: must be a finite number of seconds >= 0")
        return float(value)
    if isinstance(value, str):
        found = _DURATION.match(value)
        if found:
            return float(found.group(1)) * _UNITS[found.group(2)]
    raise ValueError(f"bad duration {value!r}: write 250ms, 2s, 1m or a number of seconds")
