"""Queued actions and the task objects clients poll.

A task records when it was accepted, when it is due (``resolve_at``) and,
once it has resolved, how it ended.  When and how it resolves is the
scheduler's business (``domain.scheduler``); a task holds no reference to
its account or to the effect it will have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from portal_mock.domain.people import Person, reference
from portal_mock.domain.redaction import redact_value

OUTCOMES = ("success", "failure", "rejected")
"""How a task can end; a task is ``pending`` until it does."""
STATUSES = ("pending", *OUTCOMES)
API_VERSION = "0.5.0"
DEFAULT_FAILURE = "The task could not be completed."
DEFAULT_REJECTION = "The task was rejected."
NO_PARAMS: Mapping[str, int] = MappingProxyType({})
"""The ``params`` of a task whose path names no other ids: one shared,
read-only mapping rather than an empty dict per stored task."""


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


@dataclass(eq=False, slots=True)
class Task:
    id: int
    uuid: str
    action: str
    input: dict[str, Any]
    author: Person
    created_at: float
    plan: TaskPlan
    target: int | None = None
    params: Mapping[str, int] = field(default_factory=lambda: NO_PARAMS)
    """The path's other ids (the site a stencil is added to)."""
    resolve_at: float | None = None
    status: str = "pending"
    errors: dict[str, Any] | None = None
    """Why it failed or was rejected; ``None`` (shown as ``{}``) otherwise,
    so a stored task keeps no empty dict of its own."""
    resolved_at: float | None = None
    made: dict[str, Any] | tuple[Any, str, str, str | None] | None = None
    """What the task made, once it succeeded (``resource``): a reference is
    kept as the tuple of its four values, some 400 bytes less per stored
    task than its two dicts; anything else (a scripted resource) as given."""
    polls: int = 0
    shown: dict[str, Any] = field(init=False, repr=False)
    """``input`` as every output shows it, redacted once: a task is polled
    many times and its input never changes.  Most inputs hold no secret;
    they are their own shown form, not a second copy per stored task."""

    def __post_init__(self) -> None:
        shown = shown_input(self.input)
        self.shown = self.input if shown == self.input else shown
        if self.plan.delay is not None and self.plan.after_polls is None:
            self.resolve_at = self.created_at + max(0.0, self.plan.delay)

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    @property
    def path(self) -> str:
        return f"/v1/task/{self.uuid}"

    @property
    def resource(self) -> dict[str, Any] | None:
        """The vendor's ``resource`` of a succeeded task, ``None`` before."""
        made = self.made
        return reference(*made) if isinstance(made, tuple) else made

    def succeed(self, at: float, produced: dict[str, Any] | None) -> None:
        """End with success; the resource is the plan's, if it scripts one,
        or the reference the effect ``produced``."""
        self.status, self.errors, self.resolved_at = "success", None, at
        self.made = _compact(self.plan.resource or produced)

    def end(self, at: float, outcome: str, errors: dict[str, Any] | None = None) -> None:
        """End as ``failure`` or ``rejected``, with ``errors`` or the stock
        sentence for the outcome."""
        default = DEFAULT_FAILURE if outcome == "failure" else DEFAULT_REJECTION
        self.status, self.resolved_at = outcome, at
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
            "errors": (self.errors or {}) if done else {},
            "input": self.shown,
            "metadata": {"scope": "api-task", "uri": self.path},
            "request_date": int(self.created_at),
            "resolved_date": int(self.resolved_at) if done and self.resolved_at is not None else None,
            "resource": self.resource if done else None,
            "staff_user": None,
            "user": self.author.to_reference(),
        }


def _compact(resource: dict[str, Any] | None) -> dict[str, Any] | tuple[Any, str, str, str | None] | None:
    """A reference as its four values; any other resource as it is."""
    if resource is not None and resource.keys() == {"id", "identity", "metadata"}:
        metadata = resource["metadata"]
        if isinstance(metadata, dict) and metadata.keys() == {"scope", "uri"}:
            return (resource["id"], resource["identity"], metadata["scope"], metadata["uri"])
    return resource


def shown_input(input: dict[str, Any]) -> dict[str, Any]:
    """Task input as it may be shown (echoed to clients, delivered to
    webhooks): redacted as every output is (a webhook's credentials and
    URL password, a payment card's number by its last four digits), and a
    card's cvv not at all, as the vendor's task leaves it out."""
    shown: dict[str, Any] = redact_value(input)
    shown.pop("cvv", None)
    return shown
