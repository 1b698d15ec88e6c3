"""What a new user and a real third-party client (the vendor's PHP SDK) meet
first: any status a scenario forces keeps the connection usable, unserved
paths point somewhere, and the SDK's requests and the vendor's documented
values are what the mock serves."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import TICKET, TLS, serve_scenarios

from portal_mock.http.server import LiveServer

FORCED = [status for status in range(200, 600)]


def test_every_forcible_status_keeps_the_keep_alive_connection_usable(server, client):
    """Each status ``Prefer: code=`` may force, on one keep-alive connection,
    each followed by an ordinary request that must still be answered."""
    with httpx.Client(base_url=server.url, headers=client.http.headers, verify=TLS) as http:
        for status in FORCED:
            forced = http.post("/v1/ticket", json=TICKET, headers={"Prefer": f"code={status}"})
            assert forced.status_code == status
            if status in (204, 304):
                assert forced.content == b"" and "content-length" not in forced.headers
            after = http.get("/v1/ticket")
            assert after.status_code == 200, f"the request after a forced {status}"
        assert http.head("/v1/ticket").content == b""


@pytest.fixture(scope="module")
def no_content(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("scenarios")
    (directory / "no-content.yaml").write_text(
        "name: no-content\nkeys:\n  nc-key: {}\nrules:\n  - match: {action: ticket:list}\n    respond: {status: 204}\n"
        "  - match: {action: ticket:show}\n    respond: {status: 304, body: {ignored: true}}\n"
    )
    with serve_scenarios(directory) as live:
        yield live


def test_a_rule_that_responds_204_or_304_sends_no_body_and_the_connection_lives_on(no_content):
    with httpx.Client(base_url=no_content.url, headers={"Authorization": "Bearer nc-key"}, verify=TLS) as http:
        for _ in range(3):
            listed = http.get("/v1/ticket")
            assert (listed.status_code, listed.content) == (204, b"")
            shown = http.get("/v1/ticket/5")
            assert (shown.status_code, shown.content) == (304, b"")
        assert http.post("/v1/ticket", json=TICKET).status_code == 202


def test_the_root_lists_where_things_are(anonymous):
    response = anonymous.get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["api"] == "/v1" and body["control"] == "/__mock" and body["openapi"] == "/__mock/openapi.json"


def test_the_control_plane_root_lists_its_operations(anonymous):
    for path in ("/__mock", "/__mock/"):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        operations = {(op["method"], op["path"]) for op in response.json()["operations"]}
        assert ("GET", "/__mock/health") in operations and ("POST", "/__mock/keys") in operations


@pytest.mark.parametrize(
    ("method", "path", "meant"), [("GET", "/ticket", "/v1/ticket"), ("POST", "/api-token", None), ("GET", "/task/webhook", "/v1/task/webhook")]
)
def test_a_path_without_v1_is_a_404_whose_near_misses_name_the_v1_form(client, method, path, meant):
    response = client.http.request(method, path)
    assert response.status_code == 404
    misses = response.json()["near_misses"]
    assert misses, "a path without /v1 gets near misses too"
    if meant is not None:
        assert misses[0]["path"] == meant
        assert "/v1" in misses[0]["why"]


def test_an_empty_json_array_is_an_empty_input_as_php_clients_send_it(client):
    """The PHP SDK encodes an empty parameter array as ``[]``."""
    closed = client.add_ticket()
    ticket = client.finish(closed)["resource"]["id"]
    response = client.http.post(f"/v1/ticket/{ticket}/close", content=b"[]", headers={"Content-Type": "application/json"})
    assert response.status_code == 202
    missing = client.http.post("/v1/ticket", content=b"[]", headers={"Content-Type": "application/json"})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"department", "subject"}


@pytest.mark.parametrize("body", [b"[1]", b'["department"]', b"3", b'"x"'])
def test_non_empty_arrays_and_scalars_are_still_refused(client, body):
    response = client.http.post("/v1/ticket", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "must be a JSON object" in response.json()["message"]


def test_the_documented_ticket_values(client):
    """ticket:show's example: category "Site Down" is id 10; "Urgent" is id 3
    in e60e0e; an open ticket no staff member has answered is not closeable."""
    ticket = client.finish(client.add_ticket(category="site_down"))["resource"]["id"]
    shown = client.http.get(f"/v1/ticket/{ticket}").json()
    assert (shown["category"]["id"], shown["category"]["identity"]) == (10, "Site Down")
    assert shown["is_closed"] is False and shown["is_closeable"] is False
    [urgent] = client.seed_tickets([{"priority": "Urgent", "status": "Open", "posts": [{"reply_by": "client"}, {"reply_by": "staff"}]}])
    assert (urgent["priority"]["id"], urgent["priority"]["color"]) == (3, "e60e0e")
    assert urgent["is_closeable"] is True, "open and answered by staff"


def test_a_webhooks_client_is_named_by_its_company_with_a_null_uri(client):
    client.finish(client.http.post("/v1/task/webhook", json={"name": "hook", "url": "https://example.com/hook"}))
    [webhook] = client.http.get("/v1/task/webhook").json()
    assert webhook["client"]["metadata"] == {"scope": "client", "uri": None}
    assert webhook["client"]["identity"] and " - " not in webhook["client"]["identity"], "a company name, not a person's identity"


def test_webhook_list_sorts_by_the_documented_fields(client):
    for name, resource in (("b", "webhook"), ("a", "ticket"), ("c", "*")):
        client.finish(client.http.post("/v1/task/webhook", json={"name": name, "url": "https://example.com/hook", "resource": resource}))
    by_listen_to = client.http.get("/v1/task/webhook", params={"sortBy": "listen_to"})
    assert by_listen_to.status_code == 200
    assert [w["listen_to"]["resource"] for w in by_listen_to.json()] == ["*", "ticket", "webhook"]
    for field in ("name", "url"):
        assert client.http.get("/v1/task/webhook", params={"sortBy": field}).status_code == 200


def test_page_size_goes_up_to_250(client):
    assert client.http.get("/v1/ticket", params={"pageSize": 250}).status_code == 200
    too_big = client.http.get("/v1/ticket", params={"pageSize": 251})
    assert too_big.status_code == 416 and "1 to 250" in too_big.json()["message"]
