"""Bad input gets a clear JSON error, and the server keeps serving."""

from __future__ import annotations

import socket
from urllib.parse import quote, urlsplit

import pytest
from helpers import TICKET


@pytest.mark.parametrize(
    "content, content_type, status, phrase",
    [
        (b"{\"department\": ", "application/json", 422, "not valid JSON"),
        (b"[1, 2]", "application/json", 422, "JSON object"),
        (b"\"text\"", "application/json", 422, "JSON object"),
        (b"null", "application/json", 422, "JSON object"),
        (b"\xff\xfe\x00", "application/json", 422, "UTF-8"),
        (b"<ticket/>", "application/xml", 415, "Unsupported media type"),
        (b"a=b", "multipart/form-data; boundary=x", 415, "Unsupported media type"),
        (b'{"department": "support"}', "application/x-www-form-urlencoded", 422, "looks like JSON"),
    ],
)
def test_malformed_bodies(client, content, content_type, status, phrase):
    response = client.http.post("/v1/ticket", content=content, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert phrase in response.json()["message"]
    assert "Traceback" not in response.text


def test_empty_body_names_the_required_fields(client):
    response = client.http.post("/v1/ticket", content=b"", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"department", "subject"}


def test_body_without_content_type_is_read_as_json(client):
    response = client.http.post("/v1/ticket", content=b'{"department": "support", "subject": "x"}')
    assert response.status_code == 202


@pytest.mark.parametrize("depth", [33, 990, 100_000])
def test_deeply_nested_json_is_422_not_500(client, depth):
    nested = '{"a":' * depth + "1" + "}" * depth
    for path, body in (("/v1/ticket", nested), ("/v1/task/webhook", '{"name": "x", "url": "https://example.com/", "user_data": ' + nested + "}")):
        response = client.http.post(path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, path
        assert "nested deeper than 32 levels" in response.json()["message"]


def test_nesting_up_to_32_levels_is_fine(client):
    user_data = {"a": {}}
    for _ in range(29):
        user_data = {"a": user_data}
    response = client.http.post("/v1/task/webhook", json={"name": "x", "url": "https://example.com/", "user_data": user_data})
    assert response.status_code == 202


def test_body_over_one_mebibyte_is_413(client):
    big = {**TICKET, "comment": "x" * (1024 * 1024)}
    response = client.http.post("/v1/ticket", json=big)
    assert response.status_code == 413
    assert response.json()["message"]


def test_chunked_body_over_the_limit_is_413_too(client):
    def chunks():
        for _ in range(17):
            yield b"x" * 65536

    response = client.http.post("/v1/ticket", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_unknown_path_is_json_404(client):
    response = client.http.get("/v1/tickets")
    assert response.status_code == 404
    assert "/v1/tickets" in response.json()["message"]


def test_wrong_method_is_405_with_allow(client):
    response = client.http.delete("/v1/ticket")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert response.json()["message"]


def test_the_server_survives_a_garbage_request_line(server, client):
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as raw:
        raw.sendall(b"\x00\x01 NONSENSE\r\n\r\n")
        raw.recv(1024)
    assert client.add_ticket().status_code == 202


@pytest.mark.parametrize("code", ["²", "٣٠٠", "2" * 4301, "", "20 0"])
def test_a_prefer_code_that_is_not_ascii_digits_is_400_and_the_connection_lives(client, code):
    response = client.http.post("/v1/ticket", json={"department": "support", "subject": "x"}, headers={"Prefer": f"code={code}".encode()})
    assert response.status_code in (400, 202), "an empty code is no code"
    assert client.http.get("/v1/ticket").status_code == 200


@pytest.mark.parametrize("service_id", ["9" * 4301, "٣", "²"])
def test_a_form_integer_that_is_not_ascii_digits_is_a_422_naming_it(client, service_id):
    response = client.http.post("/v1/ticket", data={"department": "support", "subject": "x", "service_id": service_id})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["service_id"]


@pytest.mark.parametrize("ticket", ["9" * 4301, "٣"])
def test_a_ticket_id_of_thousands_of_digits_or_other_scripts_is_not_a_500(client, ticket):
    assert client.http.get(f"/v1/ticket/{ticket}").status_code in (404, 422)


def test_an_integer_written_with_a_point_is_the_integer_json_schema_says_it_is(client):
    # JSON Schema counts 4.0 as an integer; the OpenAPI document says
    # integer, so the server takes it, and keeps it as 4.
    queued = client.http.post("/v1/ticket", json={**TICKET, "service_id": 4.0})
    assert queued.status_code == 202, queued.text
    assert queued.json()["input"]["service_id"] == 4 and isinstance(queued.json()["input"]["service_id"], int)
    refused = client.http.post("/v1/ticket", json={**TICKET, "service_id": 4.5})
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"service_id"}


def test_a_form_says_true_and_false_for_a_boolean(client):
    # As PHP clients post a form: booleans as text.
    made = client.http.post("/v1/creditcard", data={"cvv": "123", "number": "4242424242424242", "expiration": "1924905600", "make_primary": "true"})
    assert made.status_code == 202, made.text
    client.advance(3600)
    assert client.http.get(made.headers["location"]).json()["status"] == "success"
    assert [card["is_primary"] for card in client.http.get("/v1/creditcard").json()] == [True]
    refused = client.http.post("/v1/creditcard", data={"cvv": "123", "number": "4242424242424242", "expiration": "1924905600", "make_primary": "maybe"})
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"make_primary"}


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("example.com", True),
        ("exa\x1fmple.com", True),  # no white space to ECMA-262, which the document's patterns are written in
        ("exa\u00a0mple.com", False),  # white space to ECMA-262
        ("example.com\n", False),  # a pattern's $ is the end of the text, not before a final newline
    ],
)
def test_a_pattern_means_what_the_document_says_to_any_client(client, text, valid):
    """Input patterns are checked as JSON Schema reads them (ECMA-262), not
    as Python's ``re`` would: ``\\s``, ``.`` and ``$`` differ."""
    response = client.http.get(f"/v1/domain/availability/{quote(text, safe='')}")
    assert (response.status_code != 422) is valid, response.text
