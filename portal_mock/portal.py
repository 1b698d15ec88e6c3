"""The Portal's ``/v1`` endpoints: parse, check, and hand over to the domain.

Order of checks, the same for every endpoint: authentication (401), then
permission (403), then the addressed object (404), then the body (413, 415,
422).  A client therefore learns about its key before its input, as it
would from the vendor's PHP stack.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .accounts import Key
from .actions import ACTIONS, Action
from .bodies import decode, media_type, read_body
from .listing import parse, select
from .state import MockState
from .tasks import Task
from .validation import clean, validate
from .wire import PortalError, portal_response


def authenticate(state: MockState, request: Request) -> Key:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise PortalError(401, "Send your API key as 'Authorization: Bearer <key>'.")
    key = state.registry.lookup(token)
    if key is None:
        raise PortalError(401)
    return key


def authorize(key: Key, action: Action) -> None:
    if action.permission and action.permission not in key.permissions:
        raise PortalError(403, f"This API key lacks the {action.permission!r} permission.")


def path_id(request: Request, noun: str) -> int:
    raw = request.path_params["id"]
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise PortalError(422, f"The {noun} id must be a positive integer.", {"id": ["Must be a positive integer."]})
    return int(raw)


def ticket_id(request: Request) -> int:
    return path_id(request, "ticket")


async def read_input(request: Request, action: Action) -> dict[str, Any]:
    schema = action.body or {}
    data = decode(await read_body(request), media_type(request), schema)
    errors = validate(schema, data)
    if errors:
        raise PortalError(422, None, errors)
    return clean(schema, data)


def accepted(task: Task) -> Response:
    """202 with the task as just queued, whatever the clock says since."""
    return portal_response(task.to_dict(pending=True), 202, {"Location": task.path})


async def task_show(request: Request, state: MockState, key: Key, action: Action) -> Response:
    task = key.account.poll(request.path_params["uuid"])
    if task is None:
        raise PortalError(404, "No such task.")
    return portal_response(task.to_dict())


async def ticket_show(request: Request, state: MockState, key: Key, action: Action) -> Response:
    ticket = key.account.tickets.get(ticket_id(request))
    if ticket is None:
        raise PortalError(404, "No such ticket.")
    return portal_response(ticket.to_dict())


def listed(request: Request, action: Action, items: list[Any]) -> Response:
    """A list endpoint's answer: the requested page and its ``Content-Range``."""
    page = select(items, parse(request.query_params.multi_items(), action.fields))
    return portal_response([item.to_dict() for item in page.items], headers={"Content-Range": page.content_range})


async def ticket_list(request: Request, state: MockState, key: Key, action: Action) -> Response:
    return listed(request, action, key.account.tickets.all())


async def webhook_list(request: Request, state: MockState, key: Key, action: Action) -> Response:
    return listed(request, action, key.account.webhooks.all())


async def webhook_show(request: Request, state: MockState, key: Key, action: Action) -> Response:
    webhook = key.account.webhooks.get(path_id(request, "webhook"))
    if webhook is None:
        raise PortalError(404, "No such webhook.")
    return portal_response(webhook.to_dict())


async def queue(request: Request, state: MockState, key: Key, action: Action) -> Response:
    """Every queued action: check the target exists now, validate the input,
    and accept a task whose effect runs when it resolves."""
    target = None
    if "{id}" in action.path:
        target = ticket_id(request)
        if key.account.tickets.get(target) is None:
            raise PortalError(404, "No such ticket.")
    data = await read_input(request, action)
    task = key.account.queue(action.name, data, key.user, state.plan_for(action), target)
    return accepted(task)


async def webhook_add(request: Request, state: MockState, key: Key, action: Action) -> Response:
    """Queue like any action, and from now on have the account's tasks
    settled on time, so webhooks fire without the client polling."""
    response = await queue(request, state, key, action)
    state.deliveries.activate(key.account)
    return response


HANDLERS = {
    "task:show": task_show,
    "ticket:list": ticket_list,
    "ticket:show": ticket_show,
    "webhook:add": webhook_add,
    "webhook:list": webhook_list,
    "webhook:show": webhook_show,
}


def endpoint(action: Action):
    """A Starlette endpoint for one action: authenticate, authorize, bring the
    account's tasks up to date, then run the action's handler.  The action's
    name rides along in the request scope so the journal can name it."""
    handler = HANDLERS.get(action.name, queue if action.queued else None)

    async def serve(request: Request) -> Response:
        request.scope["portal.action"] = action.name
        state: MockState = request.app.state.mock
        key = authenticate(state, request)
        authorize(key, action)
        key.account.settle()
        return await handler(request, state, key, action)

    serve.__name__ = action.name.replace(":", "_")
    return serve


def _by_method(endpoints: dict[str, Any]):
    """One endpoint for a path several actions share (GET and POST
    ``/v1/ticket``), so that a 405's ``Allow`` names every method."""
    if len(endpoints) == 1:
        return next(iter(endpoints.values()))

    async def serve(request: Request) -> Response:
        return await endpoints["GET" if request.method == "HEAD" else request.method](request)

    return serve


def routes() -> list[Route]:
    """Every served path, also with a trailing slash: the vendor writes
    webhook URIs as ``/v1/task/webhook/14/``, and a client following one
    should not meet a redirect."""
    served: dict[str, dict[str, Any]] = {}
    for a in ACTIONS:
        if a.name in HANDLERS or a.queued:
            served.setdefault(a.path, {})[a.method] = endpoint(a)
    return [Route(p, _by_method(endpoints), methods=list(endpoints)) for path, endpoints in served.items() for p in (path, path + "/")]
