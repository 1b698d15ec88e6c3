"""Observed Portal exchanges in, a scenario document out: what ``portal-mock
record`` writes when it stops.  Pure: no HTTP, no clock, no files, so every
decision below is testable from plain data.

How a session becomes rules:

* Each request is matched to an action with the catalog's dispatch table;
  requests to paths the mock does not serve cannot be replayed by a rule
  and are only listed in the file's header.
* Requests are grouped by action and method.  Within a group, the answers
  are compared; when they differ, the fewest request features (a path id,
  the key, a top-level body field) whose values explain the difference
  become the rule's ``match``, and ids are otherwise generalised to ``*``.
* What is left differing is a sequence: consecutive equal answers are one
  rule with ``times``, in order; the last holds for every later request.
* A queued action's 202 becomes a ``task`` script with the outcome of the
  first non-pending poll of its task and the time from the 202 to that
  poll; the task's polls themselves are the mock's to answer.  Answers the
  mock gives by itself in replay (such polls) are ``latency: 0`` rules, so
  a sequence keeps its place.
* Everything else (errors, lists, shows, an unreachable upstream's 502/504)
  is a ``respond`` rule with the status, the headers that matter and the
  body, verbatim.
* Secrets never reach the document: real keys become mock keys declared in
  ``keys:``, any field named like a secret (a token, secret, password,
  passphrase, PIN or cvv: ``redaction.secret_name``, the one list every
  output of the mock uses) is ``<redacted>``, any string holding a secret
  seen in the session has it replaced, and a URL's password is masked.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import yaml

from portal_mock.catalog import ACTIONS
from portal_mock.catalog.model import Action
from portal_mock.domain.redaction import MASK, bearer_token, redact_text, secret_header, secret_name
from portal_mock.http.dispatch import Found, Table

REDACTED = "<redacted>"
KEPT_HEADERS = ("Location", "Content-Range", "Retry-After")
"""Response headers a client acts on; the Portal's fixed headers the mock adds itself."""
MAX_CANDIDATES = 8
MAX_FEATURES = 3
"""Bounds on the search for the request features that explain differing answers."""
_TASK_PATH = re.compile(r"^/v1/task/([0-9a-fA-F-]{36})/?$")
_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class Exchange:
    """One request as the client sent it and the answer it got.  Header
    names are lower-case; ``body`` and ``answer`` are decoded (JSON, or a
    form for requests) or ``None``; ``seconds`` is when the answer arrived,
    from the start of the recording; ``upstream_error`` is set when the
    upstream did not answer and the proxy answered for it."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: Any
    status: int
    response_headers: Mapping[str, str]
    answer: Any
    seconds: float
    upstream_error: str | None = None

    @property
    def key(self) -> str | None:
        return bearer_token(self.headers.get("authorization", ""))


def decode_body(raw: bytes, content_type: str) -> Any:
    """A request or response body as rules see it: JSON, a form, or ``None``."""
    if not raw:
        return None
    media = content_type.partition(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if media == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        return json.loads(text)
    except ValueError:
        return None


def _finder() -> Table[Action]:
    """Actions by method and path, found as the mock finds them (every
    action, served or not: a rule may name any)."""
    return Table((action.method, action.path, action) for action in ACTIONS)


@dataclass
class _Track:
    """A task seen accepted: when, and what its first non-pending poll said."""

    accepted: float
    polls: int = 0
    outcome: str | None = None
    errors: Any = None
    delay: float = 0.0


@dataclass
class _Seen:
    exchange: Exchange
    action: Action
    params: dict[str, str]
    answer: tuple[str, str] = ("", "")
    effect: dict[str, Any] = field(default_factory=dict)
    summary: str = ""


NATURAL = {"latency": 0}


class Recording:
    """A session's exchanges, in the order the answers arrived."""

    def __init__(self, name: str, key_map: Mapping[str, str] | None = None) -> None:
        self.name = scenario_name(name)
        self.key_map = dict(key_map or {})
        self.exchanges: list[Exchange] = []

    def add(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    # keys and secrets

    def keys(self) -> dict[str, str]:
        """Each real key seen (or given in ``key_map``) and its mock key."""
        mapped: dict[str, str] = {}
        generated = itertools.count(1)
        for exchange in self.exchanges:
            real = exchange.key
            if real is not None and real not in mapped:
                mapped[real] = self.key_map.get(real) or f"{self.name}-key-{next(generated)}"
        return mapped

    def secrets(self) -> set[str]:
        """Every secret value the session showed: keys, and the values of
        fields named like secrets in request and response bodies."""
        found = set(self.keys()) | set(self.key_map)
        for exchange in self.exchanges:
            for name, value in exchange.headers.items():
                if secret_header(name):
                    found.add(value)
                    token = bearer_token(value)
                    if token:
                        found.add(token)
            for data in (exchange.body, exchange.answer):
                _collect_secrets(data, found)
        return {secret for secret in found if len(secret) >= 4 and secret != MASK and secret != REDACTED}

    # rules

    def rules(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The rules, and a line for each request no rule can replay."""
        find = _finder()
        keys = self.keys()
        seen: list[_Seen] = []
        unreplayed: list[str] = []
        for exchange in self.exchanges:
            found = find.find(exchange.method, exchange.path)
            if not isinstance(found, Found):
                unreplayed.append(f"{exchange.method} {exchange.path} -> {exchange.status}")
                continue
            seen.append(_Seen(exchange, found.endpoint, dict(found.params)))
        tracks = _tracks(seen)
        for item in seen:
            item.effect, item.summary = _effect(item, tracks)
            item.answer = (next(iter(item.effect)), json.dumps(item.effect, sort_keys=True, default=str))
        groups: dict[tuple[str, str], list[_Seen]] = {}
        for item in seen:
            groups.setdefault((item.action.name, item.exchange.method), []).append(item)
        rules: list[dict[str, Any]] = []
        for items in groups.values():
            features = _explaining(items, keys)
            subgroups: dict[str, list[_Seen]] = {}
            for item in items:
                subgroups.setdefault(json.dumps([_feature(item, f, keys) for f in features], default=str), []).append(item)
            for members in subgroups.values():
                match = _match(members[0], features, keys)
                rules.extend(_sequence(match, members))
        for number, rule in enumerate(rules, 1):
            rule["name"] = f"recorded {number}: {rule['name']}"
        return rules, unreplayed

    def document(self, description: str) -> dict[str, Any]:
        """The scenario, secrets scrubbed."""
        rules, _ = self.rules()
        keys = self.keys()
        document: dict[str, Any] = {
            "name": self.name,
            "description": description,
            "keys": {mock: {"account": self.name} for mock in dict.fromkeys(keys.values())},
            "rules": rules,
        }
        if not document["keys"]:
            del document["keys"]
        cleaned: dict[str, Any] = scrub(document, keys, self.secrets())
        return cleaned

    def text(self, upstream: str, recorded_at: str) -> str:
        """The file: a header comment saying where and when, then the YAML."""
        where = safe_url(upstream)
        _, unreplayed = self.rules()
        secrets = self.secrets()
        keys = self.keys()
        document = self.document(f"Recorded from {where} at {recorded_at}: {len(self.exchanges)} requests.")
        lines = [
            f"# Recorded by portal-mock record from {where} at {recorded_at}.",
            f"# {len(self.exchanges)} requests; keys are mapped to the mock keys below and secrets are {REDACTED}.",
            f"# Replay: portal-mock serve --scenarios <this file's directory> --scenario {self.name}",
            "# (the keys below are bound to this scenario, so requests with them follow it without --scenario).",
        ]
        if unreplayed:
            lines.append("# Not replayable (paths the mock does not serve; serve --proxy can pass them through):")
            lines.extend(f"#   {scrub(line, keys, secrets)}" for line in unreplayed)
        body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)
        return "\n".join(lines) + "\n" + body


def scenario_name(text: str) -> str:
    """A scenario name made of ``text``: letters, digits, ``-``, ``_``, ``.``."""
    name = _NAME.sub("-", text).strip("-._")[:100]
    return name or "recorded"


def safe_url(url: str) -> str:
    """``url`` without credentials, query or fragment: fit for a file header."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _collect_secrets(data: Any, found: set[str]) -> None:
    if isinstance(data, Mapping):
        for name, value in data.items():
            if isinstance(name, str) and secret_name(name) and isinstance(value, str):
                found.add(value)
            else:
                _collect_secrets(value, found)
    elif isinstance(data, list):
        for value in data:
            _collect_secrets(value, found)


def scrub(data: Any, keys: Mapping[str, str], secrets: set[str]) -> Any:
    """``data`` with every field named like a secret (``redaction.secret_name``)
    ``<redacted>``, every real key replaced by its mock key, every other
    secret seen cut out of any string, keys of mappings included, and every
    URL's password masked as the mock's other outputs mask it."""
    if isinstance(data, Mapping):
        cleaned: dict[Any, Any] = {}
        for name, value in data.items():
            shown = scrub(name, keys, secrets)
            if isinstance(name, str) and secret_name(name) and not isinstance(value, Mapping):
                cleaned[shown] = REDACTED
            else:
                cleaned[shown] = scrub(value, keys, secrets)
        return cleaned
    if isinstance(data, list):
        return [scrub(value, keys, secrets) for value in data]
    if isinstance(data, str):
        for real in sorted(secrets, key=len, reverse=True):
            if real in data:
                data = data.replace(real, keys.get(real, REDACTED))
        return redact_text(data)
    return data


def _tracks(seen: Sequence[_Seen]) -> dict[str, _Track]:
    """The tasks whose 202 the session saw, with what their polls showed."""
    tracks: dict[str, _Track] = {}
    for item in seen:
        exchange = item.exchange
        if item.action.queued and exchange.status == 202:
            uuid = _task_uuid(exchange.response_headers.get("location", ""))
            if uuid is not None:
                tracks[uuid] = _Track(exchange.seconds)
        elif item.action.name == "task:show" and exchange.status == 200 and isinstance(exchange.answer, dict):
            track = tracks.get(item.params.get("uuid", "").lower())
            if track is None:
                continue
            track.polls += 1
            status = exchange.answer.get("status")
            if status != "pending" and track.outcome is None:
                track.outcome = str(status)
                track.errors = exchange.answer.get("errors") or None
                track.delay = max(0.0, exchange.seconds - track.accepted)
    return tracks


def _task_uuid(location: str) -> str | None:
    found = _TASK_PATH.match(urlsplit(location).path)
    return found.group(1).lower() if found else None


def _effect(item: _Seen, tracks: Mapping[str, _Track]) -> tuple[dict[str, Any], str]:
    """The rule effect that reproduces one answer, and a few words on it."""
    exchange, action = item.exchange, item.action
    label = f"{action.name} -> {exchange.status}"
    if exchange.upstream_error is not None:
        return {"respond": {"status": exchange.status, "body": exchange.answer}}, f"{label} (upstream {exchange.upstream_error})"
    if action.name == "task:show" and exchange.status == 200 and item.params.get("uuid", "").lower() in tracks:
        return dict(NATURAL), f"{label}, a poll the mock answers from its task"
    if action.queued and exchange.status == 202:
        track = tracks.get(_task_uuid(exchange.response_headers.get("location", "")) or "")
        if track is not None and track.outcome is not None:
            script: dict[str, Any] = {"after": f"{round(track.delay, 3):g}s", "outcome": track.outcome}
            if track.errors:
                script["errors"] = track.errors
            return {"task": script}, f"{label}, task {track.outcome} after {track.delay:.1f}s"
        if track is not None and track.polls:
            return {"task": {"after": "never"}}, f"{label}, task still pending at the last of {track.polls} polls"
        if track is not None:
            return dict(NATURAL), f"{label}, task never polled"
    respond: dict[str, Any] = {"status": exchange.status}
    headers = {name: exchange.response_headers[name.lower()] for name in KEPT_HEADERS if name.lower() in exchange.response_headers}
    if headers:
        respond["headers"] = headers
    if exchange.answer is not None:
        respond["body"] = exchange.answer
    return {"respond": respond}, label


def _candidates(items: Sequence[_Seen], keys: Mapping[str, str]) -> list[str]:
    """Request features whose values differ within a group: path ids, the
    key, top-level scalar body fields (never one named like a secret)."""
    names: list[str] = [f"path:{name}" for name in items[0].params]
    if all(item.exchange.key for item in items):
        names.append("key")
    for item in items:
        if isinstance(item.exchange.body, dict):
            names.extend(f"body:{name}" for name in item.exchange.body if not secret_name(name))
    varying = []
    for name in dict.fromkeys(names):
        values = {json.dumps(_feature(item, name, keys), default=str) for item in items}
        if len(values) > 1:
            varying.append(name)
    return varying[:MAX_CANDIDATES]


def _feature(item: _Seen, name: str, keys: Mapping[str, str]) -> Any:
    kind, _, field_name = name.partition(":")
    if kind == "path":
        return item.params.get(field_name)
    if kind == "key":
        real = item.exchange.key
        return keys.get(real, real) if real else None
    body = item.exchange.body
    value = body.get(field_name, _ABSENT) if isinstance(body, dict) else _ABSENT
    return value if isinstance(value, (str, int, float, bool)) or value is None else json.dumps(value, sort_keys=True)


_ABSENT = "\x00absent"


def _explaining(items: Sequence[_Seen], keys: Mapping[str, str]) -> list[str]:
    """The fewest features whose values split ``items`` into groups that
    share no answer (each group may still be a sequence), the split with
    fewest groups first; none when the answers agree or nothing splits them
    (then the answers are one sequence)."""
    if len({item.answer for item in items}) == 1:
        return []
    candidates = _candidates(items, keys)
    for size in range(1, min(MAX_FEATURES, len(candidates)) + 1):
        splits = []
        for chosen in itertools.combinations(candidates, size):
            answers: dict[str, set[tuple[str, str]]] = {}
            for item in items:
                answers.setdefault(json.dumps([_feature(item, name, keys) for name in chosen], default=str), set()).add(item.answer)
            groups = list(answers.values())
            if sum(map(len, groups)) == len(set().union(*groups)):
                splits.append((len(groups), list(chosen)))
        if splits:
            return min(splits, key=lambda split: split[0])[1]
    return []


def _match(item: _Seen, features: Sequence[str], keys: Mapping[str, str]) -> dict[str, Any]:
    action = item.action
    path = action.path
    for name, value in item.params.items():
        literal = f"path:{name}" in features
        path = path.replace("{" + name + "}", value if literal else "*")
    match: dict[str, Any] = {"action": action.name, "method": item.exchange.method, "path": path}
    if "key" in features:
        match["key"] = _feature(item, "key", keys)
    body: dict[str, Any] = {}
    for name in features:
        if name.startswith("body:"):
            value = _feature(item, name, keys)
            body[name[5:]] = {"present": False} if value == _ABSENT else value
    if body:
        match["body"] = body
    return match


def _sequence(match: dict[str, Any], members: Sequence[_Seen]) -> list[dict[str, Any]]:
    """One rule per run of equal answers, in order, with ``times`` but the
    last; a last run the mock answers by itself needs no rule."""
    runs = [(answer, list(run)) for answer, run in itertools.groupby(members, key=lambda item: item.answer)]
    while runs and runs[-1][0][0] == "latency":
        runs.pop()
    rules = []
    for index, (_, run) in enumerate(runs):
        rule: dict[str, Any] = {"name": run[0].summary, "match": dict(match)}
        if index < len(runs) - 1:
            rule["times"] = len(run)
        rule.update(run[0].effect)
        rules.append(rule)
    return rules
