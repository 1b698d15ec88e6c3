"""The Portal's ``/v1`` endpoints: find the action, consult the scenario,
check, and hand over to the domain.

For every request, in order: the action is found (one table walk, 404 or
405 otherwise), the body is read (POST only), the scenario decides (a forced
response, a task script, latency, a fault), then — unless a response was
forced — authentication (401), permission (403), the addressed object (404)
and the body (413, 415, 422).  A scripted rule's state effects (its
counters, the task it creates) happen before its latency is served, so a
fast retry never sees stale state.

Requests are read straight from the ASGI scope and answered with a
``Reply``: no Starlette request or response object is built on this path,
which is the busiest in the mock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from starlette.types import Receive, Scope

from portal_mock.catalog import ACTIONS, KINDS
from portal_mock.catalog.model import CREATED, IMMEDIATE, LIST, PUBLIC, QUEUED, SHOW, Action
from portal_mock.domain.accounts import Key
from portal_mock.domain.errors import Invalid, NotFound, Problem
from portal_mock.domain.listing import Ordered, parse, select
from portal_mock.domain.redaction import bearer_token
from portal_mock.domain.shapes import Ref, lookup, references
from portal_mock.domain.tasks import API_VERSION, Task, TaskPlan
from portal_mock.domain.validation import clean, validate
from portal_mock.domain.webhooks import is_loopback
from portal_mock.engine.journal import SentBody
from portal_mock.engine.state import MockState
from portal_mock.http.bodies import decode, read_stream
from portal_mock.http.control import PREFIX as CONTROL_PREFIX
from portal_mock.http.dispatch import Found, Table, WrongMethod
from portal_mock.http.near_misses import closest
from portal_mock.http.record import RequestRecord
from portal_mock.http.wire import PortalError, Reply, error_body, problem_reply, reply
from portal_mock.scenarios.rules import Decision, RequestFacts

if TYPE_CHECKING:
    from portal_mock.recording.proxy import Upstream

MAX_ID_DIGITS = 18
"""Ids longer than this name nothing the mock could have made."""


@dataclass
class Call:
    """One request on its way through: what handlers need, read once."""

    state: MockState
    action: Action
    facts: RequestFacts
    params: dict[str, str]
    key: Key | None
    decision: Decision | None
    body_error: PortalError | None = None

    def authenticated(self) -> Key:
        if self.key is None:
            raise PortalError(401, None if self.facts.key else "Send your API key as 'Authorization: Bearer <key>'.")
        if self.action.permission and self.action.permission not in self.key.permissions:
            raise PortalError(403, f"This API key lacks the {self.action.permission!r} permission.")
        return self.key

    def input(self) -> dict[str, Any]:
        """The validated input of a queued action."""
        if self.body_error is not None:
            raise self.body_error
        schema = self.action.body or {}
        data = dict(self.facts.body or {})
        errors = validate(schema, data)
        if errors:
            raise Invalid(errors)
        return clean(schema, data)

    def read(self) -> dict[str, Any]:
        """What an immediate action was given: its body, or a GET's query
        and path values; checked against the declared input when there is one."""
        if self.facts.method in ("GET", "HEAD"):
            given = {**dict(parse_qsl(self.facts.query_string)), **self.params}
            if self.action.body is not None:
                errors = validate(self.action.body, given)
                if errors:
                    raise Invalid(errors)
            return given
        return self.input() if self.action.body is not None else {}

    def plan(self) -> TaskPlan:
        return self.decision.plan if self.decision and self.decision.plan else self.state.default_plan()

    def id(self, name: str, noun: str) -> int:
        """The path's ``{name}``: a positive integer, or a 422 naming it; one
        too long to be any object's is simply not found."""
        raw = self.params[name]
        if not (raw.isascii() and raw.isdigit()) or raw.strip("0") == "":
            raise Invalid({name: ["Must be a positive integer."]}, f"The {noun} id must be a positive integer.")
        if len(raw.lstrip("0")) > MAX_ID_DIGITS:
            raise NotFound.of(noun)
        return int(raw)

    def addressed(self, key: Key) -> tuple[int | None, dict[str, int]]:
        """The ids the path names, each checked to exist now (404 otherwise):
        the action's own record (``{id}``) and the others by placeholder."""
        target, others = None, {}
        found: dict[str, Any] = {}
        for name, kind in self.action.targets.items():
            declared = KINDS.get(kind)
            if declared is not None and declared.key != "id":
                found[name] = key.account.collection(kind).find(declared.key, self.params[name])
                id = found[name]["id"] if found[name] is not None else 0
            else:
                id = self.id(name, kind)
                found[name] = key.account.collection(kind).get(id)
            if found[name] is None:
                raise NotFound.of(kind)
            if name == "id" or (kind == self.action.resource and declared is not None and name == declared.key):
                target = id
            else:
                others[name] = id
        for child, field, parent in _NESTING.get(self.action.name, ()):
            if lookup(found[child], f"{field}.id") != found[parent]["id"]:
                # A stencil of another site is not under this one.
                raise NotFound.of(self.action.targets[child])
        return target, others

    def one(self, key: Key, store: Any) -> Any:
        """The record a show or immediate action answers about: the one the
        path names; else the one under the parent the path names (a site's
        EADN account); else the account's first (``client:self``)."""
        target, others = self.addressed(key)
        if target is not None:
            return store.get(target)
        declared = KINDS.get(self.action.resource or "")
        for name, id in others.items():
            if declared is not None and declared.parent and _PARENT_KINDS.get(declared.name) == self.action.targets[name]:
                return next((record for record in store.all() if lookup(record, f"{declared.parent}.id") == id), None)
        return store.first()

    def listed(self, store: Ordered, parent: tuple[str, int] | None = None) -> Reply:
        """A list endpoint's answer: the requested page and its ``Content-Range``."""
        fields = self.action.fields
        query = parse(parse_qsl(self.facts.query_string, keep_blank_values=True), tuple(fields), self.action.sortable)
        if parent is not None:
            query.filters[f"{parent[0]}.id"] = str(parent[1])
        page = select(store, query, lambda item, name: lookup(item, fields.get(name, name)))
        return reply(page.items, headers={"Content-Range": page.content_range})


