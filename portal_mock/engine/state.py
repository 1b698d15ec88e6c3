"""Everything one running mock knows, in one object owned by the app.

No module keeps global mutable state: two apps in one process (two pytest
sessions, a test building its own app) share nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from portal_mock.domain.accounts import ALL_PERMISSIONS, Account, Key, Registry
from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.people import Person
from portal_mock.domain.redaction import redact
from portal_mock.domain.tasks import TaskPlan
from portal_mock.engine.delivery import DEFAULT_RETRY_DELAYS, Deliveries
from portal_mock.engine.journal import Journal
from portal_mock.http.wire import PortalError
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
    admin: bool = True
    admin_token: str | None = None
    webhook_retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    remote_webhooks: bool = False


def parse_prefer(value: str) -> dict[str, str]:
    """``Prefer: code=422, scenario=flaky`` → ``{"code": "422", "scenario": "flaky"}``."""
    found = {}
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
            raise ValueError(f"unknown scenario {settings.scenario!r}; known: {', '.join(self.catalog.names)}")
        self.active = settings.scenario
        self.started = time.monotonic()
        self.journal = Journal(settings.journal_size)
        self.registry = Registry(seed=settings.seed, clock=settings.clock)
        self.deliveries = Deliveries(retry_delays=settings.webhook_retry_delays, remote=settings.remote_webhooks)
        self.registry.on_new_account.append(self.deliveries.watch)
        self.main_account: Account = self.registry.create_account("main")
        for token in settings.keys or [None]:
            self.registry.add_key(self.main_account, token)
        self.anonymous = RuleBook("anonymous")
        self._default_plan = TaskPlan(delay=settings.task_delay)
        self._scenario_keys: set[str] = set()
        self.error_listeners: list[Callable[[str | None, str], None]] = []
        self.install(self.catalog)

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

    def _declare_key(self, scenario: Scenario, token: str, spec: Mapping) -> None:
        label = spec.get("account") or scenario.name
        account = self.registry.account_by_label(label) or self.registry.create_account(label, seed=scenario.seed, tickets=scenario.tickets)
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
            permissions=permissions if permissions is not None else ALL_PERMISSIONS,
            user=user,
            scenario=spec.get("scenario") or scenario.name,
        )

    def mint_key(
        self,
        label: str | None = None,
        seed: int | str | None = None,
        clock: ClockSpec | None = None,
        scenario: str | None = None,
        permissions: Iterable[str] = ALL_PERMISSIONS,
        user: str | None = None,
    ) -> Key:
        """A fresh key in a fresh account: the isolation primitive (one per
        test, nothing to reset).  The account starts empty, or with the
        tickets ``scenario`` declares.  A ``label`` names the account and,
        with the server seed, fixes its data, so a test sees the same ids
        whatever ran before it."""
        if label is not None and self.registry.account_by_label(label) is not None:
            raise ValueError(f"an account labelled {label!r} exists already")
        bound = self.catalog.get(scenario) if scenario else None
        account = self.registry.create_account(label, clock=clock, seed=seed, tickets=bound.tickets if bound else ())
        person = Person.from_identity(account.fake.user_id(), user) if user else None
        return self.registry.add_key(account, permissions=permissions, user=person, scenario=scenario)

    def reset(self) -> None:
        """Every account starts over (keys keep working), the journal empties
        and the active scenario is the one the server started with."""
        for account in list(self.registry.accounts.values()):
            self.reset_account(account)
        self.journal.clear()
        self.anonymous = RuleBook("anonymous")
        self.active = self.settings.scenario if self.catalog.get(self.settings.scenario) else DEFAULT

    def reset_account(self, account: Account) -> Account:
        """One account starts over; its webhook deliveries are forgotten."""
        self.deliveries.forget(account)
        return self.registry.reset_account(account)

    async def settle(self, accounts: Iterable[Account]) -> None:
        """Resolve what fell due in ``accounts`` now and deliver the webhooks
        that fired, so a clock move's consequences are complete when the call
        that moved it returns."""
        for account in accounts:
            await self.deliveries.drain(account)

    def internal_error(self, key: str | None, text: str) -> None:
        """An exception escaped a handler while serving a request made with
        ``key`` (``None``: no key, or a control request).  Listeners hear
        of it before the 500 is sent; the pytest plugin fails the test
        that made the request."""
        for listener in self.error_listeners:
            listener(key, text)

    def set_active(self, name: str) -> None:
        if self.catalog.get(name) is None:
            raise KeyError(name)
        self.active = name

    def _named(self, name: str, source: str) -> Scenario:
        scenario = self.catalog.get(name)
        if scenario is None:
            raise PortalError(400, f"Unknown scenario {name!r} in {source}; known: {', '.join(self.catalog.names)}.")
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
            if not code.isdigit() or not 200 <= int(code) <= 599:
                raise PortalError(400, f"Prefer: code={code} is not a status code from 200 to 599.")
            return Decision(scenario="Prefer", rule=f"code={code}", respond=Respond(int(code)))
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
