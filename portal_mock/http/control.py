"""The control API under ``/__mock``: steer a running mock and ask it what
clients did, the way WireMock's admin API is used.

Every operation is described once in ``OPERATIONS`` (method, path, input
schema, answers); the same descriptions drive input validation here and
the OpenAPI document.  Keys never leave the server in full except in the
answer that minted them.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from portal_mock.catalog import PERMISSIONS
from portal_mock.domain.accounts import Account, Key
from portal_mock.domain.clock import CLOCK_PATTERN, LATEST, parse_clock
from portal_mock.domain.errors import Invalid, Problem
from portal_mock.domain.redaction import bearer_token, redact
from portal_mock.domain.tasks import OUTCOMES, STATUSES
from portal_mock.domain.validation import WIRE_INTEGER_MAX, validate, wire_integer
from portal_mock.engine.journal import Entry, verify
from portal_mock.engine.state import MockState
from portal_mock.http import dashboard
from portal_mock.http.bodies import decode, read_body
from portal_mock.http.near_misses import closest
from portal_mock.http.wire import JSON, PortalError, dumps, problem_response
from portal_mock.scenarios.rules import Match, Rule
from portal_mock.scenarios.schema import match_schema

PREFIX = "/__mock"


def addresses(path: str) -> bool:
    """Whether ``path`` is the control plane's, not the Portal's."""
    return path == PREFIX or path.startswith(PREFIX + "/")


_KEY = {"type": "string", "description": "an API key; the operation applies to its account"}
_PATTERN = match_schema()
_PATTERN["properties"]["status"] = {"type": "integer", "description": "the response status, too"}
_STRING = {"type": "string"}
_INTEGER = {"type": "integer", "minimum": -WIRE_INTEGER_MAX, "maximum": WIRE_INTEGER_MAX}
_NUMBER = {"type": "number", "description": "unix seconds"}


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    summary: str
    body: dict[str, Any] | None = None
    query: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: tuple[int, ...] = (200,)
    media_type: str = JSON
    required_query: tuple[str, ...] = ()
    readers: Mapping[str, Callable[[Any], object]] = field(default_factory=dict)
    """Body fields whose grammar a domain parser owns (``clock``:
    ``parse_clock``).  The schema states the grammar for the document; the
    parser's ``ValueError`` words a refusal, so a client reads a sentence
    rather than the schema's regular expression."""


