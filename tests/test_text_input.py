"""Text in a request body is text: a JSON string or key holding a lone
surrogate, or a form field whose percent-encoding is not UTF-8, is a 422
naming the field, as a body that is not UTF-8 is, and nothing queued or
journaled can then stop the account's lists or the control API answering.
Paths and query strings are read as the server decodes them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from portal_mock import Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer
from portal_mock.http.wire import dumps
from portal_mock.scenarios import files

CONTROL_READS = ("/__mock/requests", "/__mock/tasks", "/__mock/tickets")
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """A server of this module's own: a request that broke the journal
    would break it for every later test on a shared one."""
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), task_delay=2.0))) as live:
        yield live


def assert_everything_answers(client) -> None:
    """The account's list and every control read, for this key and for all."""
    assert client.http.get("/v1/ticket").status_code == 200
    for path in CONTROL_READS:
        assert client.http.get(path).status_code == 200, path
        assert client.http.get(path, params={"key": client.key}).status_code == 200, path
    count = client.http.post("/__mock/requests/count", json={})
    assert count.status_code == 200
    assert count.json()["count"] >= 1


def test_a_lone_surrogate_in_a_json_string_is_a_422_naming_the_field(client):
    response = client.http.post("/v1/ticket", content=b'{"department":"support","subject":"\\ud800"}', headers=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["subject"]
    assert "subject" in response.json()["message"]
    assert "surrogate" in response.json()["errors"]["subject"][0]
    assert client.http.get("/__mock/tasks", params={"key": client.key}).json() == []
    assert_everything_answers(client)


def test_without_a_key_the_401_leaves_the_journal_readable(anonymous, client):
    response = anonymous.post("/v1/ticket", content=b'{"department":"support","subject":"\\ud800"}', headers=JSON)
    assert response.status_code == 401
    assert_everything_answers(client)
    journaled = client.http.get("/__mock/requests", params={"status": 401}).json()["requests"]
    assert journaled and journaled[-1]["body"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        (b'{"department":"support","subject":"x","\\udfff":"y"}', "\\udfff"),
        (b'{"department":"support","subject":"x","recipients":["ops@example.com","a\\udc00b"]}', "recipients.1"),
        (b'{"department":"support","subject":"x","extra":{"a":[{"b":"\\ud83d"}]}}', "extra.a.0.b"),
    ],
    ids=["object key", "list item", "nested value"],
)
def test_a_lone_surrogate_anywhere_in_the_body_is_named_by_its_path(client, body, field):
    response = client.http.post("/v1/ticket", content=body, headers=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert_everything_answers(client)


def test_a_surrogate_pair_is_one_character_and_welcome(client):
    response = client.http.post("/v1/ticket", content=b'{"department":"support","subject":"\\ud83d\\ude00 down"}', headers=JSON)
    assert response.status_code == 202
    assert response.json()["input"]["subject"] == "\U0001f600 down"


def test_a_webhooks_nested_user_data_is_checked_too(client):
    body = b'{"name":"x","url":"https://example.com/","user_data":{"a":{"b":"\\ud800"}}}'
    response = client.http.post("/v1/task/webhook", content=body, headers=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["user_data.a.b"]
    assert_everything_answers(client)


@pytest.mark.parametrize(
    "body, field, shown",
    [
        (b"department=support&subject=%ED%A0%80", "subject", "%ED%A0%80"),
        (b"department=support&subject=caf%E9", "subject", "%E9"),
        (b"department=support&subject=x&%ED%A0%80=y", "%ED%A0%80", "%ED%A0%80"),
        (b"department=support&subject=x&recipients[]=%FF", "recipients[]", "%FF"),
    ],
    ids=["surrogate value", "latin-1 value", "name", "list item"],
)
def test_a_form_field_that_is_not_utf8_is_a_422_naming_it(client, body, field, shown):
    response = client.http.post("/v1/ticket", content=body, headers=FORM)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert shown in response.json()["errors"][field][0]
    assert_everything_answers(client)


def test_the_control_api_refuses_a_lone_surrogate_naming_the_field(client):
    response = client.http.post("/__mock/keys", content=b'{"label":"\\ud800"}', headers=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["label"]
    assert client.http.get("/__mock/accounts").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/v1/ticket?filter[subject]=%ED%A0%80",
        "/v1/ticket?%ED%A0%80=1",
        "/v1/ticket/%ED%A0%80",
        "/v1/assess-passphrase/%ED%A0%80",
        "/v1/n%ED%A0%80pe",
        "/__mock/requests?path=%ED%A0%80",
    ],
)
def test_a_path_or_query_that_is_not_utf8_is_answered_and_journaled(client, path):
    response = client.http.get(path)
    assert response.status_code < 500, response.text
    assert_everything_answers(client)
    assert client.http.get("/__mock/requests", params={"key": client.key}).json()["requests"]


def test_a_scenario_file_with_a_lone_surrogate_is_refused_where_it_is(monkeypatch):
    """libyaml refuses ``\\ud800`` itself; PyYAML's own loader (where PyYAML
    was built without libyaml) reads it, and the survey refuses it."""
    for text in ('name: x\nrules:\n  - respond: {status: 200, body: {a: "\\ud800"}}\n', 'name: x\nrules:\n  - respond: {status: 200, body: {"\\udfff": 1}}\n'):
        for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            monkeypatch.setattr(files, "_Loader", loader)
            scenario, found = files.parse_scenario(text, "s.yaml")
            assert scenario is None
            assert [problem.line for problem in found] == [3], found
            assert "surrogate" in found[0].message or "invalid Unicode" in found[0].message


def test_the_json_encoder_cannot_fail_on_a_string():
    """What reaches the encoder some other way (a value built in Python) is
    escaped, never a 500."""
    assert dumps({"a": "\ud800", "n": 2**70}) == b'{"a":"\\ud800","n":1180591620717411303424}'
    assert dumps({"a": "\ud800"}) == b'{"a":"\\ud800"}'
