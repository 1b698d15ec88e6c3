"""Webhook deliveries: the POSTs a resolved task owes, their retries, and a
record of every attempt.

When one of an account's tasks resolves (any outcome), each of the
account's webhooks that listens to the task's action is owed one delivery:
a POST of the resolved task object plus the webhook's ``user_data``,
encoded as the webhook's ``type`` says and carrying its ``auth``.  A
delivery that gets no 2xx answer (or no answer) is retried after each of
``retry_delays`` seconds of wall time, then given up.

Deliveries run as asyncio tasks on the server's event loop, so a slow
receiver never holds up a Portal request.  The control plane can wait for
them (``drain``: a manual clock's advance returns only once what it
resolved has been delivered) and read every attempt (``attempts``).
Resolutions are heard by account id, and accounts are kept here by id
only while they are current: an account never holds a closure over
itself, so a reset one is freed.
httpx is imported at the first delivery, not with the server: it costs a
fifth of the start-up of a server that may never deliver anything.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from portal_mock.domain.accounts import Account
from portal_mock.domain.tasks import Task
from portal_mock.domain.webhooks import Webhook, is_loopback

if TYPE_CHECKING:
    import httpx

DEFAULT_RETRY_DELAYS = (0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Attempt:
    """One try at delivering one task to one webhook.

    ``at`` is the account's clock when the attempt was made (so it lines up
    with the task's dates); ``status`` is the receiver's HTTP status, or
    ``None`` with ``error`` saying why there was no answer.
    """

    webhook_id: int
    task_uuid: str
    action: str
    number: int
    url: str
    at: float
    status: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def to_dict(self) -> dict[str, Any]:
        return {
            "webhook_id": self.webhook_id,
            "task_uuid": self.task_uuid,
            "action": self.action,
            "number": self.number,
            "url": self.url,
            "at": self.at,
            "status": self.status,
            "error": self.error,
            "delivered": self.delivered,
        }


def payload(task: Task, webhook: Webhook) -> dict[str, Any]:
    """What a webhook receives: the resolved task object and its ``user_data``."""
    return {**task.to_dict(), "user_data": webhook.user_data}


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Form fields for a nested value, as PHP's ``http_build_query`` writes
    them: ``resource[metadata][uri]=…``, lists indexed from 0, ``true`` as 1
    and ``false`` as 0, and ``null`` (and so empty objects) left out."""
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    elif value is None:
        return []
    elif isinstance(value, bool):
        return [(prefix, "1" if value else "0")]
    else:
        return [(prefix, str(value))]
    fields = []
    for key, inner in items:
        fields.extend(flatten(inner, f"{prefix}[{key}]" if prefix else str(key)))
    return fields