def accepted(task: Task) -> Reply:
    """202 with the task as just queued, whatever the clock says since."""
    return reply(task.to_dict(pending=True), 202, {"Location": task.path})


async def task_show(call: Call, key: Key) -> Reply:
    task = key.account.poll(call.params["uuid"])
    if task is None:
        raise NotFound.of("task")
    return reply(task.to_dict())


def kind_of(action: Action) -> str:
    assert action.resource is not None, f"{action.name} declares no resource"
    return action.resource


async def show(call: Call, key: Key) -> Reply:
    """A show endpoint's answer: the record at the path's id (or the
    account's one record of a kind without ids), or a 404."""
    kind = kind_of(call.action)
    store = key.account.collection(kind)
    found = call.one(key, store)
    if found is None:
        raise NotFound.of(kind)
    return reply(store.render(found))


async def listed(call: Call, key: Key) -> Reply:
    """A list endpoint: the kind's records, or a parent's children when
    the path names the parent (a zone's records)."""
    kind = kind_of(call.action)
    _, others = call.addressed(key)
    parent = None
    if others:
        declared = KINDS[kind].parent
        assert declared is not None, f"{call.action.name} is nested but {kind} declares no parent"
        parent = (declared, next(iter(others.values())))
    return call.listed(key.account.collection(kind), parent)


async def immediate(call: Call, key: Key) -> Reply:
    """200 at once: the action's ``returns`` drawn fresh around the
    addressed record (or the record itself).  A GET's declared input is
    its query and path values."""
    action = call.action
    subject = None
    if action.resource is not None:
        store = key.account.collection(action.resource)
        subject = call.one(key, store)
        if subject is None:
            raise NotFound.of(action.resource)
        if action.returns is None:
            return reply(store.render(subject))
    given = call.read()
    assert action.returns is not None, f"{action.name} returns nothing"
    return reply(key.account.world.answer(action.returns, given, subject))


async def queue(call: Call, key: Key) -> Reply:
    """Every queued action: check what the path names exists now, validate
    the input and the ids it names, and accept a task whose effect runs
    when it resolves."""
    target, others = call.addressed(key)
    input = call.input()
    check_references(call.action, key, input)
    task = key.account.queue(call.action.name, input, key.user, call.plan(), target, others)
    return accepted(task)


async def created(call: Call, key: Key) -> Reply:
    """201 at once: the effect runs during the request."""
    return reply(make(call, key), 201)


def make(call: Call, key: Key) -> dict[str, Any]:
    """Run a created action's effect now; the record it made, rendered."""
    target, others = call.addressed(key)
    input = call.input()
    check_references(call.action, key, input)
    effect = key.account.blueprint.effects[call.action.name]
    task = key.account.immediate(call.action.name, input, key.user, target, others)
    produced = effect(key.account, task, task.created_at)
    assert produced is not None
    store = key.account.collection(kind_of(call.action))
    rendered: dict[str, Any] = store.render(store.get(produced["id"]))
    return rendered


def check_references(action: Action, key: Key, input: dict[str, Any]) -> None:
    """422 for an input id that names nothing on the account (a
    ``package_id`` of another customer's package)."""
    named = _REFERENCES.get(action.name)
    if not named:
        return
    errors: dict[str, list[str]] = {}
    for name, kind in named.items():
        wanted = input.get(name)
        for one in wanted if isinstance(wanted, list) else [wanted]:
            if one is not None and not (isinstance(one, int) and key.account.collection(kind).get(one) is not None):
                errors.setdefault(name, []).append(f"No {kind} {one} on this account.")
    if errors:
        raise Invalid(errors)


