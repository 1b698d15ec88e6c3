"""The control API under ``/__mock``: steer a running mock and ask it what
clients did, the way WireMock's admin API is used.

Every operation is described once in ``OPERATIONS`` (method, path, input
schema, answers); the same descriptions drive input validation here and
the OpenAPI document.  Keys never leave the server in full except in the
answer that minted them.
"""

from __future__ import annotations

import hmac
import re
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal_mock.domain.accounts import ALL_PERMISSIONS, Account, Key
from portal_mock.domain.clock import ManualClock, parse_clock
from portal_mock.domain.errors import Problem
from portal_mock.domain.redaction import redact
from portal_mock.domain.tasks import OUTCOMES
from portal_mock.domain.validation import validate
from portal_mock.engine.journal import verify
from portal_mock.engine.state import MockState
from portal_mock.http.bodies import decode, read_body
from portal_mock.http.routing import grouped
from portal_mock.http.wire import JSON, PortalError, dumps, problem_response
from portal_mock.scenarios.rules import Match
from portal_mock.scenarios.schema import match_schema

PREFIX = "/__mock"
CLOCK_PATTERN = r"^(real|manual|scaled:([1-9][0-9]*(\.[0-9]+)?|0?\.[0-9]*[1-9][0-9]*))$"

_KEY = {"type": "string", "description": "an API key; the operation applies to its account"}
_PATTERN = match_schema()
_PATTERN["properties"]["status"] = {"type": "integer", "description": "the response status, too"}
_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
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


OPERATIONS: tuple[Operation, ...] = (
    Operation("health", "GET", "/health", "Is the server up; which scenario is active"),
    Operation("scenarios", "GET", "/scenarios", "Every scenario, with its description"),
    Operation(
        "set_scenario", "PUT", "/scenario", "Set the server's active scenario, or bind one key to a scenario",
        {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}, "key": _KEY}}, statuses=(200, 404, 422),
    ),
    Operation(
        "mint_key", "POST", "/keys", "A fresh key in a fresh, empty account",
        {
            "type": "object",
            "properties": {
                "scenario": {"type": "string", "minLength": 1},
                "permissions": {"type": "array", "items": {"type": "string", "enum": list(ALL_PERMISSIONS)}},
                "label": {"type": "string", "minLength": 1, "description": "names the account; seeds its data with the server seed"},
                "seed": {"type": ["integer", "string"]},
                "clock": {"type": "string", "pattern": CLOCK_PATTERN, "description": "real, manual or scaled:K (default: the server's)"},
                "user": {"type": "string", "description": "<name> - <email>"},
            },
        },
        statuses=(201, 404, 409, 422),
    ),
    Operation(
        "reset", "POST", "/reset", "Start over: every account, or the account of one key",
        {"type": "object", "properties": {"key": _KEY}}, statuses=(200, 404, 422),
    ),
    Operation("clock", "GET", "/clock", "Read the clock (the server's, or a key's account's)", query={"key": _STRING}, statuses=(200, 404)),
    Operation(
        "clock_advance", "POST", "/clock/advance", "Move manual clocks forward, resolving what falls due",
        {"type": "object", "required": ["seconds"], "properties": {"seconds": {"type": "number", "minimum": 0}, "key": _KEY}},
        statuses=(200, 404, 409, 422),
    ),
    Operation(
        "clock_set", "POST", "/clock/set", "Set manual clocks to a unix time (never backwards)",
        {"type": "object", "required": ["time"], "properties": {"time": {"type": "number", "minimum": 0}, "key": _KEY}},
        statuses=(200, 404, 409, 422),
    ),
    Operation(
        "tasks", "GET", "/tasks", "Tasks, filtered by key, account or status",
        query={"key": _STRING, "account": _INTEGER, "status": {"enum": ["pending", *OUTCOMES]}}, statuses=(200, 404, 422),
    ),
    Operation(
        "tickets", "GET", "/tickets", "Tickets as ticket:show shows them, filtered by key or account",
        query={"key": _STRING, "account": _INTEGER}, statuses=(200, 404, 422),
    ),
    Operation(
        "resolve_task", "POST", "/tasks/{uuid}/resolve", "Finish a task now",
        {"type": "object", "properties": {"outcome": {"type": "string", "enum": list(OUTCOMES)}, "errors": {"type": "object"}}},
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
    Operation("openapi_json", "GET", "/openapi.json", "This server's OpenAPI document"),
    Operation("openapi_yaml", "GET", "/openapi.yaml", "This server's OpenAPI document, as YAML", media_type="application/yaml"),
)

