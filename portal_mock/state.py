"""Everything one running mock knows, in one object owned by the app.

No module keeps global mutable state: two apps in one process (two pytest
sessions, a test building its own app) share nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .accounts import Account, Registry
from .actions import Action
from .clock import ClockSpec
from .delivery import DEFAULT_RETRY_DELAYS, Deliveries
from .tasks import TaskPlan


@dataclass
class Settings:
    """What ``portal-mock serve`` was told; also what tests build apps from."""

    seed: int = 0
    clock: ClockSpec = field(default_factory=lambda: ClockSpec("real"))
    task_delay: float = 2.0
    keys: list[str] = field(default_factory=list)
    webhook_retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS


class MockState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.registry = Registry(seed=settings.seed, clock=settings.clock)
        self.deliveries = Deliveries(retry_delays=settings.webhook_retry_delays)
        self.registry.on_new_account.append(self.deliveries.watch)
        self.main_account: Account = self.registry.create_account("main")
        for token in settings.keys or [None]:
            self.registry.add_key(self.main_account, token)

    @property
    def keys(self) -> list[str]:
        """The tokens of the main account, as printed at start-up."""
        return [token for token, key in self.registry.keys.items() if key.account is self.main_account]

    def plan_for(self, action: Action) -> TaskPlan:
        """How a newly queued task will end when no scenario says otherwise."""
        return TaskPlan(delay=self.settings.task_delay)
