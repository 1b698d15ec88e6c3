"""Webhook deliveries: the POSTs a resolved task owes, their retries, and a
record of every attempt.

When one of an account's tasks resolves (any outcome), each of the
account's webhooks that listens to the task's action is owed one delivery:
a POST of the resolved task object plus the webhook's ``user_data``,
encoded as the webhook's ``type`` says and carrying its ``auth``.  A
delivery that gets no 2xx answer (or no answer) is retried after each of
``retry_delays`` seconds of wall time, then given up.

Deliveries run as asyncio tasks on the server's event loop, so a slow
receiver never holds up a Portal request.  What they may cost is bounded:
at most ``MAX_IN_FLIGHT`` attempts are sending at once (each one a
connection), ``MAX_IN_FLIGHT_PER_WEBHOOK`` to any one webhook, each attempt
gives up after ``timeout`` seconds, and past ``MAX_WAITING`` deliveries
waiting their turn a new one is dropped (recorded as an attempt that was
not sent); the log says when deliveries start waiting and when any are
dropped.  The control plane can wait for
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
import logging
import ssl
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from portal_mock.domain.accounts import Account
from portal_mock.domain.redaction import redact_text
from portal_mock.domain.tasks import Task
from portal_mock.domain.webhooks import Webhook, is_loopback

log = logging.getLogger("portal_mock")

DEFAULT_RETRY_DELAYS = (0.5, 1.0, 2.0)
MAX_IN_FLIGHT = 64
"""Attempts sending at once, across every webhook: each holds a connection
(a file descriptor), so a slow receiver cannot starve the server's clients."""
MAX_IN_FLIGHT_PER_WEBHOOK = 8
"""Attempts sending at once to one webhook, so one stuck receiver leaves
the others their turn."""
MAX_WAITING = 1000
"""Deliveries that may wait for their turn (or their next retry); a new
one past this is dropped."""
DROP_LOG_INTERVAL = 1.0
"""Seconds between two log lines about dropped deliveries."""


@dataclass(frozen=True)
class Attempt:
    """One try at delivering one task to one webhook.

    ``at`` is the account's clock when the attempt was made (so it lines up
    with the task's dates); ``status`` is the receiver's HTTP status, or
    ``None`` with ``error`` saying why there was no answer.  It keeps the
    webhook's URL whole; ``to_dict`` shows it, and the error, with a
    password in the URL masked.
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
            "url": redact_text(self.url),
            "at": self.at,
            "status": self.status,
            "error": redact_text(self.error) if self.error else self.error,
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
        self,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        timeout: float = 5.0,
        tick: float = 0.05,
        remote: bool = False,
        in_flight: int = MAX_IN_FLIGHT,
        per_webhook: int = MAX_IN_FLIGHT_PER_WEBHOOK,
        waiting: int = MAX_WAITING,
    ) -> None:
        self.retry_delays = tuple(retry_delays)
        self.remote = remote
        self.timeout = timeout
        self.tick = tick
        self.in_flight = in_flight
        self.per_webhook = per_webhook
        self.max_waiting = waiting
        self._slots = asyncio.Semaphore(in_flight)
        self._webhook_slots: dict[tuple[int, int], tuple[asyncio.Semaphore, int]] = {}
        self._waiting = 0
        self._congested = False
        self._dropped = 0
        self._dropped_logged = 0
        self._drop_logged_at = 0.0
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
            if self._waiting >= self.max_waiting:
                self._drop(account, webhook, body)
                continue
            self._waiting += 1
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

    def _drop(self, account: Account, webhook: Webhook, body: dict[str, Any]) -> None:
        """Record a delivery that was never tried, and say so in the log, at
        most once per ``DROP_LOG_INTERVAL``."""
        reason = f"dropped: {self._waiting} deliveries were already waiting (the mock keeps at most {self.max_waiting})"
        self._attempts[account.id].append(Attempt(webhook.id, body["uuid"], body["action"], 1, webhook.url, account.clock.now(), None, reason))
        self._dropped += 1
        now = time.monotonic()
        if now - self._drop_logged_at >= DROP_LOG_INTERVAL:
            log.warning(
                "webhook deliveries dropped: %d more (%d in all), %d already waiting for slow receivers",
                self._dropped - self._dropped_logged,
                self._dropped,
                self._waiting,
            )
            self._dropped_logged, self._drop_logged_at = self._dropped, now

    async def _deliver(self, account: Account, webhook: Webhook, body: dict[str, Any]) -> None:
        """Send with retries, each attempt in its turn.  Unless ``remote``
        is on, only loopback hosts are sent to: a mock in a test run never
        reaches off the machine; the refusal is recorded as an attempt so
        the test can see why.  The job counts as waiting (toward
        ``MAX_WAITING``) whenever it is not sending."""
        try:
            if not self.remote and not is_loopback(urlsplit(webhook.url).hostname or ""):
                refusal = "not sent: the host is not loopback and remote deliveries are off (serve --remote-webhooks turns them on)"
                self._attempts[account.id].append(Attempt(webhook.id, body["uuid"], body["action"], 1, webhook.url, account.clock.now(), None, refusal))
                return
            for number, delay in enumerate((0.0, *self.retry_delays), start=1):
                if delay:
                    await asyncio.sleep(delay)
                status, error = await self._attempt(account, webhook, body)
                attempt = Attempt(webhook.id, body["uuid"], body["action"], number, webhook.url, account.clock.now(), status, error)
                self._attempts[account.id].append(attempt)
                if attempt.delivered:
                    return
        finally:
            self._waiting -= 1
            if self._congested and self._waiting == 0:
                self._congested = False
                log.warning("webhook deliveries are no longer waiting")

    async def _attempt(self, account: Account, webhook: Webhook, body: dict[str, Any]) -> tuple[int | None, str | None]:
        """One attempt, once a slot overall and one for its webhook are free."""
        key = (account.id, webhook.id)
        gate, users = self._webhook_slots.get(key) or (asyncio.Semaphore(self.per_webhook), 0)
        self._webhook_slots[key] = (gate, users + 1)
        try:
            if (gate.locked() or self._slots.locked()) and not self._congested:
                self._congested = True
                log.warning("webhook deliveries are waiting: receivers are slow (at most %d in flight, %d per webhook)", self.in_flight, self.per_webhook)
            async with gate, self._slots:
                self._waiting -= 1
                try:
                    return await self._send(webhook, body)
                finally:
                    self._waiting += 1
        finally:
            gate, users = self._webhook_slots[key]
            if users == 1:
                del self._webhook_slots[key]
            else:
                self._webhook_slots[key] = (gate, users - 1)

    async def _send(self, webhook: Webhook, body: dict[str, Any]) -> tuple[int | None, str | None]:
        """POST once, on a connection of its own, within ``timeout`` seconds
        in all (httpx's own timeout bounds each read, not a receiver that
        trickles its answer)."""
        import httpx

        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        try:
            async with httpx.AsyncClient(verify=self._ssl, trust_env=False, timeout=self.timeout) as http:
                response = await asyncio.wait_for(http.post(webhook.url, **credentials(webhook.auth), **encoded(webhook.type, body)), self.timeout)
        except asyncio.TimeoutError:
            return None, f"TimeoutError: no answer within {self.timeout:g}s"
        except httpx.HTTPError as error:
            return None, f"{type(error).__name__}: {error}".rstrip(": ")
        return response.status_code, None