_MINT_KEY = next(op for op in OPERATIONS if op.name == "mint_key")


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
        raise ControlError(error.status, error.body["message"]) from None
    errors = _pattern_errors(data) if operation.body is _PATTERN else validate(operation.body, data)
    if errors:
        raise ControlError(422, "The control request was invalid.", errors)
    return data


def _pattern_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """A verification pattern is a scenario ``match``: checked by the same
    JSON Schema that checks scenario files."""
    import jsonschema

    errors: dict[str, list[str]] = {}
    for error in jsonschema.Draft202012Validator(_PATTERN).iter_errors(data):
        field = ".".join(map(str, error.absolute_path)) or "pattern"
        errors.setdefault(field, []).append(error.message)
    return errors


def _key_of(state: MockState, token: str) -> Key:
    key = state.registry.lookup(token)
    if key is None:
        raise ControlError(404, f"No such key {redact(token)}.")
    return key


def _account_of(state: MockState, token: str) -> Account:
    return _key_of(state, token).account


def _accounts(request: Request, state: MockState) -> list[Account]:
    """The accounts a listing covers: every one, or those its ``key`` and
    ``account`` query parameters name."""
    token = _param(request, "key")
    account_id = _int_param(request, "account")
    accounts = [_account_of(state, token)] if token is not None else list(state.registry.accounts.values())
    if account_id is not None:
        accounts = [a for a in accounts if a.id == account_id]
    return accounts


def _param(request: Request, name: str) -> str | None:
    """A query parameter; empty counts as absent, as on the Portal's lists."""
    return request.query_params.get(name) or None


