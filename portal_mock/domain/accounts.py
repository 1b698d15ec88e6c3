"""Accounts, their API keys, and the registry that finds an account from a key.

State is partitioned by account and an account is found from the API key, so
tests that each mint a key share one server and never see each other's
tickets or tasks.  Each account also owns its clock and its fake-data
stream: moving one test's time or drawing its ids never touches another's.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal_mock.domain.clock import Clock, ClockSpec
from portal_mock.domain.effects import Blueprint
from portal_mock.domain.errors import Conflict
from portal_mock.domain.fakedata import FakeData
from portal_mock.domain.people import Person, reference
from portal_mock.domain.redaction import redact
from portal_mock.domain.resources import Records, World
from portal_mock.domain.scheduler import DEFAULT_HISTORY_BYTES, History, Scheduler
from portal_mock.domain.tasks import NO_PARAMS, Task, TaskPlan
from portal_mock.domain.tickets import Tickets
from portal_mock.domain.webhooks import Webhooks
from portal_mock.scenarios.rules import RuleBook

Starting = Mapping[str, "int | tuple[dict[str, Any], ...]"]
"""What an account starts with beyond its reference data, by kind: a count
to draw, or partial records (a scenario file's ``resources``)."""


@dataclass
class Key:
    """An API key: whose it is, what it may do, and the scenario bound to it."""

    token: str
    account: Account
    person: Person | None
    permissions: frozenset[str]
    scenario: str | None = None
    token_id: int | None = None
    """The api-token record this key is (``api-token:add``); deleting the
    record revokes the key."""

    @property
    def live(self) -> bool:
        """Still a key: not one whose api-token record was deleted."""
        return self.token_id is None or self.account.records("api-token").get(self.token_id) is not None

    @property
    def user(self) -> Person:
        """The key's own user, or its account's, drawn on first need: a key
        that never queues anything costs no Faker call."""
        return self.person or self.account.primary_user


@dataclass(eq=False)
class Account:
    """One customer's tickets, webhooks, tasks, clock and data stream.

    Nothing an account holds points back at it (``domain.scheduler`` says
    why), so a reset account is freed as soon as its keys are rebound.
    """

    id: int
    label: str
    fake: FakeData
    clock: Clock
    blueprint: Blueprint = field(default_factory=Blueprint)
    seed: int | str = 0
    starting: Starting = field(default_factory=dict)
    history: History | None = None
    """Where its finished tasks are kept, shared by a registry's accounts
    (``None``: a bound of the account's own)."""

    def __post_init__(self) -> None:
        self.client_id = self.fake.small_id()
        self.tickets = Tickets(self.fake, company_id=self.fake.small_id(), client_id=self.client_id)
        self.webhooks = Webhooks(self.fake)
        self.scheduler = Scheduler(self.clock, self.blueprint, self.history)
        self._primary: Person | None = None
        self._company: str | None = None
        self.people: dict[int, Person] = {}
        """Every user a key of this account acts as, by id: ``user:show`` finds them."""
        self.rulebook = RuleBook(self.label)
        self.world = World(self.blueprint.kinds, self.seed, self.label, self.clock, weakref.WeakMethod(self._starting))
        for kind, wanted in self.starting.items():
            if isinstance(wanted, int):
                store = self.world.records(kind)
                for _ in range(wanted):
                    store.make({}, self.clock.now())

    def records(self, kind: str) -> Records:
        """The account's resources of a declared ``kind``."""
        return self.world.records(kind)

    def collection(self, kind: str) -> Any:
        """Where the account keeps ``kind``: tickets and webhooks have stores
        of their own (posts, delivery rules), every other kind the generic
        one.  Each has ``get``, ``all``, ``render`` and ``sorted_by``."""
        if kind == "ticket":
            return self.tickets
        if kind == "webhook":
            return self.webhooks
        return self.world.records(kind)

    def _starting(self, kind: str) -> list[dict[str, Any]]:
        """The partial records a kind starts with: the account's own user and
        client, and a scenario's declarations."""
        if kind == "user":
            people = [self.primary_user, *(person for person in self.people.values() if person.id != self.primary_user.id)]
            return [{**person.to_record(), "client": self.client_reference()} for person in people]
        if kind == "client":
            return [{"id": self.client_id, "name": self.company, "owner": self.primary_user.to_reference()}]
        wanted = self.starting.get(kind, ())
        return [dict(partial) for partial in wanted] if not isinstance(wanted, int) else []

    def meet(self, person: Person) -> None:
        """Know ``person`` as one of the account's users (a key acts as them)."""
        if person.id not in self.people:
            self.people[person.id] = person
            if "user" in self.world and self.world.has("user"):
                self.world.records("user").make({}, self.clock.now(), {**person.to_record(), "client": self.client_reference()})

    @property
    def tasks(self) -> dict[str, Task]:
        """Every task the account queued, by UUID."""
        return self.scheduler.tasks

    @property
    def primary_user(self) -> Person:
        """The account's own user, drawn on first need so an unused account
        costs no Faker call."""
        if self._primary is None:
            name, email = self.fake.person()
            self._primary = Person(self.fake.user_id(), name, email)
            self.people[self._primary.id] = self._primary
        return self._primary

    @property
    def company(self) -> str:
        """The client's company name, drawn on first need."""
        if self._company is None:
            self._company = self.fake.company()
        return self._company

    def client_reference(self) -> dict[str, Any]:
        """The account's client as webhooks name it: by its name (the
        company's, until client:edit renames it), with the ``null`` uri of
        every webhook example in the vendor's docs."""
        name = self.company
        if self.world.has("client") and (record := self.world.records("client").get(self.client_id)) is not None:
            name = record.get("name") or name
        return reference(self.client_id, name, "client", None)

    def queue(
        self, action: str, input: dict[str, Any], author: Person, plan: TaskPlan, target: int | None = None, params: dict[str, int] | None = None
    ) -> Task:
        """Accept a queued action; its effect runs when the task resolves."""
        task = Task(
            id=self.fake.task_id(),
            uuid=self.fake.uuid4(),
            action=action,
            input=input,
            author=author,
            created_at=self.clock.now(),
            plan=plan,
            target=target,
            params=params or NO_PARAMS,
        )
        self.scheduler.add(task)
        return task

    def immediate(self, action: str, input: dict[str, Any], author: Person, target: int | None = None, params: dict[str, int] | None = None) -> Task:
        """The task an action answered 201 hands its effect, which runs
        during the request: never kept, so nothing lists it, polls it or
        leaves it pending, and it draws no id or UUID from the stream."""
        now = self.clock.now()
        return Task(0, "", action, input, author, now, TaskPlan(delay=None), target, params or NO_PARAMS)

    def settle(self) -> None:
        """Resolve every task whose time has come (``Scheduler.settle``)."""
        self.scheduler.settle(self)

    def poll(self, uuid: str) -> Task | None:
        """task:show's look at a task (``Scheduler.poll``)."""
        return self.scheduler.poll(self, uuid)

    def finish_now(self, task: Task, outcome: str | None = None, errors: dict[str, Any] | None = None) -> None:
        """Resolve ``task`` now; settle first (``Scheduler.finish_now``)."""
        self.scheduler.finish_now(self, task, outcome, errors)


REAL = ClockSpec("real")
"""The default clock of a registry's accounts."""


@dataclass(frozen=True)
class Origin:
    """What an account was created from, so a reset can recreate it."""

    seed: int | str
    clock: ClockSpec
    tickets: tuple[dict[str, Any], ...] = ()
    resources: Starting = field(default_factory=dict)


class Registry:
    """Every account and key the server knows.

    ``seed`` and ``clock`` are the defaults a new account starts from; each
    account's data stream is seeded from ``seed`` and the account's label.
    ``on_new_account`` callbacks see every account as it is created, so
    whatever watches accounts (webhook deliveries) misses none, however the
    account was made.  Their finished tasks share one ``History`` of
    ``history_bytes``.
    """

    def __init__(
        self, seed: int | str = 0, clock: ClockSpec = REAL, blueprint: Blueprint | None = None, history_bytes: int = DEFAULT_HISTORY_BYTES
    ) -> None:
        self.history = History(history_bytes)
        self.seed = seed
        self.blueprint = blueprint or Blueprint()
        self.clock = clock
        self.keys: dict[str, Key] = {}
        self.accounts: dict[int, Account] = {}
        self._origins: dict[int, Origin] = {}
        self._labels: dict[str, Account] = {}
        self.on_new_account: list[Callable[[Account], None]] = []

    def create_account(
        self,
        label: str | None = None,
        clock: ClockSpec | None = None,
        seed: int | str | None = None,
        tickets: Iterable[dict[str, Any]] = (),
        resources: Starting | None = None,
    ) -> Account:
        """A new, empty account (but for ``tickets``, partial ticket
        descriptions it starts with).  Its data stream is seeded from
        ``seed`` (default: the registry's) and its label."""
        number = len(self.accounts) + 1
        origin = Origin(self.seed if seed is None else seed, clock or self.clock, tuple(tickets), dict(resources or {}))
        self._origins[number] = origin
        return self._open(number, label or f"account-{number}", origin)

    def _open(self, number: int, label: str, origin: Origin) -> Account:
        account = Account(
            id=number,
            label=label,
            fake=FakeData(origin.seed, label),
            clock=origin.clock.make(),
            blueprint=self.blueprint,
            seed=origin.seed,
            starting=origin.resources,
            history=self.history,
        )
        if origin.tickets:
            account.tickets.seed(list(origin.tickets), account.clock.now())
        self.accounts[number] = account
        self._labels[label] = account
        for callback in self.on_new_account:
            callback(account)
        return account

    def reset_account(self, account: Account) -> Account:
        """Start ``account`` over, as it was created: its starting tickets
        only, no tasks or rule counters, its clock and id streams as new.
        Its keys keep working, each acting as the same person, who is
        one of its users again with an id drawn from its new stream (in
        key order, as minting drew them), so no user of the old account
        shares an id with one of the new."""
        fresh = self._open(account.id, account.label, self._origins[account.id])
        people: dict[int, Person | None] = {}
        for key in self.keys.values():
            if key.account is not account:
                continue
            key.account = fresh
            old = key.person
            if old is None:
                continue
            if old.id not in people:
                people[old.id] = None if old is account._primary else Person(fresh.fake.user_id(), old.name, old.email)
            key.person = people[old.id]
            if key.person is not None:
                fresh.meet(key.person)
        return fresh

    def account_by_label(self, label: str) -> Account | None:
        return self._labels.get(label)

    def add_key(
        self,
        account: Account,
        token: str | None = None,
        permissions: Iterable[str] = (),
        user: Person | None = None,
        scenario: str | None = None,
        token_id: int | None = None,
    ) -> Key:
        token = token or f"pm_{secrets.token_hex(16)}"
        if token in self.keys:
            raise Conflict(f"The key {redact(token)} is already in use.")
        key = Key(token, account, user, frozenset(permissions), scenario, token_id)
        if user is not None:
            account.meet(user)
        self.keys[token] = key
        return key

    def lookup(self, token: str) -> Key | None:
        """The key ``token`` is, while it is one."""
        key = self.keys.get(token)
        if key is not None and key.token_id is not None and not key.live:
            return None
        return key

    def find_user(self, email: str) -> tuple[Account, Person] | None:
        """The account and user an email address logs in as (``auth:login``):
        the most recently created account that knows it."""
        wanted = email.casefold()
        for account in reversed(self.accounts.values()):
            for person in [account.primary_user, *account.people.values()]:
                if person.email.casefold() == wanted:
                    return account, person
        return None

    def find_task(self, uuid: str) -> tuple[Account, Task] | None:
        for account in self.accounts.values():
            task = account.tasks.get(uuid)
            if task is not None:
                return account, task
        return None
