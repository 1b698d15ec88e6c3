"""Keep the long-lived store out of the garbage collector's way.

A serving mock accumulates tasks and tickets that live until the process
ends or a reset.  CPython's full collections traverse every tracked object,
so with a few hundred thousand tasks each one stalls the server for hundreds
of milliseconds (bench/RESULTS.md, "Garbage collection").  Freezing what
survives a collection of the middle or the oldest generation moves it to
the permanent generation: later collections only look at what is new, and
a full collection never has more than a few hundred requests' worth of
objects to traverse (freezing after full collections alone still left
~70,000 objects per full collection, and ticket:add's p99 at 4× that of
generation-1 freezing).  What is frozen is what survived a collection, so
cyclic garbage was already freed.  Objects are still freed by reference
counting; only a reference cycle among frozen objects would outlive its
use, so the store holds none: no task, scheduler or delivery listener
points back at its account (``domain.scheduler``), and a reset account is
freed the moment its keys are rebound (``tests/test_memory.py`` resets a
thousand under this policy and sees their memory come back).
"""

from __future__ import annotations

import gc
from typing import Any


def _freeze_after_older_collections(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()


def freeze_survivors() -> None:
    """Freeze what exists now (start-up's modules and objects), and from
    now on whatever survives each collection of generation 1 or 2.

    Start-up's own garbage (some 750 objects of import-time cycles) is
    frozen with the rest rather than collected first: that collection was
    8 ms of every start, for a few kilobytes."""
    gc.freeze()
    if _freeze_after_older_collections not in gc.callbacks:
        gc.callbacks.append(_freeze_after_older_collections)
