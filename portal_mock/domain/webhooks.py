"""Task webhooks: stored URLs that hear about an account's tasks as they resolve.

This module holds what a webhook *is*: its record, which tasks it listens
to, and which URLs the mock may deliver to; its secrets are shown as
``redaction`` shows every secret, and kept whole for delivery.
Sending the requests is ``delivery``'s job; nothing here does I/O, so the
rules can be read and tested without a network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from portal_mock.domain.fakedata import FakeData
from portal_mock.domain.listing import OrderCache
from portal_mock.domain.people import reference
from portal_mock.domain.redaction import redact_text, redact_value

ANY = "*"
NONE = "-"
TYPES = ("json", "form", "multipart")
AUTH_TYPES = ("basic", "digest", "bearer")


def is_loopback(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1 (brackets allowed), by name or literal only:
    nothing is resolved, so the answer never depends on DNS."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why the mock will not deliver to ``url``, or ``None`` when it will.

    https anywhere, as at the vendor; plain http only to loopback
    (127.0.0.0/8, ::1, ``localhost``), so tests can run a receiver without
    certificates while the mock never sends a task in cleartext off the
    machine.
    """
    if any(char.isspace() or not char.isprintable() for char in url):
        return "Must be a URL without spaces or control characters."
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a port outside 0-65535
    except ValueError:
        return "Must be a valid URL."
    if parts.scheme not in ("http", "https") or not host:
        return "Must be an absolute https:// URL."
    if parts.scheme == "http" and not is_loopback(host):
        return "Must use https; http is accepted only on loopback (127.0.0.0/8, ::1, localhost)."
    return None


@dataclass
class Webhook:
    """One stored webhook.  ``resource`` and ``action`` say which tasks it
    hears: ``*`` any, ``-`` none, otherwise the two halves of an action
    name (``ticket`` and ``close`` for ``ticket:close``)."""

    id: int
    name: str
    url: str
    client: dict[str, Any]
    type: str = "json"
    resource: str = ANY
    action: str = ANY
    auth: dict[str, Any] | None = None
    user_data: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        return f"#{self.id} {self.name}"

    @property
    def uri(self) -> str:
        return f"/v1/task/webhook/{self.id}/"

    @property
    def listen_to(self) -> tuple[str, str]:
        """What it hears, ``(resource, action)``: webhook:list sorts by it."""
        return self.resource, self.action

    def listens_to(self, action: str) -> bool:
        resource, _, verb = action.partition(":")
        return self.resource in (ANY, resource) and self.action in (ANY, verb)

    def to_reference(self) -> dict[str, Any]:
        return reference(self.id, self.identity, "api-webhook", self.uri)

    def to_dict(self) -> dict[str, Any]:
        """The vendor's webhook object, credentials masked: the password or
        token of its ``auth``, and a password in its URL."""
        return {
            "id": self.id,
            "identity": self.identity,
            "client": self.client,
            "listen_to": {"resource": self.resource, "action": self.action},
            "metadata": {"scope": "api-webhook", "uri": self.uri},
            "name": self.name,
            "type": self.type,
            "url": redact_text(self.url),
            "auth": redact_value(self.auth),
            "user_data": self.user_data,
        }


class Webhooks:
    """One account's webhooks, keyed by id."""

    def __init__(self, fake: FakeData) -> None:
        self.fake = fake
        self._by_id: dict[int, Webhook] = {}
        self._orders = OrderCache()

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, webhook_id: int) -> Webhook | None:
        return self._by_id.get(webhook_id)

    def all(self) -> list[Webhook]:
        return list(self._by_id.values())

    def sorted_by(self, key: str, descending: bool, sort_key: Callable[[Webhook], Any]) -> list[Webhook]:
        """webhook:list's order, sorted at most once per change."""
        return self._orders.ordered(self.all, key, descending, sort_key, _webhook_id)

    def render(self, webhook: Webhook) -> dict[str, Any]:
        return webhook.to_dict()

    def listening_to(self, action: str) -> list[Webhook]:
        if not self._by_id:
            return []
        return [webhook for webhook in self._by_id.values() if webhook.listens_to(action)]

    def add(self, fields: dict[str, Any], client: dict[str, Any]) -> Webhook:
        """Store a webhook from webhook:add input (already validated); what
        the input leaves out listens to everything and is sent as JSON."""
        webhook = Webhook(
            id=self.fake.small_id(),
            name=fields["name"],
            url=fields["url"],
            client=client,
            type=fields.get("type", "json"),
            resource=fields.get("resource", ANY),
            action=fields.get("action", ANY),
            auth=dict(fields["auth"]) if fields.get("auth") else None,
            user_data=dict(fields.get("user_data", {})),
        )
        self._by_id[webhook.id] = webhook
        self._orders.changed()
        return webhook


def _webhook_id(webhook: Webhook) -> int:
    return webhook.id
