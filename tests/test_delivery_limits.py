"""Webhook deliveries are bounded: a receiver that accepts and never
answers holds at most a webhook's share of connections, each attempt times
out, deliveries past the backlog are dropped, and the log says so, while
the server keeps answering everyone else."""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import time

import httpx
from helpers import TICKET, eventually, start

from portal_mock.domain.accounts import Registry
from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.tasks import TaskPlan
from portal_mock.engine.delivery import MAX_IN_FLIGHT_PER_WEBHOOK, MAX_WAITING, Deliveries


class Silent:
    """A receiver that accepts every connection and never answers."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.accepted: list[socket.socket] = []
        self.closed: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def open_connections(self) -> int:
        """Connections the server still holds open to this receiver (what
        they sent is read and thrown away, so a closed one shows as closed)."""
        still = 0
        for connection in list(self.accepted):
            if connection in self.closed:
                continue
            connection.setblocking(False)
            try:
                while connection.recv(65536):
                    pass
                self.closed.add(connection)
            except BlockingIOError:
                still += 1
            except OSError:
                self.closed.add(connection)
        return still

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def test_a_receiver_that_never_answers_holds_a_bounded_number_of_connections():
    receiver = Silent()
    process, url, keys = start("--clock", "real", "--task-delay", "50ms")
    portal = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys[0]}"})
    try:
        assert portal.post("/v1/task/webhook", json={"name": "silent", "url": receiver.url, "resource": "ticket"}).status_code == 202
        time.sleep(0.2)
        for _ in range(1500):
            assert portal.post("/v1/ticket", json=TICKET).status_code == 202
        eventually(lambda: len(receiver.accepted) >= MAX_IN_FLIGHT_PER_WEBHOOK, "the first deliveries")
        time.sleep(0.5)
        assert receiver.open_connections() <= MAX_IN_FLIGHT_PER_WEBHOOK
        assert httpx.get(f"{url}/__mock/health").status_code == 200
        dropped = [a for a in httpx.get(f"{url}/__mock/deliveries", params={"key": keys[0]}).json() if a["error"] and "dropped" in a["error"]]
        assert len(dropped) >= 1500 - MAX_WAITING - MAX_IN_FLIGHT_PER_WEBHOOK - 1
    finally:
        portal.close()
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=20)
        receiver.close()
    assert "webhook deliveries are waiting" in log
    assert "webhook deliveries dropped" in log


class Trickle(Silent):
    """A receiver that answers one byte of its status line every 0.1 s,
    so no single read ever waits long."""

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        try:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                connection.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            pass


def test_each_attempt_is_timed_out_even_when_the_receiver_trickles_its_answer():
    receiver = Trickle()
    registry = Registry(seed=1, clock=ClockSpec("manual"))
    deliveries = Deliveries(retry_delays=(), timeout=0.5)
    registry.on_new_account.append(deliveries.watch)
    account = registry.create_account("hooks")
    account.webhooks.add({"name": "hook", "url": receiver.url}, account.client_reference())
    account.queue("ticket:add", dict(TICKET), account.primary_user, TaskPlan(delay=1))

    async def resolve() -> None:
        account.clock.advance(1)
        account.settle()
        await deliveries.drain(account)

    started = time.monotonic()
    try:
        asyncio.run(resolve())
    finally:
        receiver.close()
    assert time.monotonic() - started < 2
    [attempt] = deliveries.attempts(account)
    assert attempt.status is None and attempt.error is not None and "within 0.5s" in attempt.error


def test_in_flight_attempts_are_bounded_across_webhooks():
    receiver = Silent()
    registry = Registry(seed=1, clock=ClockSpec("manual"))
    deliveries = Deliveries(retry_delays=(), timeout=0.5, in_flight=3, per_webhook=2)
    registry.on_new_account.append(deliveries.watch)
    account = registry.create_account("hooks")
    for name in ("a", "b", "c"):
        account.webhooks.add({"name": name, "url": receiver.url}, account.client_reference())
    for _ in range(4):
        account.queue("ticket:add", dict(TICKET), account.primary_user, TaskPlan(delay=1))
    seen: list[int] = []

    async def resolve() -> None:
        account.clock.advance(1)
        account.settle()
        draining = asyncio.ensure_future(deliveries.drain(account))
        # Wait for the first attempts to connect (a loaded machine takes
        # longer than any fixed sleep), then watch the count stay bounded.
        deadline = time.monotonic() + 5
        while receiver.open_connections() < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for _ in range(10):
            seen.append(receiver.open_connections())
            await asyncio.sleep(0.1)
        await draining

    try:
        asyncio.run(resolve())
    finally:
        receiver.close()
    assert max(seen) == 3 and seen[0] == 3
    assert len(deliveries.attempts(account)) == 12
    assert all(attempt.error is not None and "within 0.5s" in attempt.error for attempt in deliveries.attempts(account))
