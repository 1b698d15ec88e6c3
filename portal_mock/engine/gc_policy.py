"""Keep the long-lived store out of the garbage collector's way.

A serving mock accumulates tasks and tickets that live until the process
ends or a reset.  CPython's full collections traverse every tracked object,
so with a few hundred thousand tasks each one stalls the server for hundreds
of milliseconds (bench/RESULTS.md, "Garbage collection").  Freezing what
survives a full collection moves it to the permanent generation: later
collections only look at what is new.  Objects are still freed by reference
counting; only a reference cycle among frozen objects would outlive its
use, so the store holds none: no task, scheduler or delivery listener
points back at its account (``domain.scheduler``), and a reset account is
freed the moment its keys are rebound (``tests/test_memory.py`` resets a
thousand under this policy and sees their memory come back).
"""

from __future__ import annotations

import gc
from typing import Any


def _freeze_after_full_collections(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def freeze_survivors() -> None:
    """Freeze what exists now (start-up's modules and objects), and from
    now on whatever survives each full collection."""
    gc.collect()
    gc.freeze()
    if _freeze_after_full_collections not in gc.callbacks:
        gc.callbacks.append(_freeze_after_full_collections)
