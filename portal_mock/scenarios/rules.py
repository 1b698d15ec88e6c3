"""Scenarios: ordered rules that say how the mock answers a request.

A rule has a ``match`` (conditions on the request) and effects: a forced
response, a scripted task outcome, added latency, or a fault.  For each
request the first rule that matches *and is active* (``times``, ``every`` and
``rate`` decide that) applies; inactive rules fall through to the next, which
is how sequences such as "the first two polls 503, then normal" are written.

Nothing here touches HTTP: the web layer describes a request as
``RequestFacts`` and receives a ``Decision``.  Rule counters and random draws
live in a ``RuleBook`` the caller owns (one per account), so tests sharing a
server never advance each other's sequences.
"""

from __future__ import annotations

import math
import random
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol
from urllib.parse import parse_qsl

import re2  # type: ignore[import-untyped]

from portal_mock.domain.clock import parse_duration
from portal_mock.domain.redaction import masked, redact, redact_field, redact_header, secret_header, secret_name
from portal_mock.domain.tasks import TaskPlan

FAULTS = ("connection_reset", "empty_response", "malformed_json", "slow_body")


class Regex(Protocol):
    """A compiled user regex, as rules use one."""

    pattern: str

    def search(self, text: str) -> object | None: ...

    def match(self, text: str) -> object | None: ...


_RE2 = re2.Options()
_RE2.log_errors = False  # a refused pattern is the caller's message, not a line on stderr
_RE2_SYNTAX = "a regex is RE2 syntax: no backreferences or lookaround, \\z rather than \\Z"


def user_regex(pattern: str) -> Regex:
    """Every regex a user writes (a rule's or a verification's ``regex``, a
    ``path`` pattern once turned into one), compiled by RE2, whose matching
    takes time linear in the text: no pattern can stall the server, as
    ``^(a+)+$`` does a backtracking engine.  What RE2 cannot run is a
    ``ValueError`` naming the pattern, raised here, before any request."""
    try:
        compiled: Regex = re2.compile(pattern, _RE2)
    except re2.error as error:
        reason = error.args[0].decode("utf-8", "replace") if error.args and isinstance(error.args[0], bytes) else str(error)
        raise ValueError(f"bad regex {pattern!r}: {reason}; {_RE2_SYNTAX}") from None
    return compiled


@dataclass
class RequestFacts:
    """What rules may look at.  ``headers`` keys are lower-case; ``body`` is
    ``None`` when the request has none or it could not be decoded.  The
    query is parsed on first use: most requests meet no rule that asks."""

    method: str
    path: str
    action: str | None = None
    queued: bool = False
    key: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    query_string: str = ""
    body: Mapping[str, Any] | None = None

    @cached_property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.query_string, keep_blank_values=True))


@dataclass(frozen=True)
class Matcher:
    """One test on one value: equals (the default), contains, regex, present."""

    kind: str
    value: Any

    @classmethod
    def parse(cls, spec: Any) -> Matcher:
        if isinstance(spec, dict):
            (kind, value), = spec.items()
            if kind == "regex":
                value = user_regex(value)
            return cls(kind, value)
        return cls("equals", spec)

    def test(self, found: bool, actual: Any) -> bool:
        if self.kind == "present":
            return found == bool(self.value)
        if not found:
            return False
        if self.kind == "equals":
            return actual == self.value or (isinstance(actual, str) and not isinstance(self.value, str) and actual == _text(self.value))
        text = actual if isinstance(actual, str) else _text(actual)
        if self.kind == "contains":
            return self.value in text
        return self.value.search(text) is not None

    def describe(self, secret: bool = False) -> str:
        """What it wants, for a person; a ``secret`` field's wanted value is
        masked, as the value found is."""
        value = self.value.pattern if self.kind == "regex" else self.value
        return f"{self.kind} {masked(value) if secret and self.kind != 'present' else value!r}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _lookup(data: Mapping[str, Any] | None, dotted: str) -> tuple[bool, Any]:
    current: Any = data
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return False, None
        current = current[part]
    return True, current


