"""Every declaration, performed against a ``sample-account`` account of a
real ``portal-mock serve`` process: the status its mode promises, the
headers that go with it, and a body of the declared shape; then a crawl of
the account finds no reference that does not resolve."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import jsonschema
import pytest
from helpers import TICKET, TLS, start, stop

from portal_mock.catalog import ACTIONS, KINDS
from portal_mock.catalog.model import CREATED, IMMEDIATE, LIST, PUBLIC, QUEUED, SHOW, Action
from portal_mock.domain.resources import Delete
from portal_mock.domain.shapes import references
from portal_mock.http.openapi import openapi
from portal_mock.testing.control_client import Control

DOCUMENT = openapi(admin=False)
SUCCESS = {LIST: 200, SHOW: 200, IMMEDIATE: 200, QUEUED: 202, CREATED: 201}
PLACEHOLDER = re.compile(r"^<([a-z-]+)>$")


@pytest.fixture(scope="module")
def server() -> Iterator[SimpleNamespace]:
    """The command users run, on a socket: what the catalog promises is
    what ``portal-mock serve`` answers."""
    process, url, _ = start("--clock", "manual")
    yield SimpleNamespace(url=url)
    assert stop(process) == 0


@pytest.fixture
def sample(server, control: Control, request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, str]]:
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http, minted.key


def list_action(kind: str) -> Action | None:
    """The action that lists every record of ``kind``, unnested."""
    return next((a for a in ACTIONS if a.mode == LIST and a.resource == kind and not a.targets), None)


def first_id(http: httpx.Client, kind: str) -> Any:
    """The id (or the key a path names it by) of the account's first
    ``kind``, found as a client finds it."""
    if kind == "user":
        return http.get("/v1/user/self").json()["user"]["id"]
    if kind == "client":
        return http.get("/v1/client/self").json()["id"]
    if kind == "webhook" and not http.get("/v1/task/webhook").json():
        return made(http, "/v1/task/webhook", {"name": "fidelity", "url": "http://127.0.0.1:9/hook", "resource": "-"})
    listing = list_action(kind)
    if listing is None:
        nested = next(a for a in ACTIONS if a.mode == LIST and a.resource == kind)
        listing_path = fill(http, nested.path, nested.targets)
    else:
        listing_path = listing.path
    items = http.get(listing_path).json()
    assert items, f"the sample account has no {kind}; add some to sample-account.yaml"
    return items[0][KINDS[kind].key if kind in KINDS else "id"]


def made(http: httpx.Client, path: str, body: dict[str, Any]) -> int:
    """The id of what a queued add made, once its task has succeeded."""
    location = http.post(path, json=body).headers["location"]
    key = http.headers["authorization"].removeprefix("Bearer ")
    assert http.post("/__mock/clock/advance", json={"seconds": 3600, "key": key}).status_code == 200
    task = http.get(location).json()
    assert task["status"] == "success", f"{path}: the add did not succeed: {task}"
    return int(task["resource"]["id"])


def fill(http: httpx.Client, path: str, targets: dict[str, str]) -> str:
    for name, kind in targets.items():
        path = path.replace("{" + name + "}", str(first_id(http, kind)))
    return path


def adapted(http: httpx.Client, value: Any) -> Any:
    """The vendor's example with each ``"<kind>"`` replaced by an id of the account's."""
    if isinstance(value, dict):
        return {name: adapted(http, item) for name, item in value.items()}
    if isinstance(value, list):
        return [adapted(http, item) for item in value]
    if value == "<email>":
        return http.get("/v1/user/self").json()["user"]["email"]
    if isinstance(value, str) and (found := PLACEHOLDER.match(value)):
        return first_id(http, found.group(1))
    return value


def minimal(http: httpx.Client, action: Action) -> dict[str, Any]:
    """A body with every required field of the action's schema, for an action without an example."""
    schema = action.body or {}
    kinds = references(KINDS[action.resource].shape) if action.resource in KINDS else {}
    body: dict[str, Any] = {}
    for name in schema.get("required", []):
        rule = schema["properties"][name]
        if name in kinds:
            body[name] = first_id(http, kinds[name])
        elif "enum" in rule:
            body[name] = rule["enum"][0]
        elif rule.get("format") == "email":
            body[name] = "someone@example.com"
        else:
            kind = rule.get("type")
            kind = kind[0] if isinstance(kind, list) else kind
            body[name] = {"integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}.get(kind, "example")
    return body


def conforms(body: Any, schema: dict[str, Any]) -> None:
    jsonschema.validate(body, {**schema, "components": DOCUMENT["components"]})


def success_schema(action: Action) -> dict[str, Any]:
    operation = DOCUMENT["paths"][action.path][action.method.lower()]
    return operation["responses"][str(SUCCESS[action.mode])]["content"]["application/json"]["schema"]


def perform(http: httpx.Client, action: Action) -> httpx.Response:
    if action.name == "task:show":
        queued = http.post("/v1/ticket", json=TICKET)
        return http.get(queued.headers["location"])
    path = fill(http, action.path, action.targets)
    if action.method == "GET":
        # A placeholder no kind addresses (a phone number, a domain) takes
        # the example's value of that name; the rest is the query.
        query = adapted(http, action.example or {})
        for name in [name for name in query if "{" + name + "}" in path]:
            path = path.replace("{" + name + "}", str(query.pop(name)))
        return http.get(path, params=query)
    body = adapted(http, action.example) if action.example is not None else minimal(http, action)
    return http.request(action.method, path, json=body)


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_every_action_answers_with_its_declared_status_headers_and_shape(sample, control, action):
    http, key = sample
    response = perform(http, action)
    assert response.status_code == SUCCESS[action.mode], response.text
    assert response.headers["nocworx-api-version"]
    conforms(response.json(), success_schema(action))
    if action.mode == LIST:
        assert re.fullmatch(r"items \d+-\d+/\d+", response.headers["content-range"])
    if action.mode == QUEUED:
        assert response.headers["location"] == response.json()["metadata"]["uri"]
        assert response.json()["status"] == "pending"
        control.advance(3600, key=key)
        task = http.get(response.headers["location"]).json()
        assert task["status"] in ("success", "rejected"), task
        if task["status"] == "success" and task["resource"] and task["resource"]["metadata"]["uri"] and not isinstance(action.effect, Delete):
            assert http.get(task["resource"]["metadata"]["uri"]).status_code == 200


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.permission != PUBLIC], ids=lambda action: action.name)
def test_every_action_refuses_a_missing_key(anonymous, action):
    path = re.sub(r"\{[a-z_]+\}", "1", action.path)
    assert anonymous.request(action.method, path).status_code == 401


def uris(value: Any) -> Iterator[str]:
    """Every non-null ``metadata.uri`` in a body, at any depth."""
    if isinstance(value, dict):
        meta = value.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("uri"), str):
            yield meta["uri"]
        for item in value.values():
            yield from uris(item)
    elif isinstance(value, list):
        for item in value:
            yield from uris(item)


def test_a_crawl_of_the_sample_account_finds_no_dangling_reference(sample):
    http, _ = sample
    queued = http.post("/v1/ticket", json=TICKET)
    starts = [queued.headers["location"], "/v1/user/self", "/v1/client/self"]
    starts += [a.path for a in ACTIONS if a.mode in (LIST, SHOW) and not a.targets and "{" not in a.path]
    seen: set[str] = set()
    pending = list(starts)
    dangling = []
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        response = http.get(path, params={"pageSize": 250} if any(a.path == path and a.mode == LIST for a in ACTIONS) else None)
        if response.status_code != 200:
            dangling.append(f"{path}: {response.status_code}")
            continue
        pending.extend(uri for uri in uris(response.json()) if uri not in seen)
    assert not dangling
    assert len(seen) > len(starts), "the crawl followed references"
