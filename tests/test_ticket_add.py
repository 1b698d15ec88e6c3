"""ticket:add — POST /v1/ticket, as portal-api.md documents it."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from helpers import TICKET, TLS

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_accepted_with_a_pending_task_and_its_location(client):
    response = client.add_ticket(comment="It returns 502.")
    assert response.status_code == 202
    task = response.json()
    assert response.headers["location"] == f"/v1/task/{task['uuid']}"
    assert UUID4.match(task["uuid"])
    assert task["status"] == "pending"
    assert task["identity"] == "ticket:add (pending)"
    assert task["action"] == "ticket:add"
    assert task["api_version"] == "0.5.0"
    assert task["errors"] == {}
    assert task["input"] == {**TICKET, "comment": "It returns 502."}
    assert task["metadata"] == {"scope": "api-task", "uri": f"/v1/task/{task['uuid']}"}
    assert isinstance(task["id"], int) and isinstance(task["request_date"], int)
    assert task["resolved_date"] is None and task["resource"] is None and task["staff_user"] is None
    user = task["user"]
    assert re.match(r"^.+ - [^@ ]+@[^@ ]+$", user["identity"])
    assert user["metadata"] == {"scope": "user", "uri": f"/v1/user/{user['id']}"}


def test_portal_headers_on_every_response(client, anonymous):
    for response in (client.add_ticket(), anonymous.get("/v1/ticket/1"), client.http.get("/v1/nowhere")):
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["server"] == "nginx"
        assert response.headers["nocworx-api-version"] == "0.5.0"
        assert response.headers["x-powered-by"] == "PHP/7.4.3"
        assert response.headers["served-by"]


def test_every_optional_field_is_accepted(client):
    fields = {"category": "site_down", "comment": "Down since noon.", "service_id": 42, "recipients": ["ops@example.com", "cto@example.com"]}
    response = client.add_ticket(**fields)
    assert response.status_code == 202
    assert response.json()["input"] == {**TICKET, **fields}


@pytest.mark.parametrize("department", ["support", "billing", "sales", "migrations"])
def test_each_department_is_accepted(client, department):
    assert client.add_ticket(department=department).status_code == 202


def test_a_422_names_every_bad_field_at_once(client):
    response = client.http.post(
        "/v1/ticket",
        json={"department": "legal", "category": "weather", "service_id": "12", "recipients": "ops@example.com", "comment": 5},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"department", "category", "subject", "service_id", "recipients", "comment"}
    assert errors["subject"] == ["This field is required."]
    assert "support" in errors["department"][0]
    assert response.json()["message"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": 7}, "subject"),
        ({"department": None}, "department"),
        ({"service_id": 0}, "service_id"),
        ({"service_id": True}, "service_id"),
        ({"service_id": 1.5}, "service_id"),
        ({"recipients": ["not-an-address"]}, "recipients"),
        ({"recipients": [3]}, "recipients"),
    ],
)
def test_field_rules(client, fields, field):
    response = client.add_ticket(**fields)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_null_optional_fields_count_as_absent(client):
    response = client.add_ticket(category=None, comment=None, service_id=None, recipients=None)
    assert response.status_code == 202
    assert response.json()["input"] == TICKET


def test_an_empty_string_is_still_checked_in_json(client):
    response = client.add_ticket(category="")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["category"]


def test_an_empty_form_field_is_a_value_checked_as_json_checks_it(client):
    """A form leaves a field out by leaving it out: an empty one is the
    empty string, refused where the JSON ``""`` is and kept where it is."""
    response = client.http.post("/v1/ticket", data={**TICKET, "category": "", "service_id": ""})
    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["category", "service_id"]
    as_json = client.add_ticket(comment="")
    as_form = client.http.post("/v1/ticket", data={**TICKET, "comment": ""})
    assert as_form.status_code == as_json.status_code
    if as_form.status_code == 202:
        assert as_form.json()["input"] == as_json.json()["input"] == {**TICKET, "comment": ""}


def test_unknown_fields_are_ignored(client):
    response = client.add_ticket(priority="urgent")
    assert response.status_code == 202
    assert "priority" not in response.json()["input"]


def test_form_body_with_php_style_array(client):
    response = client.http.post(
        "/v1/ticket",
        content="department=billing&subject=Invoice+wrong&service_id=77&recipients[]=a%40example.com&recipients[]=b%40example.com",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 202, response.text
    assert response.json()["input"] == {
        "department": "billing",
        "subject": "Invoice wrong",
        "service_id": 77,
        "recipients": ["a@example.com", "b@example.com"],
    }


def test_form_body_errors_name_fields(client):
    response = client.http.post("/v1/ticket", data={"department": "support", "service_id": "twelve"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"subject", "service_id"}


def test_concurrent_adds_get_distinct_ids(client):
    def add(_):
        with httpx.Client(base_url=str(client.http.base_url), headers=client.http.headers, verify=TLS) as http:
            return http.post("/v1/ticket", json=TICKET).json()

    with ThreadPoolExecutor(8) as pool:
        tasks = list(pool.map(add, range(40)))
    assert len({t["id"] for t in tasks}) == 40
    assert len({t["uuid"] for t in tasks}) == 40
    client.advance(2)
    tickets = {client.http.get(f"/v1/task/{t['uuid']}").json()["resource"]["id"] for t in tasks}
    assert len(tickets) == 40


@pytest.mark.parametrize("fields", [{"service_id": "12"}, {"service_id": [1]}, {"comment": 5}, {"recipients": {"a": 1}}])
def test_wrong_types_in_optional_fields_are_422_not_500(client, fields):
    response = client.add_ticket(**fields)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(fields)
