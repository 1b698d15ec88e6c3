"""Durations as scenario files write them: ``250ms``, ``2s``, ``1m``, ``1h``,
or a plain number of seconds."""

from __future__ import annotations

import math
import re

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