async def api_token_add(call: Call, key: Key) -> Reply:
    """Make the record, and a working key of the account to go with it;
    the token is in this answer only, as the vendor shows it once."""
    record = make(call, key)
    issued = call.state.issue_key(key.account, key.user, token_id=record["id"])
    return reply({**record, "token": issued.token}, 201)


async def auth_login(call: Call, key: Key) -> Reply:
    """A key for the user an email names, in whichever account knows it
    (any password: the mock keeps none); 401 for an email nobody has."""
    given = call.input()
    found = call.state.registry.find_user(given["username"])
    if found is None:
        raise PortalError(401, "Unknown username or password.")
    account, person = found
    issued = call.state.issue_key(account, person)
    body = {"authorization": issued.token, "user": person.to_reference(), "client": account.client_reference()}
    return reply(body, headers={"Authorization": f"Bearer {issued.token}"})


_REFERENCES = {action.name: references(KINDS[action.resource].shape) for action in ACTIONS if action.resource in KINDS}
"""Each action's input fields that name another resource, by the kind named."""


def _nesting(action: Action) -> list[tuple[str, str, str]]:
    """``(child placeholder, its parent field, parent placeholder)`` for each
    record the path names under its parent (``/v1/site/{account_id}/stencil/{id}``)."""
    nested = []
    for child, kind in action.targets.items():
        declared = KINDS.get(kind)
        field = declared.parent if declared is not None else None
        for parent, other in action.targets.items():
            if field is not None and parent != child and other == _PARENT_KINDS.get(kind):
                nested.append((child, field, parent))
    return nested


_PARENT_KINDS = {
    kind.name: leaf.kind for kind in KINDS.values() if kind.parent and isinstance(leaf := kind.shape.get(kind.parent), Ref)
}
"""Each nested kind → the kind of its parent."""

_NESTING = {action.name: nesting for action in ACTIONS if (nesting := _nesting(action))}
"""Each action whose path names a record under its parent, checked on every request, so worked out once."""


async def webhook_add(call: Call, key: Key) -> Reply:
    """Queue like any action, and from now on have the account's tasks
    settled on time, so webhooks fire without the client polling."""
    answer = await queue(call, key)
    call.state.deliveries.activate(key.account)
    return answer


Handler = Callable[[Call, Key], Awaitable[Reply]]
async def datashare_open(call: Call, key: Key) -> Reply:
    """The secret, and one use counted: a share is gone once it has been
    opened ``max_uses`` times or its expiration date has passed, as the
    vendor deletes it then (a 404 from then on)."""
    target, _ = call.addressed(key)
    assert target is not None
    world = key.account.world
    share = world.records("datashare").get(target)
    assert share is not None
    if share["expiration_date"] <= key.account.clock.now():
        world.delete("datashare", target)
        raise NotFound.of("datashare")
    assert call.action.returns is not None
    answer = world.answer(call.action.returns, {}, share)
    share["uses"] += 1
    if share["uses"] >= share["max_uses"]:
        world.delete("datashare", target)
    else:
        world.records("datashare").changed()
    return reply(answer)


HANDLERS: dict[str, Handler] = {
    "task:show": task_show,
    "webhook:add": webhook_add,
    "api-token:add": api_token_add,
    "auth:login": auth_login,
    "datashare:open": datashare_open,
}
"""Actions whose answer is not their mode's."""
BY_MODE: dict[str, Handler] = {LIST: listed, SHOW: show, QUEUED: queue, IMMEDIATE: immediate, CREATED: created}


def forced(decision: Decision) -> Reply:
    """The response a rule (or ``Prefer: code=``) dictates; the vendor-style
    error body when the rule gives a status only."""
    respond = decision.respond
    assert respond is not None
    headers = dict(respond.headers)
    if decision.retry_after is not None:
        headers.setdefault("Retry-After", str(decision.retry_after))
    if respond.status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    body = respond.body if respond.has_body else (error_body(respond.status) if respond.status >= 400 else {})
    return reply(body, respond.status, headers)


def request_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Header names lower-cased (as ASGI servers give them); the first of a
    repeated header wins, as Starlette's ``Headers`` reads it."""
    headers: dict[str, str] = {}
    for name, value in raw:
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return headers


def media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").partition(";")[0].strip().lower()


