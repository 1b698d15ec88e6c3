"""Property-based: whatever JSON or form values reach any action, the
account's lists and shows and the control API still answer 200 afterwards
(nothing accepted can poison what is stored or journaled)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from helpers import TLS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal_mock.catalog import ACTIONS
from portal_mock.catalog.model import LIST, Action

WRITES = [action for action in ACTIONS if action.method != "GET"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(["\ud800", "\udfff", "\x00", "²", "٣"]), max_size=12)
SCALARS = st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats(allow_nan=False) | TEXT
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)


def bodies(action: Action) -> st.SearchStrategy[dict[str, Any]]:
    """Objects whose keys are mostly the action's own fields, with any values."""
    names = list((action.body or {}).get("properties", {})) or ["x"]
    return st.dictionaries(st.sampled_from(names) | TEXT, JSON, max_size=5)


def reads_of(action: Action) -> list[str]:
    """The lists a write could have touched: its kind's and the journal's."""
    kind = action.resource
    paths = [a.path for a in ACTIONS if a.mode == LIST and a.resource == kind and "{" not in a.path]
    return paths + ["/v1/ticket", "/__mock/requests", "/__mock/tasks", "/__mock/tickets", f"/__mock/resources/{kind}" if kind else "/__mock/health"]


@pytest.fixture(scope="module")
def hostile(server, control):
    minted = control.mint_key(label="hostile property", clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS, timeout=10) as http:
        yield http, minted.key


@pytest.mark.parametrize("action", WRITES, ids=lambda action: action.name)
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
@given(data=st.data())
def test_any_body_leaves_every_read_answering_200(hostile, action, data):
    http, key = hostile
    path = re.sub(r"\{[a-z_]+\}", lambda _: str(data.draw(st.sampled_from(["1", "999999", "0", "x", "²", "9" * 30]))), action.path)
    body = data.draw(bodies(action))
    if data.draw(st.booleans()):
        answer = http.request(action.method, path, content=_json_bytes(body), headers={"Content-Type": "application/json"})
    else:
        form = {str(name): str(value) for name, value in body.items()}
        answer = http.request(action.method, path, content=_form_bytes(form), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code < 500, answer.text
    http.post("/__mock/clock/advance", json={"seconds": 3600, "key": key})
    for read in reads_of(action):
        params = {"key": key} if read.startswith("/__mock/") and read != "/__mock/health" else None
        assert http.get(read, params=params).status_code == 200, read


def _json_bytes(value: Any) -> bytes:
    """JSON as a client might write it, lone surrogates escaped (``\\ud800``)."""
    import json

    return json.dumps(value).encode()


def _form_bytes(form: dict[str, str]) -> bytes:
    from urllib.parse import quote

    return "&".join(f"{quote(name, errors='surrogatepass')}={quote(value, errors='surrogatepass')}" for name, value in form.items()).encode()
