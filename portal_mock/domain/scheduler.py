"""Where a task resolves: one account's tasks, the heap of when each is due,
and the three ways one ends (its time came, it was polled enough, or the
control plane finished it).

A task never runs on a timer.  Whatever looks at an account first settles
it: every task whose due time the account's clock has passed resolves then,
in due order and dated at its due time, so status is exact under a manual
clock and a million pending tasks cost nothing but memory.

The scheduler holds no reference to its account, nor does any task: the
account that resolves a task passes itself in, and listeners hear of each
resolution by account id.  An account and everything it stores is
therefore freed by reference counting alone when it is dropped, which the
server's GC policy (``engine.gc_policy``) relies on.

Finished tasks are kept for polling and listing, but not forever: every
account's scheduler hands them to one ``History``, bounded in estimated
bytes, which makes the account forget the oldest finished task once the
bound is passed.  Pending tasks are never forgotten.
"""

from __future__ import annotations

import heapq
import sys
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from portal_mock.domain.clock import Clock
from portal_mock.domain.effects import Blueprint, Workspace
from portal_mock.domain.errors import Rejected
from portal_mock.domain.tasks import Task

Listener = Callable[[int, Task], None]
"""Hears ``(account id, task)`` once, when the task has resolved."""


DEFAULT_HISTORY_BYTES = 32 * 1024 * 1024
"""The finished tasks' default bound in estimated bytes: ``serve --task-bytes``."""
TASK_COST = 640
"""A finished task's own objects, in bytes, before its input: the record,
its UUID, numbers and dates, the reference it made, and its places in its
account's table and in the history."""


def estimated_bytes(value: Any) -> int:
    """What a decoded JSON value takes in memory, roughly: a task's input
    is schema-checked and small, so walking it costs little next to the
    request that made it."""
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(estimated_bytes(key) + estimated_bytes(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return sys.getsizeof(value) + sum(map(estimated_bytes, value))
    return sys.getsizeof(value)


class History:
    """Every account's finished tasks, oldest first, within ``capacity_bytes``
    (estimated).  Past the bound the oldest is dropped from its account's
    table, so polling it answers as for a task that never was; the newest
    is kept even when it alone is over the bound.  An entry holds the
    table, not the account, so a reset account is still freed by
    reference counting (its finished tasks go as the history moves on)."""

    def __init__(self, capacity_bytes: int = DEFAULT_HISTORY_BYTES) -> None:
        if capacity_bytes < 1:
            raise ValueError("the task history needs room for at least one byte")
        self.capacity_bytes = capacity_bytes
        self.bytes = 0
        """The estimated bytes the finished tasks kept now take."""
        self.dropped = 0
        """Finished tasks forgotten to stay within the bound."""
        self._finished: deque[tuple[dict[str, Task], Task, int]] = deque()

    def __len__(self) -> int:
        return len(self._finished)

    def keep(self, tasks: dict[str, Task], task: Task) -> None:
        """``task`` of the table ``tasks`` has just finished; drop the oldest
        finished tasks until the bound holds again."""
        cost = TASK_COST + estimated_bytes(task.input) + (0 if task.shown is task.input else estimated_bytes(task.shown))
        self._finished.append((tasks, task, cost))
        self.bytes += cost
        while self.bytes > self.capacity_bytes and len(self._finished) > 1:
            table, old, weight = self._finished.popleft()
            self.bytes -= weight
            if table.get(old.uuid) is old:
                del table[old.uuid]
            self.dropped += 1

    def clear(self) -> None:
        """Forget the record, not the tasks: after a server-wide reset every
        table in it belongs to an account that was dropped."""
        self._finished.clear()
        self.bytes = 0
        self.dropped = 0


class Owner(Workspace, Protocol):
    """The account a scheduler belongs to, as the scheduler needs it."""

    id: int


class Scheduler:
    """One account's tasks, by UUID, and when each is due."""

    def __init__(self, clock: Clock, blueprint: Blueprint, history: History | None = None) -> None:
        self.clock = clock
        self.effects = blueprint.effects
        self.history = history if history is not None else History()
        self.tasks: dict[str, Task] = {}
        self.listeners: list[Listener] = []
        self._due: list[tuple[float, int, Task]] = []

    def add(self, task: Task) -> None:
        """Keep ``task``; if its plan gives it a due time, schedule it."""
        self.tasks[task.uuid] = task
        if task.resolve_at is not None:
            heapq.heappush(self._due, (task.resolve_at, task.id, task))

    def settle(self, owner: Owner) -> None:
        """Resolve every task whose time has come, in due order, at its due
        time; tasks due together resolve in the order they were queued."""
        now = self.clock.now()
        due = self._due
        while due and due[0][0] <= now:
            at, _, task = heapq.heappop(due)
            self._finish(owner, task, at)

    def poll(self, owner: Owner, uuid: str) -> Task | None:
        """task:show: settle, count the poll, and resolve an ``after_polls``
        task on the poll that completes its count."""
        self.settle(owner)
        task = self.tasks.get(uuid)
        if task is not None and task.pending:
            task.polls += 1
            if task.plan.after_polls is not None and task.polls >= task.plan.after_polls:
                self._finish(owner, task, self.clock.now())
        return task

    def finish_now(self, owner: Owner, task: Task, outcome: str | None = None, errors: dict[str, Any] | None = None) -> None:
        """Resolve ``task`` now, ahead of its schedule (the control plane).
        The caller settles first, so what fell due earlier resolves first."""
        self._finish(owner, task, self.clock.now(), outcome, errors)

    def _finish(self, owner: Owner, task: Task, at: float, outcome: str | None = None, errors: dict[str, Any] | None = None) -> None:
        """End ``task`` once.  ``outcome``/``errors`` override its plan (a test
        forcing a result).  On success the action's effect runs on ``owner``;
        an effect that raises ``Rejected`` makes the task ``rejected``
        instead, and failed or rejected tasks change nothing else."""
        if not task.pending:
            return
        outcome = outcome or task.plan.outcome
        if outcome == "success":
            effect = self.effects.get(task.action)
            try:
                produced = effect(owner, task, at) if effect else None
            except Rejected as why:
                task.end(at, "rejected", {"message": why.message})
            else:
                task.succeed(at, produced)
        else:
            task.end(at, outcome, errors if errors is not None else task.plan.errors)
        for listener in self.listeners:
            listener(owner.id, task)
        self.history.keep(self.tasks, task)
