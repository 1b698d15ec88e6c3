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
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any, Protocol

from portal_mock.domain.clock import Clock
from portal_mock.domain.effects import Blueprint, Workspace
from portal_mock.domain.errors import Rejected
from portal_mock.domain.tasks import Task

Listener = Callable[[int, Task], None]
"""Hears ``(account id, task)`` once, when the task has resolved."""


class Owner(Workspace, Protocol):
    """The account a scheduler belongs to, as the scheduler needs it."""

    id: int


class Scheduler:
    """One account's tasks, by UUID, and when each is due."""

    def __init__(self, clock: Clock, blueprint: Blueprint) -> None:
        self.clock = clock
        self.effects = blueprint.effects
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
