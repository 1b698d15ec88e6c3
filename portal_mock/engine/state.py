"""Everything one running mock knows, in one object owned by the app, and
every operation on it that the control plane and the test fixture make.

No module keeps global mutable state: two apps in one process (two pytest
sessions, a test building its own app) share nothing.  Each operation here
settles what it looks at once, raises the typed problems of
``domain.errors`` (the HTTP edge turns them into statuses), and is the only
way in for its job: ``http.control`` parses a request, calls one of them
and renders the answer; the in-process fixture calls them directly.
Operations that resolve tasks are coroutines: they return once the
webhooks those resolutions owe have been delivered.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal_mock.catalog import BLUEPRINT, KINDS, PERMISSIONS
from portal_mock.domain.accounts import Account, Key, Registry
from portal_mock.domain.clock import LATEST, ClockSpec, ManualClock, parse_clock
from portal_mock.domain.errors import BadRequest, Conflict, Invalid, NotFound, UnknownName
from portal_mock.domain.fakedata import FakeData
from portal_mock.domain.people import Person
from portal_mock.domain.redaction import redact
from portal_mock.domain.scheduler import DEFAULT_HISTORY_BYTES
from portal_mock.domain.tasks import Task, TaskPlan
from portal_mock.domain.tickets import Ticket
from portal_mock.domain.validation import wire_integer
from portal_mock.engine.delivery import DEFAULT_RETRY_DELAYS, Attempt, Deliveries
from portal_mock.engine.journal import DEFAULT_BYTES, Journal
from portal_mock.scenarios.library import DEFAULT, Catalog, load_catalog
from portal_mock.scenarios.rules import (
    Decision,
    RequestFacts,
    Respond,
    RuleBook,
    Scenario,
)

log = logging.getLogger("portal_mock")

SCENARIO_HEADER = "x-portal-mock-scenario"


@dataclass
class Settings:
    """What ``portal-mock serve`` was told; also what tests build apps from."""

    seed: int = 0
    clock: ClockSpec = field(default_factory=lambda: ClockSpec("real"))
    task_delay: float = 2.0
    keys: list[str] = field(default_factory=list)
    scenario: str = DEFAULT
    scenario_dirs: list[str] = field(default_factory=list)
    journal_size: int = 10_000
    journal_bytes: int = DEFAULT_BYTES
    """The journal's bound in estimated bytes (``serve --journal-bytes``), on
    top of ``journal_size`` entries: whichever is hit first drops the oldest."""
    task_bytes: int = DEFAULT_HISTORY_BYTES
    """The finished tasks' bound in estimated bytes, over every account
    (``serve --task-bytes``): past it the oldest finished task is forgotten."""
    admin: bool = True
    admin_token: str | None = None
    webhook_retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    remote_webhooks: bool = False
    access_log: bool = False
    """Log one line per request to the ``portal_mock.access`` logger (``serve
    --access-log``); off, the request path pays one boolean check."""
    proxy: str | None = None
    """``serve --proxy``: the Portal that requests to paths the mock does not
    serve are sent to; ``None`` answers them 404/405 as usual."""
    remote_proxy: bool = False
    """Allow a ``proxy`` that is not loopback (``serve --remote-proxy``)."""


def parse_prefer(value: str) -> dict[str, str]:
    """``Prefer: code=422, scenario=flaky`` → ``{"code": "422", "scenario": "flaky"}``."""
    found: dict[str, str] = {}
    for part in value.replace(";", ",").split(","):
        name, _, setting = part.strip().partition("=")
        if setting:
            found[name.strip().lower()] = setting.strip().strip('"')
    return found


class MockState:
    def __init__(self, settings: Settings, catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.catalog = catalog or load_catalog(settings.scenario_dirs)
        if self.catalog.get(settings.scenario) is None:
            # a ValueError: the settings, not a client's request, are wrong
            raise ValueError(UnknownName("scenario", settings.scenario, self.catalog.names).message)
        self.active = settings.scenario
        self.started = time.monotonic()
        self.journal = Journal(settings.journal_size, settings.journal_bytes)
        self.registry = Registry(seed=settings.seed, clock=settings.clock, blueprint=BLUEPRINT, history_bytes=settings.task_bytes)
        self.deliveries = Deliveries(retry_delays=settings.webhook_retry_delays, remote=settings.remote_webhooks)
        self.registry.on_new_account.append(self.deliveries.watch)
        self._main = self.registry.create_account("main").id
        tokens: list[str | None] = [*settings.keys] or [None]
        for token in tokens:
            self.registry.add_key(self.main_account, token, PERMISSIONS)
        self.anonymous = RuleBook("anonymous")
        self._default_plan = TaskPlan(delay=settings.task_delay)
        self._scenario_keys: set[str] = set()
        self.error_listeners: list[Callable[[str | None, str], None]] = []
        self._ref_secret = secrets.token_bytes(32)
        self._refs: dict[str, str] = {}
        """Each ``key_ref`` handed out, with the token it names."""
        self.reload_error: str | None = None
        """Why the last edit of the scenario files was not installed
        (``file:line:col`` problems), until an edit is; the reload watcher sets it."""
        self.install(self.catalog)

    @property
    def main_account(self) -> Account:
        """The account of the keys ``serve`` was given (or minted): looked
        up by id, so it is the account as it is now, after any reset."""
        return self.registry.accounts[self._main]

    @property
    def keys(self) -> list[str]:
        """The tokens of the main account, as printed at start-up."""
        return [token for token, key in self.registry.keys.items() if key.account is self.main_account]

    def install(self, catalog: Catalog) -> None:
        """Serve ``catalog`` from now on, and make the keys its files declare
        (and only those) known.  Accounts survive: a reload never loses
        tickets or tasks."""
        self.catalog = catalog
        if catalog.get(self.active) is None:
            log.warning("active scenario %r is gone; falling back to %r", self.active, DEFAULT)
            self.active = DEFAULT
        declared: set[str] = set()
        for scenario in catalog.scenarios.values():
            for token, spec in scenario.keys.items():
                declared.add(token)
                self._declare_key(scenario, token, spec)
        for token in self._scenario_keys - declared:
            self.registry.keys.pop(token, None)
        self._scenario_keys = declared

    def _declare_key(self, scenario: Scenario, token: str, spec: Mapping[str, Any]) -> None:
        label = spec.get("account") or scenario.name
        account = self.registry.account_by_label(label) or self.registry.create_account(
            label, seed=scenario.seed, tickets=scenario.tickets, resources=scenario.resources
        )
        user = Person.from_identity(account.fake.user_id(), spec["user"]) if spec.get("user") else None
        permissions = spec.get("permissions")
        existing = self.registry.keys.get(token)
        if existing is not None and token not in self._scenario_keys:
            log.warning("scenario %r declares key %s, which is already in use; ignored", scenario.name, redact(token))
            return
        self.registry.keys.pop(token, None)
        self.registry.add_key(
            account,
            token,
            permissions=permissions if permissions is not None else PERMISSIONS,
            user=user,
            scenario=spec.get("scenario") or scenario.name,
        )

    # Scenarios and keys

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name``, or ``UnknownName`` listing the known ones."""
        found = self.catalog.get(name)
        if found is None:
            raise UnknownName("scenario", name, self.catalog.names)
        return found

    def set_active(self, name: str) -> None:
        """Answer unbound keys (and requests without a key) as ``name`` says."""
        self.active = self.scenario(name).name

    def key_of(self, token: str) -> Key:
        """The key ``token`` (or the key a ``key_ref`` names), or ``NotFound``
        naming it redacted."""
        key = self.registry.lookup(token) or self.registry.lookup(self._refs.get(token, ""))
        if key is None:
            raise NotFound(f"No such key {redact(token)}.")
        return key

    def bind_scenario(self, token: str, name: str) -> Key:
        """From now on answer ``token``'s requests as scenario ``name`` says,
        as if it had been minted bound to it; other keys are unaffected."""
        self.scenario(name)
        key = self.key_of(token)
        key.scenario = name
        return key

    def mint_key(
        self,
        label: str | None = None,
        seed: int | str | None = None,
        clock: ClockSpec | str | None = None,
        scenario: str | None = None,
        permissions: Iterable[str] = PERMISSIONS,
        user: str | None = None,
    ) -> Key:
        """A fresh key in a fresh account: the isolation primitive (one per
        test, nothing to reset).  The account starts empty, or with the
        tickets ``scenario`` declares.  A ``label`` names the account and,
        with the server seed, fixes its data, so a test sees the same ids
        whatever ran before it.  ``clock`` is a spec or its text
        (``parse_clock``); without one the account gets the server's."""
        permissions = tuple(permissions)
        unknown = [p for p in permissions if p not in PERMISSIONS]
        if unknown:
            raise Invalid({"permissions": [f"Unknown permission {p!r}; known: {', '.join(PERMISSIONS)}." for p in unknown]})
        try:
            spec = parse_clock(clock) if isinstance(clock, str) else clock
        except ValueError as error:
            raise Invalid({"clock": [str(error)]}) from None
        bound = self.scenario(scenario) if scenario is not None else None
        if label is not None and self.registry.account_by_label(label) is not None:
            raise Conflict(f"An account labelled {label!r} exists already.")
        account = self.registry.create_account(
            label, clock=spec, seed=seed, tickets=bound.tickets if bound else (), resources=bound.resources if bound else None
        )
        person = Person.from_identity(account.fake.user_id(), user) if user else None
        return self.registry.add_key(account, permissions=permissions, user=person, scenario=scenario)

    def issue_key(self, account: Account, person: Person, token_id: int | None = None, token: str | None = None) -> Key:
        """A key the Portal itself hands out (``api-token:add``, ``auth:login``):
        every permission, acting as ``person``; one made for an api-token
        record stops working when the record is deleted."""
        return self.registry.add_key(account, token, PERMISSIONS, user=person, token_id=token_id)

    def anonymous_key(self) -> Key:
        """The key public actions act with when the request has none: of an
        account that belongs to no customer and is in no list, so making it
        changes no other account's ids."""
        account = Account(0, "anonymous", FakeData(self.settings.seed, "anonymous"), self.settings.clock.make(), BLUEPRINT, self.settings.seed)
        return Key("", account, None, frozenset())

    # Starting over

    def reset(self) -> None:
        """Every account starts over (keys keep working), the journal empties
        and the active scenario is the one the server started with."""
        for account in list(self.registry.accounts.values()):
            self._reset(account)
        self.registry.history.clear()
        self.journal.clear()
        self.anonymous = RuleBook("anonymous")
        self.active = self.settings.scenario if self.catalog.get(self.settings.scenario) else DEFAULT

    def reset_account(self, token: str) -> Account:
        """The account of ``token`` starts over; its keys keep working."""
        return self._reset(self.key_of(token).account)

    def _reset(self, account: Account) -> Account:
        self.deliveries.forget(account)
        return self.registry.reset_account(account)

    # Clocks

    async def advance(self, seconds: float, token: str | None = None) -> list[Account]:
        """Move ``token``'s account's manual clock forward, or every manual
        clock; return the accounts moved once what fell due is resolved and
        delivered."""
        moved = self._manual_clocks(token)
        beyond = [account.id for account, clock in moved if clock.now() + seconds > LATEST]
        if beyond:
            raise Conflict(f"That would move the clock of account(s) {beyond} past the end of year 9999, the last date the mock can write; advance by less.")
        for _, clock in moved:
            clock.advance(seconds)
        return await self._settled(moved)

    async def set_clock(self, time: float, token: str | None = None) -> list[Account]:
        """Set manual clocks (as ``advance`` picks them) to the unix ``time``;
        ``Conflict``, moving none, if that is behind any of them."""
        moved = self._manual_clocks(token)
        behind = [account.id for account, clock in moved if clock.now() > time]
        if behind:
            raise Conflict(f"A clock cannot be moved backwards: the time is before the clock of account(s) {behind}.")
        for _, clock in moved:
            clock.set(time)
        return await self._settled(moved)

    def _manual_clocks(self, token: str | None) -> list[tuple[Account, ManualClock]]:
        if token is not None:
            account = self.key_of(token).account
            if not isinstance(account.clock, ManualClock):
                raise Conflict(f"That key's clock is {account.clock.kind}; only a manual clock can be moved (mint the key with \"clock\": \"manual\").")
            return [(account, account.clock)]
        moved = [(a, a.clock) for a in self.registry.accounts.values() if isinstance(a.clock, ManualClock)]
        if not moved:
            raise Conflict("No clock is manual; start the server with --clock manual, or mint keys with \"clock\": \"manual\".")
        return moved

    async def _settled(self, moved: list[tuple[Account, ManualClock]]) -> list[Account]:
        accounts = [account for account, _ in moved]
        for account in accounts:
            account.settle()
        for account in accounts:
            await self.deliveries.drain(account)
        return accounts

    # Tasks, tickets and deliveries

    def accounts(self, token: str | None = None, account_id: int | None = None) -> list[Account]:
        """Every account, or those ``token`` and ``account_id`` name."""
        accounts = [self.key_of(token).account] if token is not None else list(self.registry.accounts.values())
        return [a for a in accounts if account_id is None or a.id == account_id]

    def tasks(self, token: str | None = None, account_id: int | None = None, status: str | None = None) -> list[tuple[Account, Task]]:
        """The tasks of the accounts ``accounts`` picks, settled, with their
        account; only those with ``status`` when given."""
        found: list[tuple[Account, Task]] = []
        for account in self.accounts(token, account_id):
            account.settle()
            found.extend((account, task) for task in account.tasks.values() if status is None or task.status == status)
        return found

    def tickets(self, token: str | None = None, account_id: int | None = None) -> list[tuple[Account, Ticket]]:
        """The tickets of the accounts ``accounts`` picks, settled, with their
        account.  Read without a Portal request, so nothing is journaled and
        no scenario rule counts it."""
        found: list[tuple[Account, Ticket]] = []
        for account in self.accounts(token, account_id):
            account.settle()
            found.extend((account, ticket) for ticket in account.tickets.all())
        return found

    def resources(self, kind: str, token: str | None = None, account_id: int | None = None) -> list[tuple[Account, dict[str, Any]]]:
        """The resources of ``kind`` of the accounts ``accounts`` picks, as
        show renders them, settled, with their account; read without a
        Portal request.  ``UnknownName`` for a kind the catalog lacks."""
        if kind not in KINDS:
            raise UnknownName("kind", kind, sorted(KINDS))
        found: list[tuple[Account, dict[str, Any]]] = []
        for account in self.accounts(token, account_id):
            account.settle()
            store = account.collection(kind)
            found.extend((account, store.render(item)) for item in store.sorted_by("id", False, lambda item: item))
        return found

    async def resolve_task(self, uuid: str, outcome: str = "success", errors: dict[str, Any] | None = None) -> tuple[Account, Task]:
        """Resolve the task ``uuid`` now, as ``outcome`` with ``errors``;
        ``Conflict`` if it has resolved already.  Returns once its webhook
        deliveries are done."""
        found = self.registry.find_task(uuid)
        if found is None:
            raise NotFound.of("task")
        account, task = found
        account.settle()
        if not task.pending:
            raise Conflict(f"The task already resolved ({task.status}).")
        account.finish_now(task, outcome, errors)
        await self.deliveries.drain(account)
        return account, task

    def deliveries_of(self, token: str) -> list[Attempt]:
        """Every webhook delivery attempt of ``token``'s account, oldest first."""
        return self.deliveries.attempts(self.key_of(token).account)

    def internal_error(self, key: str | None, text: str) -> None:
        """An exception escaped a handler while serving a request made with
        ``key`` (``None``: no key, or a control request).  Listeners hear
        of it before the 500 is sent; the pytest plugin fails the test
        that made the request."""
        for listener in self.error_listeners:
            listener(key, text)

    def _named(self, name: str, source: str) -> Scenario:
        """The scenario a request's header names; a name that is none is a
        bad request, not a missing object."""
        scenario = self.catalog.get(name)
        if scenario is None:
            raise BadRequest(UnknownName("scenario", name, self.catalog.names, where=source).message)
        return scenario

    def decide(self, facts: RequestFacts, key: Key | None) -> Decision | None:
        """Pick the scenario for this request and let it decide.

        Precedence: ``Prefer: code=`` (a one-off status), ``Prefer:
        scenario=``, the ``X-Portal-Mock-Scenario`` header, the key's bound
        scenario, the server's active scenario.
        """
        prefer = parse_prefer(facts.headers["prefer"]) if "prefer" in facts.headers else {}
        if "code" in prefer:
            code = prefer["code"]
            status = wire_integer(code)
            if status is None or not 200 <= status <= 599:
                raise BadRequest(f"Prefer: code={code[:20]} is not a status code from 200 to 599.")
            return Decision(scenario="Prefer", rule=f"code={status}", respond=Respond(status))
        if "scenario" in prefer:
            scenario = self._named(prefer["scenario"], "the Prefer header")
        elif SCENARIO_HEADER in facts.headers:
            scenario = self._named(facts.headers[SCENARIO_HEADER], "X-Portal-Mock-Scenario")
        elif key is not None and key.scenario:
            scenario = self.catalog.get(key.scenario) or self.catalog.scenarios[self.active]
        else:
            scenario = self.catalog.scenarios[self.active]
        if not scenario.rules:
            return None
        if key is None:
            return scenario.decide(facts, self.anonymous, 0.0, self.settings.task_delay)
        return scenario.decide(facts, key.account.rulebook, key.account.clock.now(), self.settings.task_delay)

    def default_plan(self) -> TaskPlan:
        """How a newly queued task ends when no rule says otherwise (one
        shared, immutable plan: not one more object per stored task)."""
        return self._default_plan

    # What the dashboard shows

    def key_ref(self, key: Key) -> str:
        """An opaque name for ``key``, taken wherever the control API takes a
        key: the dashboard steers keys it only ever sees redacted.  Keyed by
        a secret of this process, so it tells nothing about the key."""
        ref = "ref_" + hmac.new(self._ref_secret, key.token.encode(), hashlib.sha256).hexdigest()[:20]
        self._refs[ref] = key.token
        return ref

    def overview(self) -> list[tuple[Account, list[Key]]]:
        """Every account, settled, with its keys: what the dashboard lists.
        Read without a Portal request, so nothing is journaled."""
        keys: dict[int, list[Key]] = {}
        for key in self.registry.keys.values():
            keys.setdefault(key.account.id, []).append(key)
        found = []
        for account in self.registry.accounts.values():
            account.settle()
            found.append((account, keys.get(account.id, [])))
        return found
