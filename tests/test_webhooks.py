"""webhook:add, webhook:list, webhook:show — as portal-api.md documents them.

Webhooks that resolve point at a local receiver: a webhook hears the task
that made it, and tests never deliver off the machine.  Webhooks with other
URLs are only ever pending.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from receiver import Receiver

from portal_mock.catalog import ACTIONS


@pytest.fixture(scope="module")
def sink():
    with Receiver() as receiver:
        yield receiver.url


@dataclass
class Hooks:
    client: object
    url: str

    def add(self, **fields):
        return self.client.http.post("/v1/task/webhook", json={"name": "example-webhook", "url": self.url, **fields})

    def added(self, **fields) -> dict:
        """Add a webhook, let its task resolve, and show it."""
        task = self.client.finish(self.add(**fields))
        assert task["status"] == "success", task
        return self.client.http.get(task["resource"]["metadata"]["uri"]).json()


@pytest.fixture
def hooks(client, sink) -> Hooks:
    return Hooks(client, sink)


def test_add_is_queued_with_a_location(client, hooks):
    response = hooks.add(type="form", resource="ticket", action="close", user_data={"team": "ops"})
    assert response.status_code == 202
    task = response.json()
    assert response.headers["location"] == f"/v1/task/{task['uuid']}"
    assert task["action"] == "webhook:add" and task["status"] == "pending" and task["identity"] == "webhook:add (pending)"
    assert task["input"] == {"name": "example-webhook", "url": hooks.url, "type": "form", "resource": "ticket", "action": "close", "user_data": {"team": "ops"}}
    assert client.http.get("/v1/task/webhook").json() == []


def test_the_resolved_task_points_at_the_webhook(client, hooks):
    task = client.finish(hooks.add())
    resource = task["resource"]
    assert resource["identity"] == f"#{resource['id']} example-webhook"
    assert resource["metadata"] == {"scope": "api-webhook", "uri": f"/v1/task/webhook/{resource['id']}/"}


def test_show_has_every_documented_field_with_defaults(client, hooks):
    webhook = hooks.added()
    assert webhook == {
        "id": webhook["id"],
        "identity": f"#{webhook['id']} example-webhook",
        "client": {
            "id": client.client_id(),
            "identity": client.in_account(lambda account: account.company),
            "metadata": {"scope": "client", "uri": None},
        },
        "listen_to": {"resource": "*", "action": "*"},
        "metadata": {"scope": "api-webhook", "uri": f"/v1/task/webhook/{webhook['id']}/"},
        "name": "example-webhook",
        "type": "json",
        "url": hooks.url,
        "auth": None,
        "user_data": {},
    }


def test_show_answers_with_and_without_the_trailing_slash(client, hooks):
    webhook = hooks.added()
    response = client.http.get(f"/v1/task/webhook/{webhook['id']}")
    assert response.status_code == 200 and response.json() == webhook


@pytest.mark.parametrize(
    "auth, shown",
    [
        ({"type": "basic", "username": "hook", "password": "s3cret"}, {"type": "basic", "username": "hook", "password": "****"}),
        ({"type": "digest", "username": "hook", "password": "s3cret"}, {"type": "digest", "username": "hook", "password": "****"}),
        ({"type": "bearer", "token": "tok-123"}, {"type": "bearer", "token": "****"}),
    ],
)
def test_secrets_are_masked_everywhere_they_are_shown(client, hooks, auth, shown):
    accepted = hooks.add(auth=auth)
    assert accepted.json()["input"]["auth"] == shown
    webhook = hooks.added(auth=auth)
    assert webhook["auth"] == shown
    assert client.http.get("/v1/task/webhook").json()[-1]["auth"] == shown
    assert client.http.get(accepted.headers["location"]).json()["input"]["auth"] == shown


def test_add_as_a_php_form(client):
    response = client.http.post(
        "/v1/task/webhook",
        content="name=php&url=https%3A%2F%2Fh.example.com%2F&type=multipart&auth[type]=basic&auth[username]=u&auth[password]=p&user_data[team]=ops",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 202, response.text
    assert response.json()["input"] == {
        "name": "php",
        "url": "https://h.example.com/",
        "type": "multipart",
        "auth": {"type": "basic", "username": "u", "password": "****"},
        "user_data": {"team": "ops"},
    }


@pytest.mark.parametrize("name", [action.name for action in ACTIONS if action.queued])
def test_every_queued_action_can_be_listened_to(hooks, name):
    resource, _, verb = name.partition(":")
    assert hooks.add(resource=resource, action=verb, url="https://example.com/").status_code == 202


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://127.8.0.1/", "http://[::1]:8080/hook", "http://localhost/hook", "https://10.1.2.3/"])
def test_https_anywhere_and_http_on_loopback_are_accepted(hooks, url):
    assert hooks.add(url=url).status_code == 202


@pytest.mark.parametrize(
    "url", ["http://hooks.example.com/", "http://10.0.0.1/", "http://0.0.0.0/", "ftp://127.0.0.1/", "https://", "/relative", "https://a b/", "http://127.0.0.1:99999/"]
)
def test_other_urls_are_422(hooks, url):
    response = hooks.add(url=url)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["url"]


def test_a_422_names_every_bad_field_at_once(client):
    response = client.http.post(
        "/v1/task/webhook",
        json={"type": "xml", "resource": "invoices", "action": "explode", "auth": {"type": "oauth"}, "user_data": [1]},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "url", "type", "resource", "action", "auth.type", "user_data"}


@pytest.mark.parametrize(
    "auth, fields",
    [
        ({"type": "basic"}, {"auth.username", "auth.password"}),
        ({"type": "digest", "username": "u", "password": ""}, {"auth.password"}),
        ({"type": "bearer", "username": "u"}, {"auth.token"}),
        ({"type": "bearer", "token": "  "}, {"auth.token"}),
        ({"username": "u"}, {"auth.type"}),
        ("basic", {"auth"}),
    ],
)
def test_auth_rules(hooks, auth, fields):
    response = hooks.add(auth=auth)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == fields


def test_add_needs_account_edit(client, sink):
    viewer = client.another_key(permissions=["account view"])
    response = client.http.post("/v1/task/webhook", json={"name": "x", "url": sink}, headers={"Authorization": f"Bearer {viewer}"})
    assert response.status_code == 403 and "account edit" in response.json()["message"]


@pytest.mark.parametrize("path", ["/v1/task/webhook", "/v1/task/webhook/1"])
def test_list_and_show_need_account_view(client, path):
    editor = client.another_key(permissions=["account edit", "ticket view"])
    response = client.http.get(path, headers={"Authorization": f"Bearer {editor}"})
    assert response.status_code == 403 and "account view" in response.json()["message"]


@pytest.mark.parametrize("method, path", [("POST", "/v1/task/webhook"), ("GET", "/v1/task/webhook"), ("GET", "/v1/task/webhook/1")])
def test_401_without_a_key(anonymous, method, path):
    assert anonymous.request(method, path, json={"name": "x", "url": "https://example.com/"}).status_code == 401


def test_show_404_for_unknown_and_another_accounts_webhook(client, hooks):
    webhook = hooks.added()
    assert client.http.get("/v1/task/webhook/999999999").status_code == 404
    other = client.control.mint_key(label="webhook-other").key
    response = client.http.get(webhook["metadata"]["uri"], headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404 and response.json()["message"]
    assert client.http.get("/v1/task/webhook", headers={"Authorization": f"Bearer {other}"}).json() == []


@pytest.mark.parametrize("raw", ["abc", "0", "²"])
def test_show_422_for_a_bad_id(client, raw):
    response = client.http.get(f"/v1/task/webhook/{raw}")
    assert response.status_code == 422 and list(response.json()["errors"]) == ["id"]


@pytest.fixture
def three(client, hooks):
    """Three resolved webhooks: alpha (ticket/close), beta (ticket/*), gamma (webhook/add)."""
    for name, resource, action in (("alpha", "ticket", "close"), ("beta", "ticket", "*"), ("gamma", "webhook", "add")):
        assert hooks.add(name=name, url=f"{hooks.url}/{name}", resource=resource, action=action).status_code == 202
    client.advance(2)
    return client


def names(response) -> list[str]:
    return [webhook["name"] for webhook in response.json()]


def test_list_shows_the_accounts_webhooks_by_id_with_content_range(three):
    response = three.http.get("/v1/task/webhook")
    assert response.status_code == 200 and response.headers["content-range"] == "items 1-3/3"
    assert names(response) == ["alpha", "beta", "gamma"]
    assert response.json()[0] == three.http.get(response.json()[0]["metadata"]["uri"]).json()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"filter[name]": "BETA"}, ["beta"]),
        ({"filter[resource]": "ticket"}, ["alpha", "beta"]),
        ({"filter[action]": "add"}, ["gamma"]),
        ({"match[url]": "/BETA"}, ["beta"]),
        ({"match[name]": "a"}, ["alpha", "beta", "gamma"]),
        ({"sortBy": "name", "sortOrder": "DESC"}, ["gamma", "beta", "alpha"]),
        ({"pageSize": 2, "page": 2}, ["gamma"]),
    ],
)
def test_list_filters_sorts_and_pages(three, params, expected):
    assert names(three.http.get("/v1/task/webhook", params=params)) == expected


def test_list_filter_url_is_exact(three, sink):
    assert names(three.http.get("/v1/task/webhook", params={"filter[url]": f"{sink}/alpha"})) == ["alpha"]
    assert names(three.http.get("/v1/task/webhook", params={"filter[url]": sink})) == []


def test_list_last_partial_page_range(three):
    assert three.http.get("/v1/task/webhook", params={"pageSize": 2, "page": 2}).headers["content-range"] == "items 3-3/3"


@pytest.mark.parametrize("params", [{"page": 3, "pageSize": 2}, {"pageSize": 0}, {"pageSize": 251}])
def test_list_416(three, params):
    response = three.http.get("/v1/task/webhook", params=params)
    assert response.status_code == 416 and response.headers["content-range"] == "items */3"


def test_list_422(three):
    response = three.http.get("/v1/task/webhook", params={"sortBy": "password", "filter[auth]": "x", "page": "1st"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sortBy", "filter[auth]", "page"}


def test_the_webhook_path_is_not_taken_for_a_task_uuid(client):
    response = client.http.get("/v1/task/webhook")
    assert response.status_code == 200 and response.json() == []
