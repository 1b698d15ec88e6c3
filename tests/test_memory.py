"""Reset accounts give their memory back under the GC policy ``serve`` uses.

``serve`` freezes whatever survives a full collection (engine/gc_policy.py),
so an object kept alive only by a reference cycle is never freed.  The store
must therefore be freed by reference counting alone: nothing inside an
account may point back at it.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Iterator

import pytest

from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.people import Person
from portal_mock.domain.tasks import TaskPlan
from portal_mock.engine import gc_policy
from portal_mock.engine.state import MockState, Settings

ACCOUNTS = 1000
TASKS = 5
TICKET = {"department": "support", "subject": "Down"}
AUTHOR = Person(1, "Pat Doe", "pat@example.com")


@pytest.fixture
def frozen() -> Iterator[None]:
    """The policy ``serve`` installs, undone afterwards so other tests see
    the collector as it was."""
    gc_policy.freeze_survivors()
    try:
        yield
    finally:
        if gc_policy._freeze_after_older_collections in gc.callbacks:
            gc.callbacks.remove(gc_policy._freeze_after_older_collections)
        gc.unfreeze()
        gc.collect()


def test_reset_accounts_are_freed_under_the_frozen_policy(frozen: None) -> None:
    state = MockState(Settings(clock=ClockSpec("manual")))
    tracemalloc.start()
    try:
        accounts = [state.mint_key().account for _ in range(ACCOUNTS)]
        empty = tracemalloc.get_traced_memory()[0]
        for account in accounts:
            for _ in range(TASKS):
                account.queue("ticket:add", TICKET, AUTHOR, TaskPlan(delay=0))
            account.settle()
        refs = [weakref.ref(account) for account in accounts]
        del accounts, account
        gc.collect()  # the policy freezes the filled accounts here
        filled = tracemalloc.get_traced_memory()[0]
        state.reset()
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    alive = sum(ref() is not None for ref in refs)
    assert alive == 0, f"{alive} of {ACCOUNTS} reset accounts are still alive"
    # The fresh accounts cost what the empty ones did; the tasks and tickets
    # the old ones held must all have come back.
    grown = filled - empty
    assert kept - empty < grown / 10, f"reset kept {kept - empty:,} of the {grown:,} bytes the tasks and tickets took"