def _body(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    """A control operation's JSON body: these fields and no others, so a
    misspelt one (``senario``) is refused by name instead of ignored."""
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


OPERATIONS: tuple[Operation, ...] = (
    Operation("index", "GET", "/", "Every control operation, with its method and path"),
    Operation("health", "GET", "/health", "Is the server up; which scenario is active"),
    Operation("scenarios", "GET", "/scenarios", "Every scenario, with its description"),
    Operation(
        "set_scenario", "PUT", "/scenario", "Set the server's active scenario, or bind one key to a scenario",
        _body({"name": {"type": "string", "minLength": 1}, "key": _KEY}, "name"), statuses=(200, 404, 422),
    ),
    Operation(
        "mint_key", "POST", "/keys", "A fresh key in a fresh, empty account",
        _body(
            {
                "scenario": {"type": "string", "minLength": 1},
                "permissions": {"type": "array", "items": {"type": "string", "enum": list(PERMISSIONS)}},
                "label": {"type": "string", "minLength": 1, "description": "names the account; seeds its data with the server seed"},
                "seed": {"type": ["integer", "string"]},
                "clock": {"type": "string", "pattern": CLOCK_PATTERN, "description": "real, manual or scaled:K, K a positive number (default: the server's)"},
                "user": {"type": "string", "description": "<name> - <email>"},
            }
        ),
        statuses=(201, 404, 409, 422),
        readers={"clock": parse_clock},
    ),
    Operation(
        "reset", "POST", "/reset", "Start over: every account, or the account of one key",
        _body({"key": _KEY}), statuses=(200, 404, 422),
    ),
    Operation("clock", "GET", "/clock", "Read the clock (the server's, or a key's account's)", query={"key": _STRING}, statuses=(200, 404)),
    Operation(
        "clock_advance", "POST", "/clock/advance", "Move manual clocks forward, resolving what falls due",
        _body({"seconds": {"type": "number", "minimum": 0, "maximum": LATEST}, "key": _KEY}, "seconds"),
        statuses=(200, 404, 409, 422),
    ),
    Operation(
        "clock_set", "POST", "/clock/set", "Set manual clocks to a unix time (never backwards)",
        _body({"time": {"type": "number", "minimum": 0, "maximum": LATEST}, "key": _KEY}, "time"),
        statuses=(200, 404, 409, 422),
    ),
    Operation(
        "tasks", "GET", "/tasks", "Tasks, filtered by key, account or status",
        query={"key": _STRING, "account": _INTEGER, "status": {"enum": list(STATUSES)}}, statuses=(200, 404, 422),
    ),
    Operation(
        "tickets", "GET", "/tickets", "Tickets as ticket:show shows them, filtered by key or account",
        query={"key": _STRING, "account": _INTEGER}, statuses=(200, 404, 422),
    ),
    Operation(
        "resources", "GET", "/resources/{kind}", "Resources of one kind as its show action shows them, filtered by key or account",
        query={"key": _STRING, "account": _INTEGER}, statuses=(200, 404, 422),
    ),
    Operation(
        "resolve_task", "POST", "/tasks/{uuid}/resolve", "Finish a task now",
        _body({"outcome": {"type": "string", "enum": list(OUTCOMES)}, "errors": {"type": "object"}}),
        statuses=(200, 404, 409, 422),
    ),
    Operation(
        "requests", "GET", "/requests", "The request journal, oldest first",
        query={
            "action": _STRING, "key": _STRING, "account": _INTEGER, "status": _INTEGER, "path": _STRING,
            "since": _NUMBER, "until": _NUMBER, "limit": _INTEGER,
        },
        statuses=(200, 422),
    ),
    Operation("clear_requests", "DELETE", "/requests", "Empty the journal"),
    Operation(
        "count_requests", "POST", "/requests/count", "How many journal entries match a pattern, and the nearest misses",
        _PATTERN, query={"key": {"type": "string", "description": "look only at this key's requests, for the count and the misses"}}, statuses=(200, 422),
    ),
    Operation(
        "deliveries", "GET", "/deliveries", "Every webhook delivery attempt of a key's account, oldest first",
        query={"key": {"type": "string", "minLength": 1}}, statuses=(200, 404, 422), required_query=("key",),
    ),
    Operation(
        "accounts", "GET", "/accounts",
        "Every account with its keys (redacted, each with a ref that stands for it in any call taking a key), clock, resource counts and task timeline",
    ),
    Operation("openapi_json", "GET", "/openapi.json", "This server's OpenAPI document"),
    Operation("openapi_yaml", "GET", "/openapi.yaml", "This server's OpenAPI document, as YAML", media_type="application/yaml"),
)
BY_NAME = {operation.name: operation for operation in OPERATIONS}


class ControlError(PortalError):
    """A control API error: a JSON reason, without the vendor's headers."""

    def response(self) -> Response:
        return json_response(self.body, self.status, self.headers)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(payload), status_code=status, headers=headers, media_type=JSON)


async def _input(request: Request, operation: Operation) -> dict[str, Any]:
    if operation.body is None:
        return {}
    try:
        data = decode(await read_body(request), "application/json", operation.body)
    except PortalError as error:
        raise ControlError(error.status, error.body["message"], error.body.get("errors")) from None
    return checked(operation, data)