def encoded(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """httpx request arguments for a body sent as ``json``, ``form`` or
    ``multipart`` (one part per form field, no file names)."""
    if kind == "form":
        return {"data": dict(flatten(body))}
    if kind == "multipart":
        return {"files": [(name, (None, value.encode("utf-8"))) for name, value in flatten(body)]}
    return {"json": body}


def credentials(auth: dict[str, Any] | None) -> dict[str, Any]:
    """httpx request arguments for the webhook's auth; digest answers the
    receiver's 401 challenge with a second request, as a browser would."""
    if not auth:
        return {}
    if auth["type"] == "bearer":
        return {"headers": {"Authorization": f"Bearer {auth['token']}"}}
    import httpx

    kind = httpx.BasicAuth if auth["type"] == "basic" else httpx.DigestAuth
    return {"auth": kind(auth["username"], auth["password"])}


KEPT_ATTEMPTS = 1000
"""Attempts remembered per account (the newest), so memory stays flat
however long a server runs."""


class Deliveries:
    """Every account's owed, running and attempted deliveries.

    ``watch`` each account as it is created (a reset account's replacement
    too); from then on a resolved task becomes deliveries, started at once
    when the resolution happens on the event loop, or by the next ``drain``
    when it happened elsewhere (a test settling an account by hand).
    """

    def __init__(
        self, retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS, timeout: float = 5.0, tick: float = 0.05, remote: bool = False
    ) -> None:
        self.retry_delays = tuple(retry_delays)
        self.remote = remote
        self.timeout = timeout
        self.tick = tick
        self._owed: dict[int, list[tuple[Account, Webhook, dict[str, Any]]]] = defaultdict(list)
        self._running: dict[int, set[asyncio.Task[None]]] = defaultdict(set)
        self._attempts: dict[int, deque[Attempt]] = defaultdict(lambda: deque(maxlen=KEPT_ATTEMPTS))
        self._accounts: dict[int, Account] = {}
        self._active: set[int] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._ssl: ssl.SSLContext | None = None

    def watch(self, account: Account) -> None:
        """Deliver ``account``'s resolved tasks to its webhooks."""
        self._accounts[account.id] = account
        account.scheduler.listeners.append(self._resolved)

    def activate(self, account: Account) -> None:
        """Settle ``account`` on time from now on, so its tasks resolve (and
        its webhooks fire) at their due time even if no client polls.
        Call it on the event loop; every ``tick`` seconds the active accounts
        are settled, a no-op for accounts with nothing due."""
        self._active.add(account.id)
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._tick())

    async def drain(self, account: Account) -> None:
        """Return once each delivery ``account`` owes has finished:
        delivered, or given up after its last retry.  Settle the account
        first for the deliveries its due tasks owe."""
        self._start(account.id)
        while self._running[account.id]:
            await asyncio.gather(*list(self._running[account.id]))

    def forget(self, account: Account) -> None:
        """Drop what is owed to, recorded for and scheduled by ``account``
        (it is being reset); deliveries already in flight finish."""
        self._accounts.pop(account.id, None)
        self._owed.pop(account.id, None)
        self._attempts.pop(account.id, None)
        self._active.discard(account.id)

    def attempts(self, account: Account) -> list[Attempt]:
        """The delivery attempts for ``account``'s webhooks, oldest first
        (the last ``KEPT_ATTEMPTS``)."""
        return list(self._attempts[account.id])

    def _resolved(self, account_id: int, task: Task) -> None:
        account = self._accounts.get(account_id)
        if account is None:
            return
        listening = account.webhooks.listening_to(task.action)
        if not listening:
            return
        for webhook in listening:
            self._owed[account.id].append((account, webhook, payload(task, webhook)))
        self._start(account.id)

    def _start(self, account_id: int) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        owed, self._owed[account_id] = self._owed[account_id], []
        running = self._running[account_id]
        for account, webhook, body in owed:
            job = loop.create_task(self._deliver(account, webhook, body))
            running.add(job)
            job.add_done_callback(running.discard)

    async def _tick(self) -> None:
        while True:
            for account_id in list(self._active):
                account = self._accounts.get(account_id)
                if account is not None:
                    account.settle()
                    self._start(account_id)
            await asyncio.sleep(self.tick)

    async def _deliver(self, account: Account, webhook: Webhook, body: dict[str, Any]) -> None:
        """Send with retries.  Unless ``remote`` is on, only loopback hosts
        are sent to: a mock in a test run never reaches off the machine; the
        refusal is recorded as an attempt so the test can see why."""
        if not self.remote and not is_loopback(urlsplit(webhook.url).hostname or ""):
            refusal = "not sent: the host is not loopback and remote deliveries are off (serve --remote-webhooks turns them on)"
            self._attempts[account.id].append(Attempt(webhook.id, body["uuid"], body["action"], 1, webhook.url, account.clock.now(), None, refusal))
            return
        import httpx

        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        async with httpx.AsyncClient(verify=self._ssl, trust_env=False, timeout=self.timeout) as http:
            for number, delay in enumerate((0.0, *self.retry_delays), start=1):
                if delay:
                    await asyncio.sleep(delay)
                status, error = await self._send(http, webhook, body)
                attempt = Attempt(webhook.id, body["uuid"], body["action"], number, webhook.url, account.clock.now(), status, error)
                self._attempts[account.id].append(attempt)
                if attempt.delivered:
                    return

    async def _send(self, http: httpx.AsyncClient, webhook: Webhook, body: dict[str, Any]) -> tuple[int | None, str | None]:
        import httpx

        try:
            response = await http.post(webhook.url, **credentials(webhook.auth), **encoded(webhook.type, body))
        except httpx.HTTPError as error:
            return None, f"{type(error).__name__}: {error}".rstrip(": ")
        return response.status_code, None