def _compile_path(pattern: str) -> Regex:
    """``*`` is one path segment, ``**`` any rest, ``{name}`` one segment."""
    parts = []
    for piece in re.split(r"(\*\*|\*|\{[^}/]+\})", pattern):
        if piece == "**":
            parts.append(".*")
        elif piece == "*" or (piece.startswith("{") and piece.endswith("}")):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(piece))
    return user_regex("^" + "".join(parts) + "/?$")


@dataclass
class Match:
    actions: frozenset[str] | None = None
    method: str | None = None
    path: str | None = None
    keys: frozenset[str] | None = None
    headers: dict[str, Matcher] = field(default_factory=dict)
    query: dict[str, Matcher] = field(default_factory=dict)
    body: dict[str, Matcher] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._path = _compile_path(self.path) if self.path else None

    @classmethod
    def parse(cls, spec: Mapping[str, Any]) -> Match:
        def names(value: Any) -> frozenset[str] | None:
            if value is None:
                return None
            return frozenset([value] if isinstance(value, str) else value)

        return cls(
            actions=names(spec.get("action")),
            method=spec.get("method"),
            path=spec.get("path"),
            keys=names(spec.get("key")),
            headers={k.lower(): Matcher.parse(v) for k, v in (spec.get("headers") or {}).items()},
            query={k: Matcher.parse(v) for k, v in (spec.get("query") or {}).items()},
            body={k: Matcher.parse(v) for k, v in (spec.get("body") or {}).items()},
        )

    def mismatch(self, facts: RequestFacts) -> str | None:
        """Why ``facts`` does not match, or ``None`` when it does.  The reason
        is the first condition that failed, phrased for a person."""
        if self.actions is not None and facts.action not in self.actions:
            return f"action is {facts.action or 'none'}, not {' or '.join(sorted(self.actions))}"
        if self.method is not None and facts.method != self.method:
            return f"method is {facts.method}, not {self.method}"
        if self._path is not None and not self._path.match(facts.path):
            return f"path {facts.path} does not match {self.path}"
        if self.keys is not None and facts.key not in self.keys:
            shown = redact(facts.key) if facts.key else "no key"
            return f"key is {shown}, not one of the keys named"
        for name, matcher in self.headers.items():
            found, value = name in facts.headers, facts.headers.get(name)
            if not matcher.test(found, value):
                return f"header {name} is {redact_header(name, value) if value is not None else None!r}, wanted {matcher.describe(secret_header(name))}"
        for name, matcher in self.query.items():
            found, value = name in facts.query, facts.query.get(name)
            if not matcher.test(found, value):
                return f"query {name} is {redact_field(name, value)!r}, wanted {matcher.describe(secret_name(name))}"
        for name, matcher in self.body.items():
            found, value = _lookup(facts.body, name)
            if not matcher.test(found, value):
                return f"body {name} is {redact_field(name, value)!r}, wanted {matcher.describe(secret_name(name))}" if found else f"body has no {name}"
        return None


@dataclass(frozen=True)
class Delay:
    """A duration drawn per use: fixed, uniform ``{min, max}``, lognormal
    ``{median, sigma}``, or ``never`` (``draw`` returns ``None``)."""

    kind: str
    a: float = 0.0
    b: float = 0.0

    @classmethod
    def parse(cls, spec: Any) -> Delay:
        if spec == "never":
            return cls("never")
        if isinstance(spec, dict) and "min" in spec:
            low, high = parse_duration(spec["min"]), parse_duration(spec["max"])
            if high < low:
                raise ValueError(f"max ({spec['max']}) is below min ({spec['min']})")
            return cls("uniform", low, high)
        if isinstance(spec, dict):
            return cls("lognormal", parse_duration(spec["median"]), float(spec["sigma"]))
        return cls("fixed", parse_duration(spec))

    def draw(self, rng: random.Random) -> float | None:
        if self.kind == "fixed":
            return self.a
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b)
        if self.kind == "lognormal":
            return self.a * math.exp(rng.gauss(0.0, self.b)) if self.a > 0 else 0.0
        return None


@dataclass(frozen=True)
class Respond:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False