class Portal:
    """Every served action, behind one dispatch table."""

    def __init__(self, state: MockState) -> None:
        self.state = state
        admin = state.settings.admin
        self.index = {
            "name": "portal-mock",
            "api": "/v1",
            "api_version": API_VERSION,
            "control": CONTROL_PREFIX if admin else None,
            "openapi": f"{CONTROL_PREFIX}/openapi.json" if admin else None,
        }
        """``GET /``: where things are, for a person who opens the server's URL."""
        self._anonymous: Key | None = None
        self.upstream = _upstream(state.settings.proxy, state.settings.remote_proxy)
        """``serve --proxy``: where requests no action serves go instead of a 404/405."""
        self.table: Table[tuple[Action, Handler]] = Table(
            (action.method, action.path, (action, HANDLERS.get(action.name) or BY_MODE[action.mode])) for action in ACTIONS
        )

    async def answer(self, scope: Scope, receive: Receive, record: RequestRecord) -> Reply:
        """The answer to one Portal request, with ``record`` filled in.
        Unexpected exceptions propagate: the layer above turns them into a
        500 and journals them."""
        method, path = scope["method"], scope["path"]
        found = self.table.find(method, path)
        if not isinstance(found, Found):
            if path == "/" and method in ("GET", "HEAD"):
                return reply(self.index)
            if self.upstream is not None:
                return await self.proxied(scope, receive, record)
            return unrouted(method, path, found)
        action, handler = found.endpoint
        record.action = action.name
        state = self.state
        headers = request_headers(scope["headers"])
        token = bearer_token(headers.get("authorization", ""))
        key = state.registry.lookup(token) if token else None
        record.key = token
        if key is not None:
            record.account = key.account.id
        facts = RequestFacts(method, path, action.name, action.queued, token, headers, record.query)
        body_error = None
        if action.body is not None and method != "GET":
            try:
                facts.body = await _read_body(receive, headers, record, action.body or {})
            except PortalError as error:
                body_error = error
        record.body = facts.body
        decision = None
        try:
            decision = record.decision = state.decide(facts, key)
            if decision is not None and decision.respond is not None:
                return forced(decision)
            call = Call(state, action, facts, found.params, key, decision, body_error)
            if action.permission == PUBLIC:
                return await self.public(call, handler)
            key = call.authenticated()
            key.account.settle()
            return await handler(call, key)
        except PortalError as error:
            return error.reply()
        except Problem as problem:
            return problem_reply(problem)
        finally:
            if decision is not None and decision.latency:
                await asyncio.sleep(decision.latency)


    async def public(self, call: Call, handler: Handler) -> Reply:
        """An action anyone may call: with a valid key it acts for that key's
        account; without one, for an account of no customer, made on first need."""
        key = call.key
        if key is None:
            if self._anonymous is None:
                self._anonymous = self.state.anonymous_key()
            key = self._anonymous
        key.account.settle()
        return await handler(call, key)

    async def proxied(self, scope: Scope, receive: Receive, record: RequestRecord) -> Reply:
        """A request no action serves, answered by the ``--proxy`` upstream
        and journaled as proxied (with its key, redacted as always)."""
        assert self.upstream is not None
        headers = request_headers(scope["headers"])
        record.proxied = True
        record.key = bearer_token(headers.get("authorization", ""))
        try:
            body = await read_stream(receive, headers.get("content-length"))
        except PortalError as error:
            return error.reply()
        forwarded = await self.upstream.forward(scope["method"], scope["path"], record.query, scope["headers"], body)
        return forwarded.reply()


async def _read_body(receive: Receive, headers: Mapping[str, str], record: RequestRecord, schema: dict[str, Any]) -> dict[str, Any]:
    """The request's decoded body, measured for the journal into ``record``
    as it is read; the raw bytes live only as long as this call."""
    raw = await read_stream(receive, headers.get("content-length"))
    record.sent = SentBody.of(raw)
    return decode(raw, media_type(headers), schema)


def _upstream(url: str | None, remote: bool) -> Upstream | None:
    """The pass-through upstream, refused off loopback unless allowed: a
    test run must not reach a real Portal by accident."""
    if url is None:
        return None
    host = urlsplit(url).hostname or ""
    if not remote and not is_loopback(host):
        raise ValueError(f"--proxy {url} is not on loopback; give --remote-proxy to pass requests through to it")
    from portal_mock.recording.proxy import Upstream

    return Upstream(url)


def unrouted(method: str, path: str, found: WrongMethod | None) -> Reply:
    """404 (with the nearest endpoints) or 405 (with ``Allow``) for a
    request no action takes."""
    if isinstance(found, WrongMethod):
        allowed = ", ".join(found.allowed)
        return PortalError(405, f"{method} is not allowed on {path}; use {allowed}.", headers={"Allow": allowed}).reply()
    hint = "" if path.startswith("/v1/") or path == "/v1" else " The Portal's endpoints are under /v1."
    return PortalError(404, f"No endpoint at {method} {path}.{hint}", extra={"near_misses": closest(method, path)}).reply()
