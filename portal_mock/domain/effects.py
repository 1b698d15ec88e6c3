"""What each queued action does to its account when its task succeeds.

Effects are looked up by the task's action name at the moment it resolves,
so a stored task holds no callable and no reference to its account: the
account that resolves a task passes itself in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from portal_mock.domain.resources import Effect as Declared
from portal_mock.domain.resources import Kind, World, perform
from portal_mock.domain.tasks import Task
from portal_mock.domain.tickets import Tickets
from portal_mock.domain.webhooks import Webhooks


class Workspace(Protocol):
    """What an effect acts on: the account whose task resolved."""

    tickets: Tickets
    webhooks: Webhooks
    world: World

    def client_reference(self) -> dict[str, Any]: ...


def _target(task: Task) -> int:
    """The addressed ticket; every action but ticket:add has one."""
    if task.target is None:
        raise ValueError(f"{task.action} task {task.uuid} addresses no ticket")
    return task.target


def _ticket_add(account: Workspace, task: Task, at: float) -> dict[str, Any]:
    return account.tickets.add(task.input, task.author, at).to_reference()


def _ticket_comment(account: Workspace, task: Task, at: float) -> dict[str, Any]:
    return account.tickets.comment(_target(task), task.input["comment"], task.author, at).to_reference()


def _ticket_close(account: Workspace, task: Task, at: float) -> dict[str, Any]:
    return account.tickets.close(_target(task), at).to_reference()


def _ticket_open(account: Workspace, task: Task, at: float) -> dict[str, Any]:
    return account.tickets.reopen(_target(task), at).to_reference()


def _ticket_claim(account: Workspace, task: Task, at: float) -> dict[str, Any]:
    return account.tickets.claim(_target(task), at).to_reference()


def _webhook_add(account: Workspace, task: Task, at: float) -> dict[str, Any]:
    return account.webhooks.add(task.input, account.client_reference()).to_reference()


Effect = Callable[[Workspace, Task, float], dict[str, Any] | None]
"""Run with the resolving account, the task and the resolution time; the
reference it returns is the task's ``resource``.  Raises ``Rejected`` when
the action cannot apply to the state it finds."""

TICKET_EFFECTS: dict[str, Effect] = {
    "ticket:add": _ticket_add,
    "ticket:comment": _ticket_comment,
    "ticket:close": _ticket_close,
    "ticket:open": _ticket_open,
    "ticket:claim": _ticket_claim,
    "webhook:add": _webhook_add,
}


def declared(kind: str, effect: Declared) -> Effect:
    """The effect a catalog declares for an action on ``kind``, run on the
    account's resources with the task's path ids and input."""

    def run(account: Workspace, task: Task, at: float) -> dict[str, Any] | None:
        return perform(effect, account.world, kind, task.target, {**task.params, **task.input}, at)

    return run


@dataclass(frozen=True)
class Blueprint:
    """What every account is made of: the declared kinds of resource and
    the effect of each action, by name."""

    kinds: Mapping[str, Kind] = field(default_factory=dict)
    effects: Mapping[str, Effect] = field(default_factory=lambda: dict(TICKET_EFFECTS))


def blueprint(kinds: Mapping[str, Kind], effects: Mapping[str, tuple[str, Declared]]) -> Blueprint:
    """A blueprint from a catalog's kinds and its declared effects (action
    name → (kind, effect)); tickets and webhooks keep their own."""
    return Blueprint(kinds, {**{name: declared(kind, effect) for name, (kind, effect) in effects.items()}, **TICKET_EFFECTS})
