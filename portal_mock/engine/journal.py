"""The request journal: what clients sent and what they got, bounded.

Entries are kept oldest first and bounded twice, in entries and in bytes,
so memory stays flat under any load, whatever the bodies weigh; the
journal counts what it dropped so a reader knows the record is partial.
A body over ``BODY_KEPT`` is kept as the text of its first ``BODY_KEPT``
bytes, marked truncated, with its full length.  Recording is cheap (one
small object per request, headers kept as the raw pairs the server gave,
an entry's bytes estimated from lengths, never by walking objects); the
redacted, JSON-ready form is built only when someone reads the journal.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from portal_mock.catalog import shown_path
from portal_mock.domain.redaction import redact, redact_body_text, redact_header, redact_query, redact_value
from portal_mock.scenarios.rules import Match, RequestFacts

BODY_KEPT = 16 * 1024
"""Bodies longer than this many bytes are journaled truncated to it."""
DEFAULT_BYTES = 64 * 1024 * 1024
"""The journal's default bound in (estimated) bytes: ``serve --journal-bytes``."""
ENTRY_COST = 512
"""An entry's own objects (the record, its numbers and short strings, the
header list), in bytes, before what its lengths add."""
HEADER_COST = 128
"""One header pair's objects (a tuple and two ``bytes``) beyond its text."""
OBJECT_COST = 64
"""What each value a decoded body holds may cost beyond its text: a small
list, dict slot or string object.  Counted per byte that can open or
separate a value (``,:[{&=``), so a body of ``[],[],…`` is charged for the
thousands of objects it decodes to."""
WIDE = 4
"""How much more than its raw bytes a decoded body's text may take: one
character outside Latin-1 makes Python store a whole string 4 bytes a
character."""


@dataclass(frozen=True, slots=True)
class SentBody:
    """What the journal keeps of a request's body, measured while its raw
    bytes are at hand (so they need not be held until the entry is written):
    its length, its text when it is too long to keep whole, and what
    keeping it costs."""

    length: int
    truncated: str | None
    cost: int

    @classmethod
    def of(cls, raw: bytes) -> SentBody:
        if len(raw) > BODY_KEPT:
            text = raw[:BODY_KEPT].decode("utf-8", "replace")
            return cls(len(raw), text, sys.getsizeof(text))
        narrow = raw.isascii() and b"\\u" not in raw
        values = sum(map(raw.count, (b",", b":", b"[", b"{", b"&", b"=")))
        return cls(len(raw), None, len(raw) * (1 if narrow else WIDE) + OBJECT_COST * values)


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
    body_bytes: int = 0
    """The body's full length as sent."""
    body_truncated: bool = False
    """``body`` is the text of the first ``BODY_KEPT`` bytes, not the decoded body."""
    cost: int = 0
    """What the journal charges this entry against its bytes bound."""

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
            body=self.body if isinstance(self.body, dict) and not self.body_truncated else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "method": self.method,
            "path": shown_path(self.action, self.path),
            "query": redact_query(self.query),
            "headers": self.shown_headers(),
            "body": redact_body_text(self.body) if self.body_truncated else redact_value(self.body),
            "body_bytes": self.body_bytes,
            "body_truncated": self.body_truncated,
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
    """The newest entries that fit in ``size`` entries and ``capacity_bytes``
    (estimated) bytes; the newest entry is kept even when it alone is
    over the bytes bound."""

    def __init__(self, size: int = 10_000, capacity_bytes: int = DEFAULT_BYTES) -> None:
        if size < 1:
            raise ValueError("the journal needs room for at least one entry")
        if capacity_bytes < 1:
            raise ValueError("the journal needs room for at least one byte")
        self.size = size
        self.capacity_bytes = capacity_bytes
        self.bytes = 0
        """The estimated bytes the entries kept now take."""
        self._entries: deque[Entry] = deque()
        self._ids = itertools.count(1)
        self.recorded = 0
        self.hits: Counter[tuple[str, str]] = Counter()
        """Requests each (scenario, rule) decided since the journal was last
        emptied, dropped entries included: the dashboard's hit counts."""

    def record(self, sent: SentBody | None = None, **fields: Any) -> Entry:
        """Journal one request; ``sent`` measures the body it sent (``None``
        when none was read).  The oldest entries go until both bounds hold."""
        entry = Entry(id=next(self._ids), **fields)
        if sent is not None:
            entry.body_bytes = sent.length
            if sent.truncated is not None:
                entry.body, entry.body_truncated = sent.truncated, True
        entry.cost = (
            ENTRY_COST
            + len(entry.path)
            + len(entry.query)
            + sum(len(name) + len(value) + HEADER_COST for name, value in entry.raw_headers)
            + (sent.cost if sent is not None else 0)
            + len(entry.error or "")
        )
        self._entries.append(entry)
        self.bytes += entry.cost
        self.recorded += 1
        while len(self._entries) > self.size or (self.bytes > self.capacity_bytes and len(self._entries) > 1):
            self.bytes -= self._entries.popleft().cost
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
        self.bytes = 0
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
    built once, and the pattern's one-condition probes once per call.

    A truncated body cannot be checked: an entry whose body was truncated
    never matches a pattern with body conditions, and its reason says so."""
    matched = 0
    misses: list[tuple[int, Entry, str]] = []
    probes = _probes(pattern)
    bodiless = dataclasses.replace(pattern, body={}) if pattern.body else pattern
    for entry in entries:
        facts = entry.facts()
        reason: str | None
        if entry.body_truncated and pattern.body:
            reason = bodiless.mismatch(facts) or (
                f"its body was {entry.body_bytes} bytes, journaled truncated to the first {BODY_KEPT}: no body condition can be checked"
            )
        else:
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
