"""Queued actions and the task objects clients poll.

A task never runs on a timer.  It records when it was accepted and when it is
due (``resolve_at``), and its account settles it the first time anything
looks at the account after that moment.  Status is therefore exact under a
manual clock and a million pending tasks cost nothing but memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from portal_mock.domain.errors import Rejected
from portal_mock.domain.people import Person
from portal_mock.domain.webhooks import masked_input

OUTCOMES = ("success", "failure", "rejected")
API_VERSION = "0.5.0"
DEFAULT_FAILURE = "The task could not be completed."
DEFAULT_REJECTION = "The task was rejected."


@dataclass(frozen=True)
class TaskPlan:
    """How a task will end: scripted by a scenario, or the server default.

    ``delay`` is seconds after acceptance (``None``: never by the clock);
    ``after_polls`` resolves it on that task:show instead.  ``resource``, when
    given, replaces the reference a successful effect would report.
    """

    delay: float | None = 2.0
    outcome: str = "success"
    errors: dict[str, Any] | None = None
    after_polls: int | None = None
    resource: dict[str, Any] | None = None


Effect = Callable[[Any, "Task", float], "dict[str, Any] | None"]
"""Run with the task's owner (its account), the task and the resolution time."""


@dataclass(eq=False, slots=True)
class Task:
    id: int
    uuid: str
    action: str
    input: dict[str, Any]
    author: Person
    created_at: float
    plan: TaskPlan
    effect: Effect | None = None
    owner: Any = None
    target: int | None = None
    resolve_at: float | None = None
    status: str = "pending"
    errors: dict[str, Any] = field(default_factory=dict)
    resolved_at: float | None = None
    resource: dict[str, Any] | None = None
    polls: int = 0

    def __post_init__(self) -> None:
        if self.plan.delay is not None and self.plan.after_polls is None:
            self.resolve_at = self.created_at + max(0.0, self.plan.delay)

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    @property
    def path(self) -> str:
        return f"/v1/task/{self.uuid}"

    def resolve(self, at: float, outcome: str | None = None, errors: dict[str, Any] | None = None) -> None:
        """End the task once, running its effect on success.

        ``outcome``/``errors`` override the plan (a test forcing a result).
        An effect that raises ``Rejected`` turns success into ``rejected``;
        failed and rejected tasks change nothing else.
        """
        if not self.pending:
            return
        outcome = outcome or self.plan.outcome
        errors = errors if errors is not None else self.plan.errors
        self.resolved_at = at
        if outcome == "success":
            try:
                produced = self.effect(self.owner, self, at) if self.effect else None
            except Rejected as why:
                self.status, self.errors = "rejected", {"message": str(why)}
                return
            self.status, self.errors = "success", {}
            self.resource = self.plan.resource or produced
            return
        default = DEFAULT_FAILURE if outcome == "failure" else DEFAULT_REJECTION
        self.status = outcome
        self.errors = dict(errors) if errors else {"message": default}

    def to_dict(self, pending: bool = False) -> dict[str, Any]:
        """The vendor's task object; ``pending=True`` renders it as just queued
        (the 202 answer), whatever has happened since."""
        status = "pending" if pending else self.status
        done = status != "pending"
        return {
            "id": self.id,
            "uuid": self.uuid,
            "identity": f"{self.action} ({status})",
            "action": self.action,
            "status": status,
            "api_version": API_VERSION,
            "errors": self.errors if done else {},
            "input": masked_input(self.input),
            "metadata": {"scope": "api-task", "uri": self.path},
            "request_date": int(self.created_at),
            "resolved_date": int(self.resolved_at) if done and self.resolved_at is not None else None,
            "resource": self.resource if done else None,
            "staff_user": None,
            "user": self.author.to_reference(),
        }
