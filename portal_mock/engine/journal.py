"""The request journal: what clients sent and what they got, bounded.

Entries are kept in a ring buffer so memory stays flat under any load; the
journal counts what it dropped so a reader knows the record is partial.
Recording is cheap (one small object per request, headers kept as the raw
pairs the server gave); the redacted, JSON-ready form is built only when
someone reads the journal.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from portal_mock.catalog import shown_path
from portal_mock.domain.redaction import redact, redact_header, redact_query, redact_value
from portal_mock.scenarios.rules import Match, RequestFacts


@dataclass(eq=False, slots=True)
class Entry:
    id: int
    time: float
    method: str
    path: str
    query: str
    raw_headers: list[tuple[bytes, bytes]]
    body: Any
    action: str | None
    key: str | None
    account: int | None
    scenario: str | None
    rule: str | None
    status: int
    duration: float
    error: str | None = None
    proxied: bool = False

    def headers(self) -> dict[str, str]:
        """Headers as sent, lower-case names: what a journal match looks at."""
        return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in self.raw_headers}

    def shown_headers(self) -> dict[str, str]:
        """Headers as the journal shows them, ``Authorization`` with the key
        redacted and secrets masked: a full key never leaves the server this way."""
        return {name: redact_header(name, value) for name, value in self.headers().items()}

    def facts(self) -> RequestFacts:
        return RequestFacts(
            method=self.method,
            path=self.path,
            action=self.action,
            key=self.key,
            headers=self.headers(),
            query_string=self.query,
            body=self.body if isinstance(self.body, dict) else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "method": self.method,
            "path": shown_path(self.action, self.path),
            "query": redact_query(self.query),
            "headers": self.shown_headers(),
            "body": redact_value(self.body),
            "action": self.action,
            "key": redact(self.key) if self.key else None,
            "account": self.account,
            "scenario": self.scenario,
            "rule": self.rule,
            "status": self.status,
            "duration_ms": round(self.duration * 1000, 3),
            "error": self.error,
            "proxied": self.proxied,
        }


class Journal:
    def __init__(self, size: int = 10_000) -> None:
        if size < 1:
            raise ValueError("the journal needs room for at least one entry")
        self.size = size
        self._entries: deque[Entry] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self.recorded = 0
        self.hits: Counter[tuple[str, str]] = Counter()
        """Requests each (scenario, rule) decided since the journal was last
        emptied, dropped entries included: the dashboard's hit counts."""

    def record(self, **fields: Any) -> Entry:
        entry = Entry(id=next(self._ids), **fields)
        self._entries.append(entry)
        self.recorded += 1
        if entry.rule is not None and entry.scenario is not None:
            self.hits[entry.scenario, entry.rule] += 1
        return entry

    def get(self, entry_id: int) -> Entry | None:
        """The entry ``entry_id``, unless it was dropped or cleared."""
        return next((entry for entry in self._entries if entry.id == entry_id), None)

    @property
    def dropped(self) -> int:
        return self.recorded - len(self._entries)

    def clear(self) -> None:
        self.recorded -= len(self._entries)
        self._entries.clear()
        self.hits.clear()

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def select(
        self,
        action: str | None = None,
        key: str | None = None,
        account: int | None = None,
        status: int | None = None,
        path: str | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[Entry]:
        """Entries matching every filter given (``path`` is a prefix)."""
        found = []
        for entry in self:
            if action is not None and entry.action != action:
                continue
            if key is not None and entry.key != key:
                continue
            if account is not None and entry.account != account:
                continue
            if status is not None and entry.status != status:
                continue
            if path is not None and not entry.path.startswith(path):
                continue
            if since is not None and entry.time < since:
                continue
            if until is not None and entry.time > until:
                continue
            found.append(entry)
        return found


def verify(entries: Iterable[Entry], pattern: Match, status: int | None = None, closest: int = 3) -> dict[str, Any]:
    """How many entries match ``pattern`` (and ``status``), and the closest
    ones that did not, each with the reason it missed — WireMock's near
    misses, for "why did my verification fail?".  Each entry's facts are
    built once, and the pattern's one-condition probes once per call."""
    matched = 0
    misses: list[tuple[int, Entry, str]] = []
    probes = _probes(pattern)
    for entry in entries:
        facts = entry.facts()
        reason = pattern.mismatch(facts)
        if reason is None and status is not None and entry.status != status:
            reason = f"status is {entry.status}, not {status}"
        if reason is None:
            matched += 1
        else:
            misses.append((sum(probe.mismatch(facts) is not None for probe in probes), entry, reason))
    misses.sort(key=lambda miss: (miss[0], -miss[1].id))
    return {
        "count": matched,
        "near_misses": [{"request": entry.to_dict(), "reason": reason} for _, entry, reason in misses[:closest]],
    }


def _probes(pattern: Match) -> list[Match]:
    """One ``Match`` per condition of ``pattern``: how many of them an entry
    fails is its distance (fewer is nearer)."""
    return [
        Match(actions=pattern.actions),
        Match(method=pattern.method),
        Match(path=pattern.path),
        Match(keys=pattern.keys),
        *(Match(headers={k: v}) for k, v in pattern.headers.items()),
        *(Match(query={k: v}) for k, v in pattern.query.items()),
        *(Match(body={k: v}) for k, v in pattern.body.items()),
    ]