def _int_param(request: Request, name: str) -> int | None:
    raw = _param(request, name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ControlError(422, f"{name} must be an integer, not {raw!r}.") from None


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


def _manual_clocks(state: MockState, data: dict[str, Any]) -> list[Account]:
    """The accounts a clock operation moves: one key's, or every account
    with a manual clock."""
    if "key" in data:
        accounts = [_account_of(state, data["key"])]
        if not isinstance(accounts[0].clock, ManualClock):
            raise ControlError(409, f"That key's clock is {accounts[0].clock.kind}; only a manual clock can be moved (mint the key with \"clock\": \"manual\").")
        return accounts
    accounts = [a for a in state.registry.accounts.values() if isinstance(a.clock, ManualClock)]
    if not accounts:
        raise ControlError(409, "No clock is manual; start the server with --clock manual, or mint keys with \"clock\": \"manual\".")
    return accounts


async def health(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    return {"status": "ok", "scenario": state.active, "uptime": round(time.monotonic() - state.started, 3)}


async def scenarios(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    return [
        {"name": s.name, "description": s.description, "origin": s.origin, "active": s.name == state.active, "rules": len(s.rules)}
        for s in (state.catalog.scenarios[name] for name in state.catalog.names)
    ]


async def set_scenario(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    """With a ``key``, only that key's requests follow the scenario (as if it
    had been minted bound to it); the server's active scenario stays."""
    name = data["name"]
    if state.catalog.get(name) is None:
        raise ControlError(404, f"Unknown scenario {name!r}; known: {', '.join(state.catalog.names)}.")
    if "key" in data:
        key = _key_of(state, data["key"])
        key.scenario = name
        return {"key": redact(key.token), "scenario": name}
    state.set_active(name)
    return {"active": state.active}


def mint(state: MockState, data: dict[str, Any]) -> dict[str, Any]:
    """``POST /keys`` without the HTTP: the same checks, the same answer or
    ``ControlError``.  The pytest plugin mints a key per test with it when
    the server runs in the test process, where the HTTP round trip would
    cost more than the minting."""
    errors = validate(_MINT_KEY.body or {}, data)
    if errors:
        raise ControlError(422, "The control request was invalid.", errors)
    return _minted(state, data)


async def mint_key(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    return json_response(_minted(state, data), 201)


def _minted(state: MockState, data: dict[str, Any]) -> dict[str, Any]:
    scenario = data.get("scenario")
    if scenario is not None and state.catalog.get(scenario) is None:
        raise ControlError(404, f"Unknown scenario {scenario!r}; known: {', '.join(state.catalog.names)}.")
    try:
        clock = parse_clock(data["clock"]) if "clock" in data else None
    except ValueError as error:
        raise ControlError(422, "The control request was invalid.", {"clock": [str(error)]}) from None
    try:
        key = state.mint_key(
            label=data.get("label"),
            seed=data.get("seed"),
            clock=clock,
            scenario=scenario,
            permissions=data.get("permissions", ALL_PERMISSIONS),
            user=data.get("user"),
        )
    except ValueError as error:
        raise ControlError(409, str(error)) from None
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
        account = state.reset_account(_account_of(state, data["key"]))
        return {"reset": "account", "account": account.id}
    state.reset()
    return {"reset": "everything"}


async def clock(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    token = _param(request, "key")
    if token is not None:
        return _clock_view(_account_of(state, token))
    return {"clocks": [_clock_view(a) for a in state.registry.accounts.values()], "server": state.settings.clock.kind}


async def clock_advance(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    accounts = _manual_clocks(state, data)
    for account in accounts:
        account.clock.advance(float(data["seconds"]))
    await state.settle(accounts)
    return {"clocks": [_clock_view(a) for a in accounts]}


async def clock_set(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    accounts = _manual_clocks(state, data)
    behind = [a.id for a in accounts if a.clock.now() > data["time"]]
    if behind:
        raise ControlError(409, f"A clock cannot be moved backwards: the time is before the clock of account(s) {behind}.")
    for account in accounts:
        account.clock.set(float(data["time"]))
    await state.settle(accounts)
    return {"clocks": [_clock_view(a) for a in accounts]}


async def tasks(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    status = _param(request, "status")
    if status is not None and status not in ("pending", *OUTCOMES):
        raise ControlError(422, f"status must be pending, {', '.join(OUTCOMES)}; not {status!r}.")
    found = []
    for account in _accounts(request, state):
        account.settle()
        for task in account.tasks.values():
            if status is None or task.status == status:
                found.append({"account": account.id, **task.to_dict()})
    return found


async def tickets(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    """Read without a Portal request, so a test's look at its tickets is not
    journaled and advances no scenario rule (``every: 3`` would count it)."""
    found = []
    for account in _accounts(request, state):
        account.settle()
        found.extend({"account": account.id, **ticket.to_dict()} for ticket in account.tickets.all())
    return found


async def resolve_task(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    owner = state.registry.find_task(request.path_params["uuid"])
    if owner is None:
        raise ControlError(404, "No such task.")
    account, task = owner
    account.settle()
    if not task.pending:
        raise ControlError(409, f"The task already resolved ({task.status}).")
    account.resolve_now(task, data.get("outcome", "success"), data.get("errors"))
    await state.settle([account])
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
    return {"requests": [e.to_dict() for e in entries], "total": len(entries), "dropped": state.journal.dropped, "capacity": state.journal.size}


async def clear_requests(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    state.journal.clear()
    return {"cleared": True}


async def count_requests(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    spec = {name: value for name, value in data.items() if name != "status"}
    try:
        pattern = Match.parse(spec)
    except (re.error, ValueError, TypeError) as error:
        raise ControlError(422, f"Bad pattern: {error}.") from None
    token = _param(request, "key")
    entries = state.journal.select(key=token) if token is not None else state.journal
    return verify(entries, pattern, data.get("status"))


async def deliveries(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    token = _param(request, "key")
    if token is None:
        raise ControlError(422, "Name the account: ?key=<its API key>.")
    return [attempt.to_dict() for attempt in state.deliveries.attempts(_account_of(state, token))]


async def openapi_json(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    from portal_mock.http.openapi import openapi

    return openapi(admin=True)


async def openapi_yaml(request: Request, state: MockState, data: dict[str, Any]) -> Any:
    import yaml

    from portal_mock.http.openapi import openapi

    return Response(yaml.safe_dump(openapi(admin=True), sort_keys=False), media_type="application/yaml")


Handler = Callable[[Request, MockState, dict[str, Any]], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {
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
    "resolve_task": resolve_task,
    "requests": requests,
    "clear_requests": clear_requests,
    "count_requests": count_requests,
    "deliveries": deliveries,
    "openapi_json": openapi_json,
    "openapi_yaml": openapi_yaml,
}


def _endpoint(operation: Operation) -> Callable[[Request], Awaitable[Response]]:
    handler = HANDLERS[operation.name]

    async def serve(request: Request) -> Response:
        state: MockState = request.app.state.mock
        try:
            token = state.settings.admin_token
            if token:
                scheme, _, given = request.headers.get("authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
                    raise ControlError(401, "The control API needs 'Authorization: Bearer <admin token>'.")
            result = await handler(request, state, await _input(request, operation))
        except ControlError as error:
            return error.response()
        except Problem as problem:
            return problem_response(problem, control=True)
        return result if isinstance(result, Response) else json_response(result)

    serve.__name__ = operation.name
    return serve


def routes() -> list[Route]:
    return grouped((PREFIX + op.path, op.method, _endpoint(op)) for op in OPERATIONS)
