"""The Portal's ``/v1`` endpoints: consult the scenario, check, and hand
over to the domain.

For every request, in order: the body is read (POST only), the scenario
decides (a forced response, a task script, latency, a fault), then —
unless a response was forced — authentication (401), permission (403), the
addressed object (404) and the body (413, 415, 422).  A scripted rule's
state effects (its counters, the task it creates) happen before its latency
is served, so a fast retry never sees stale state.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal_mock.catalog.actions import ACTIONS, Action
from portal_mock.domain.accounts import Key
from portal_mock.domain.errors import Problem
from portal_mock.domain.listing import parse, select
from portal_mock.domain.tasks import Task, TaskPlan
from portal_mock.domain.validation import clean, validate
from portal_mock.engine.state import MockState
from portal_mock.http.bodies import decode, media_type, read_body
from portal_mock.http.routing import grouped
from portal_mock.http.wire import (
    PortalError,
    error_body,
    portal_response,
    problem_response,
)
from portal_mock.scenarios.rules import Decision, RequestFacts


@dataclass
class Call:
    """One request on its way through: what handlers need, read once."""

    request: Request
    state: MockState
    action: Action
    facts: RequestFacts
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
        data = self.facts.body or {}
        errors = validate(schema, data)
        if errors:
            raise PortalError(422, None, errors)
        return clean(schema, data)

    def plan(self) -> TaskPlan:
        return self.decision.plan if self.decision and self.decision.plan else self.state.default_plan()


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def path_id(request: Request, noun: str) -> int:
    raw = request.path_params["id"]
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise PortalError(422, f"The {noun} id must be a positive integer.", {"id": ["Must be a positive integer."]})
    return int(raw)


def ticket_id(request: Request) -> int:
    return path_id(request, "ticket")


def accepted(task: Task) -> Response:
    """202 with the task as just queued, whatever the clock says since."""
    return portal_response(task.to_dict(pending=True), 202, {"Location": task.path})


async def task_show(call: Call, key: Key) -> Response:
    task = key.account.poll(call.request.path_params["uuid"])
    if task is None:
        raise PortalError(404, "No such task.")
    return portal_response(task.to_dict())


async def ticket_show(call: Call, key: Key) -> Response:
    ticket = key.account.tickets.get(ticket_id(call.request))
    if ticket is None:
        raise PortalError(404, "No such ticket.")
    return portal_response(ticket.to_dict())


def listed(request: Request, action: Action, items: list[Any]) -> Response:
    """A list endpoint's answer: the requested page and its ``Content-Range``."""
    page = select(items, parse(request.query_params.multi_items(), action.fields))
    return portal_response([item.to_dict() for item in page.items], headers={"Content-Range": page.content_range})


async def ticket_list(call: Call, key: Key) -> Response:
    return listed(call.request, call.action, key.account.tickets.all())


async def webhook_list(call: Call, key: Key) -> Response:
    return listed(call.request, call.action, key.account.webhooks.all())


async def webhook_show(call: Call, key: Key) -> Response:
    webhook = key.account.webhooks.get(path_id(call.request, "webhook"))
    if webhook is None:
        raise PortalError(404, "No such webhook.")
    return portal_response(webhook.to_dict())


async def queue(call: Call, key: Key) -> Response:
    """Every queued action: check the target exists now, validate the input,
    and accept a task whose effect runs when it resolves."""
    target = None
    if "{id}" in call.action.path:
        target = ticket_id(call.request)
        if key.account.tickets.get(target) is None:
            raise PortalError(404, "No such ticket.")
    task = key.account.queue(call.action.name, call.input(), key.user, call.plan(), target)
    return accepted(task)


async def webhook_add(call: Call, key: Key) -> Response:
    """Queue like any action, and from now on have the account's tasks
    settled on time, so webhooks fire without the client polling."""
    response = await queue(call, key)
    call.state.deliveries.activate(key.account)
    return response


Handler = Callable[[Call, Key], Awaitable[Response]]
HANDLERS: dict[str, Handler] = {
    "task:show": task_show,
    "ticket:list": ticket_list,
    "ticket:show": ticket_show,
    "webhook:add": webhook_add,
    "webhook:list": webhook_list,
    "webhook:show": webhook_show,
}


def forced(decision: Decision) -> Response:
    """The response a rule (or ``Prefer: code=``) dictates; the vendor-style
    error body when the rule gives a status only."""
    respond = decision.respond
    headers = dict(respond.headers)
    if decision.retry_after is not None:
        headers.setdefault("Retry-After", str(decision.retry_after))
    if respond.status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    body = respond.body if respond.has_body else (error_body(respond.status) if respond.status >= 400 else {})
    return portal_response(body, respond.status, headers)


def endpoint(action: Action) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint for one action.  The action and the scenario's
    decision ride along in the request scope for the journal and faults."""
    handler = HANDLERS.get(action.name, queue if action.queued else None)

    async def serve(request: Request) -> Response:
        scope = request.scope
        scope["portal.action"] = action.name
        state: MockState = request.app.state.mock
        token = bearer_token(request)
        key = state.registry.lookup(token) if token else None
        scope["portal.key"] = token
        if key is not None:
            scope["portal.account"] = key.account.id
        method = scope["method"]
        facts = RequestFacts(method, scope["path"], action.name, action.queued, token, request.headers, scope["query_string"].decode("latin-1"))
        body_error = None
        if method == "POST":
            try:
                facts.body = decode(await read_body(request), media_type(request), action.body or {})
            except PortalError as error:
                body_error = error
        scope["portal.body"] = facts.body
        decision = None
        try:
            decision = state.decide(facts, key)
            if decision is not None:
                scope["portal.decision"] = decision
                if decision.respond is not None:
                    return forced(decision)
            call = Call(request, state, action, facts, key, decision, body_error)
            key = call.authenticated()
            key.account.settle()
            response = await handler(call, key)
        except PortalError as error:
            response = error.response()
        except Problem as problem:
            response = problem_response(problem)
        finally:
            if decision is not None and decision.latency:
                await asyncio.sleep(decision.latency)
        return response

    serve.__name__ = action.name.replace(":", "_")
    return serve


def routes() -> list[Route]:
    """Every served path, also with a trailing slash: the vendor writes
    webhook URIs as ``/v1/task/webhook/14/``, and a client following one
    should not meet a redirect."""
    return grouped((p, a.method, endpoint(a)) for a in ACTIONS if a.name in HANDLERS or a.queued for p in (a.path, a.path + "/"))