def checked(operation: Operation, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` if it fits the operation's input schema, else ``Invalid``
    naming every bad field.  The in-process fixture checks its minting
    with it too, so it refuses what ``POST /keys`` refuses, in its words."""
    errors = _pattern_errors(data) if operation.body is _PATTERN else validate(operation.body or {}, data)
    for name, read in operation.readers.items():
        if isinstance(data.get(name), str):
            try:
                read(data[name])
            except ValueError as error:
                errors[name] = [str(error)]
    if errors:
        raise Invalid(errors, "The control request was invalid.")
    return data


def _pattern_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """A verification pattern is a scenario ``match``: checked by the same
    JSON Schema that checks scenario files."""
    import jsonschema  # type: ignore[import-untyped]

    errors: dict[str, list[str]] = {}
    for error in jsonschema.Draft202012Validator(_PATTERN).iter_errors(data):
        if error.validator == "additionalProperties":
            for extra in sorted(set(error.instance) - set(error.schema.get("properties", {}))):
                errors.setdefault(".".join(map(str, [*error.absolute_path, extra])), []).append("Unknown field.")
            continue
        field = ".".join(map(str, error.absolute_path)) or "pattern"
        errors.setdefault(field, []).append(error.message)
    return errors


def _param(request: Request, name: str) -> str | None:
    """A query parameter; an empty one is a value, as on the Portal's lists
    (``account=`` is not an integer, ``key=`` no key).  Each is given once:
    of ``since=x&since=``, neither is the right one."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ControlError(422, f"Give {name} once, not {len(values)} times.")
    return values[0] if values else None


def _int_param(request: Request, name: str) -> int | None:
    raw = _param(request, name)
    if raw is None:
        return None
    number = wire_integer(raw)
    if number is None:
        raise ControlError(422, f"{name} must be an integer, not {raw[:40]!r}.")
    return number


def _float_param(request: Request, name: str) -> float | None:
    raw = _param(request, name)
    if raw is None:
        return None
    try:
        value = float(raw)
        if value != value:
            raise ValueError(raw)
        return value
    except ValueError:
        raise ControlError(422, f"{name} must be a number of unix seconds, not {raw!r}.") from None


def _clock_view(account: Account) -> dict[str, Any]:
    return {"account": account.id, **account.clock.describe()}


def _clocks(accounts: Iterable[Account]) -> dict[str, Any]:
    return {"clocks": [_clock_view(a) for a in accounts]}


async def index(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    """``GET /__mock``: what a person who opens the control plane can do."""
    return {"operations": [{"method": op.method, "path": PREFIX + op.path, "summary": op.summary} for op in OPERATIONS]}


async def health(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    """``reload_error``: why the last edit of the scenario files is not being
    served; ``finished_tasks``: the bounded history of finished tasks."""
    history = state.registry.history
    return {
        "status": "ok",
        "scenario": state.active,
        "uptime": round(time.monotonic() - state.started, 3),
        "reload_error": state.reload_error,
        "finished_tasks": {"kept": len(history), "dropped": history.dropped, "bytes": history.bytes, "capacity_bytes": history.capacity_bytes},
    }


async def scenarios(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    """``hits``: each rule, in order, with how many requests it decided since
    the journal was last emptied."""
    return [
        {
            "name": s.name, "description": s.description, "origin": s.origin, "active": s.name == state.active, "rules": len(s.rules),
            "hits": [{"rule": rule.label, "does": _does(rule), "hits": state.journal.hits[s.name, rule.label]} for rule in s.rules],
        }
        for s in (state.catalog.scenarios[name] for name in state.catalog.names)
    ]


def _does(rule: Rule) -> str:
    """A rule in a few words, for the dashboard: what it matches, what it does."""
    match = rule.match
    words = [", ".join(sorted(match.actions)) if match.actions else " ".join(filter(None, (match.method, match.path))) or "any request"]
    if rule.respond is not None:
        words.append(f"→ {rule.respond.status}")
    if rule.task is not None:
        words.append(f"→ task {rule.task.outcome}")
    if rule.fault is not None:
        words.append(f"→ {rule.fault.kind}")
    if rule.latency is not None:
        words.append("(delayed)")
    return " ".join(words)


async def set_scenario(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    """With a ``key``, only that key's requests follow the scenario (as if it
    had been minted bound to it); the server's active scenario stays."""
    if "key" in data:
        key = state.bind_scenario(data["key"], data["name"])
        return {"key": redact(key.token), "scenario": key.scenario}
    state.set_active(data["name"])
    return {"active": state.active}


async def mint_key(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    key = state.mint_key(
        label=data.get("label"),
        seed=data.get("seed"),
        clock=data.get("clock"),
        scenario=data.get("scenario"),
        permissions=data.get("permissions", PERMISSIONS),
        user=data.get("user"),
    )
    return json_response(minted(key), 201)


def minted(key: Key) -> dict[str, Any]:
    """The answer to ``POST /keys``: the one time a key leaves the server in
    full.  The in-process fixture renders its keys with it too."""
    return {
        "key": key.token,
        "account": key.account.id,
        "label": key.account.label,
        "scenario": key.scenario,
        "permissions": sorted(key.permissions),
        "user": key.user.to_reference(),
        "clock": key.account.clock.describe(),
    }


async def reset(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    if "key" in data:
        return {"reset": "account", "account": state.reset_account(data["key"]).id}
    state.reset()
    return {"reset": "everything"}


async def clock(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    token = _param(request, "key")
    if token is not None:
        return _clock_view(state.key_of(token).account)
    return {**_clocks(state.accounts()), "server": state.settings.clock.kind}


async def clock_advance(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    return _clocks(await state.advance(float(data["seconds"]), data.get("key")))


async def clock_set(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    return _clocks(await state.set_clock(float(data["time"]), data.get("key")))


async def tasks(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    status = _param(request, "status")
    if status is not None and status not in STATUSES:
        raise ControlError(422, f"status must be {', '.join(STATUSES)}; not {status!r}.")
    found = state.tasks(_param(request, "key"), _int_param(request, "account"), status)
    return [{"account": account.id, **task.to_dict()} for account, task in found]


async def tickets(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    found = state.tickets(_param(request, "key"), _int_param(request, "account"))
    return [{"account": account.id, **ticket.to_dict()} for account, ticket in found]


async def resources(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    found = state.resources(request.path_params["kind"], _param(request, "key"), _int_param(request, "account"))
    return [{"account": account.id, **record} for account, record in found]


async def resolve_task(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    account, task = await state.resolve_task(request.path_params["uuid"], data.get("outcome", "success"), data.get("errors"))
    return {"account": account.id, **task.to_dict()}


async def requests(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    account = _int_param(request, "account")
    status = _int_param(request, "status")
    limit = _int_param(request, "limit")
    entries = state.journal.select(
        action=_param(request, "action"),
        key=_param(request, "key"),
        account=account,
        status=status,
        path=_param(request, "path"),
        since=_float_param(request, "since"),
        until=_float_param(request, "until"),
    )
    if limit is not None:
        entries = entries[-limit:] if limit > 0 else []
    journal = state.journal
    return {
        "requests": [_entry_view(e) for e in entries],
        "total": len(entries),
        "dropped": journal.dropped,
        "capacity": journal.size,
        "bytes": journal.bytes,
        "capacity_bytes": journal.capacity_bytes,
    }


def _entry_view(entry: Entry) -> dict[str, Any]:
    """A journal entry; a 404 for a path the Portal does not serve adds the
    endpoints it probably meant, as its answer named them."""
    shown = entry.to_dict()
    if entry.status == 404 and entry.action is None and entry.rule is None:
        shown["near_misses"] = closest(entry.method, entry.path)
    return shown


async def clear_requests(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    state.journal.clear()
    return {"cleared": True}


async def count_requests(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    spec = {name: value for name, value in data.items() if name != "status"}
    try:
        pattern = Match.parse(spec)
    except (ValueError, TypeError) as error:
        raise ControlError(422, f"Bad pattern: {error}.") from None
    token = _param(request, "key")
    entries = state.journal.select(key=token) if token is not None else state.journal
    return verify(entries, pattern, data.get("status"))


async def deliveries(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    token = _param(request, "key")
    if not token:
        raise ControlError(422, "Name the account: ?key=<its API key>.")
    return [attempt.to_dict() for attempt in state.deliveries_of(token)]


async def accounts(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    return {"accounts": [_account_view(state, account, keys) for account, keys in state.overview()], "active": state.active}


def _account_view(state: MockState, account: Account, keys: list[Key]) -> dict[str, Any]:
    return {
        "account": account.id,
        "label": account.label,
        "clock": account.clock.describe(),
        "keys": [
            {"key": redact(key.token), "ref": state.key_ref(key), "scenario": key.scenario, "permissions": sorted(key.permissions)}
            for key in keys
        ],
        "counts": {"tickets": len(account.tickets), "webhooks": len(account.webhooks), "tasks": len(account.tasks)},
        "tasks": [
            {
                "uuid": task.uuid, "action": task.action, "status": task.status, "queued_at": task.created_at, "due_at": task.resolve_at,
                "resolved_at": task.resolved_at, "after_polls": task.plan.after_polls, "polls": task.polls,
            }
            for task in account.tasks.values()
        ],
    }


async def openapi_json(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    from portal_mock.http.openapi import openapi

    return openapi(admin=True)


async def openapi_yaml(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    import yaml

    from portal_mock.http.openapi import openapi

    return Response(yaml.safe_dump(openapi(admin=True), sort_keys=False), media_type="application/yaml")


Handler = Callable[[Request, MockState, dict[str, Any]], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {
    "index": index,
    "health": health,
    "scenarios": scenarios,
    "set_scenario": set_scenario,
    "mint_key": mint_key,
    "reset": reset,
    "clock": clock,
    "clock_advance": clock_advance,
    "clock_set": clock_set,
    "tasks": tasks,
    "tickets": tickets,
    "resources": resources,
    "resolve_task": resolve_task,
    "requests": requests,
    "clear_requests": clear_requests,
    "count_requests": count_requests,
    "deliveries": deliveries,
    "accounts": accounts,
    "openapi_json": openapi_json,
    "openapi_yaml": openapi_yaml,
}


Endpoint = Callable[[Request], Awaitable[Response]]


def _endpoint(operation: Operation) -> Endpoint:
    handler = HANDLERS[operation.name]

    async def serve(request: Request) -> Response:
        state: MockState = request.app.state.mock
        try:
            token = state.settings.admin_token
            if token:
                given = bearer_token(request.headers.get("authorization", ""))
                if given is None or not hmac.compare_digest(given.encode(), token.encode()):
                    raise ControlError(401, "The control API needs 'Authorization: Bearer <admin token>'.")
            result = await handler(request, state, await _input(request, operation))
        except ControlError as error:
            return error.response()
        except Problem as problem:
            return problem_response(problem, control=True)
        return result if isinstance(result, Response) else json_response(result)

    serve.__name__ = operation.name
    return serve


def _by_method(endpoints: dict[str, Endpoint]) -> Endpoint:
    """One endpoint per path, dispatching on the method: Starlette answers a
    wrong method with the ``Allow`` of the first route whose path matched,
    so two routes on one path would each claim only their own method."""
    if len(endpoints) == 1:
        return next(iter(endpoints.values()))

    async def dispatch(request: Request) -> Response:
        return await endpoints["GET" if request.method == "HEAD" else request.method](request)

    return dispatch


def routes() -> Mount:
    """The control plane, mounted under its prefix."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for operation in OPERATIONS:
        by_path.setdefault(operation.path, {})[operation.method] = _endpoint(operation)
    operations: list[BaseRoute] = [Route(path, _by_method(methods), methods=list(methods)) for path, methods in by_path.items()]
    return Mount(PREFIX, routes=operations + dashboard.routes(PREFIX))