@dataclass(frozen=True)
class TaskScript:
    after: Delay | None = None
    after_polls: int | None = None
    outcome: str = "success"
    errors: dict[str, Any] | None = None
    resource: dict[str, Any] | None = None

    def plan(self, rng: random.Random, default_delay: float) -> TaskPlan:
        if self.after_polls is not None:
            delay = None
        elif self.after is None:
            delay = default_delay
        else:
            delay = self.after.draw(rng)
        return TaskPlan(delay=delay, outcome=self.outcome, errors=self.errors, after_polls=self.after_polls, resource=self.resource)


@dataclass(frozen=True)
class Fault:
    kind: str
    duration: float = 2.0


@dataclass
class Rule:
    index: int
    match: Match
    name: str | None = None
    times: int | None = None
    every: int | None = None
    rate: tuple[int, float] | None = None
    respond: Respond | None = None
    task: TaskScript | None = None
    latency: Delay | None = None
    fault: Fault | None = None

    @property
    def label(self) -> str:
        return self.name or f"rule {self.index + 1}"

    def relevant(self, facts: RequestFacts) -> bool:
        """A rule that only scripts tasks says nothing about other requests."""
        return facts.queued or self.task is None or any((self.respond, self.latency, self.fault))


@dataclass
class Decision:
    """What the matching rule asks for, with its random draws made."""

    scenario: str
    rule: str
    respond: Respond | None = None
    plan: TaskPlan | None = None
    latency: float = 0.0
    fault: Fault | None = None
    retry_after: int | None = None


@dataclass
class _Counter:
    matched: int = 0
    applied: int = 0
    window: deque[float] = field(default_factory=deque)


class RuleBook:
    """Rule counters and the random stream for one account (or for requests
    that name no known key).  Owned by the caller; scenarios stay immutable
    so a reload never loses a sequence in progress."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self._counters: dict[tuple[str, int], _Counter] = {}
        self._rngs: dict[str, random.Random] = {}

    def counter(self, scenario: str, rule: int) -> _Counter:
        found = self._counters.get((scenario, rule))
        if found is None:
            found = self._counters[(scenario, rule)] = _Counter()
        return found

    def rng(self, scenario: Scenario) -> random.Random:
        found = self._rngs.get(scenario.name)
        if found is None:
            found = self._rngs[scenario.name] = random.Random(f"{scenario.seed}:{self.seed}:{scenario.name}")
        return found


@dataclass
class Scenario:
    name: str
    description: str = ""
    seed: int | str = 0
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)
    """Starting resources by kind: a count to draw, or partial records."""
    rules: list[Rule] = field(default_factory=list)
    origin: str = ""
    marks: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict, repr=False)
    """Line and column of the places checks across files point at (the
    name, each declared key, the scenario a key is bound to), so those
    problems are located as precisely as one file's own."""

    def mark(self, *path: Any) -> tuple[int, int]:
        """Where ``path`` (as in ``marks``) is in the file; its start if not known."""
        return self.marks.get(path, (1, 1))

    def decide(self, facts: RequestFacts, book: RuleBook, now: float, default_delay: float) -> Decision | None:
        """The first active matching rule's effects, counting the match now
        (before any latency) so a fast retry never sees stale counters."""
        for rule in self.rules:
            if not rule.relevant(facts) or rule.match.mismatch(facts) is not None:
                continue
            counter = book.counter(self.name, rule.index)
            counter.matched += 1
            if rule.times is not None and counter.applied >= rule.times:
                continue
            if rule.every is not None and counter.matched % rule.every:
                continue
            retry_after = None
            if rule.rate is not None:
                limit, per = rule.rate
                window = counter.window
                while window and window[0] <= now - per:
                    window.popleft()
                if len(window) < limit:
                    window.append(now)
                    continue
                retry_after = max(1, math.ceil(window[0] + per - now))
            counter.applied += 1
            rng = book.rng(self)
            return Decision(
                scenario=self.name,
                rule=rule.label,
                respond=rule.respond,
                plan=rule.task.plan(rng, default_delay) if rule.task and facts.queued else None,
                latency=(rule.latency.draw(rng) or 0.0) if rule.latency else 0.0,
                fault=rule.fault,
                retry_after=retry_after,
            )
        return None
