"""ticket:list — GET /v1/ticket, as portal-api.md documents it."""

from __future__ import annotations

import pytest

SUBJECTS = ["Mail bounces", "Site is down", "DNS not resolving", "mail quota full", "SSL expired"]


@pytest.fixture
def five(client):
    """Five resolved tickets on the client's account, in creation order."""
    for subject in SUBJECTS:
        assert client.add_ticket(subject=subject).status_code == 202
    client.advance(2)
    return client


def subjects(response) -> list[str]:
    return [ticket["subject"] for ticket in response.json()]


def test_lists_the_accounts_tickets_by_id_with_content_range(five):
    response = five.http.get("/v1/ticket")
    assert response.status_code == 200
    assert response.headers["content-range"] == "items 1-5/5"
    tickets = response.json()
    assert [t["id"] for t in tickets] == sorted(t["id"] for t in tickets)
    assert subjects(response) == SUBJECTS
    assert tickets[0] == five.http.get(f"/v1/ticket/{tickets[0]['id']}").json()
    assert response.headers["nocworx-api-version"] == "0.5.0"


def test_an_empty_list_is_200_with_a_zero_range(client):
    response = client.http.get("/v1/ticket")
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["content-range"] == "items 0-0/0"


def test_a_pending_ticket_add_is_not_listed_yet(client):
    client.add_ticket()
    assert client.http.get("/v1/ticket").json() == []
    client.advance(2)
    assert len(client.http.get("/v1/ticket").json()) == 1


def test_filter_subject_is_exact_ignoring_case(five):
    response = five.http.get("/v1/ticket", params={"filter[subject]": "MAIL BOUNCES"})
    assert subjects(response) == ["Mail bounces"]
    assert response.headers["content-range"] == "items 1-1/1"
    assert five.http.get("/v1/ticket", params={"filter[subject]": "Mail"}).json() == []


def test_filter_id(five):
    wanted = five.http.get("/v1/ticket").json()[2]["id"]
    response = five.http.get("/v1/ticket", params={"filter[id]": str(wanted)})
    assert [t["id"] for t in response.json()] == [wanted]


def test_filter_status(five):
    assert len(five.http.get("/v1/ticket", params={"filter[status]": "Open"}).json()) == 5
    assert five.http.get("/v1/ticket", params={"filter[status]": "Closed"}).json() == []


def test_match_subject_is_partial_ignoring_case(five):
    response = five.http.get("/v1/ticket", params={"match[subject]": "MAIL"})
    assert subjects(response) == ["Mail bounces", "mail quota full"]


def test_match_id_and_status_are_partial(five):
    first = five.http.get("/v1/ticket").json()[0]["id"]
    assert first in [t["id"] for t in five.http.get("/v1/ticket", params={"match[id]": str(first)[:-1]}).json()]
    assert len(five.http.get("/v1/ticket", params={"match[status]": "pe"}).json()) == 5


def test_filters_and_matches_combine(five):
    response = five.http.get("/v1/ticket", params={"match[subject]": "mail", "filter[status]": "open", "match[id]": ""})
    assert subjects(response) == ["Mail bounces", "mail quota full"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"sortBy": "subject"}, sorted(SUBJECTS, key=str.casefold)),
        ({"sortBy": "subject", "sortOrder": "DESC"}, sorted(SUBJECTS, key=str.casefold, reverse=True)),
        ({"sortBy": "id", "sortOrder": "DESC"}, SUBJECTS[::-1]),
        ({"sortOrder": "desc"}, SUBJECTS[::-1]),
        ({"sortBy": "status"}, SUBJECTS),
    ],
)
def test_sorting(five, params, expected):
    assert subjects(five.http.get("/v1/ticket", params=params)) == expected


def test_paging_through_to_the_last_partial_page(five):
    pages = [five.http.get("/v1/ticket", params={"pageSize": 2, "page": n}) for n in (1, 2, 3)]
    assert [p.headers["content-range"] for p in pages] == ["items 1-2/5", "items 3-4/5", "items 5-5/5"]
    assert sum((subjects(p) for p in pages), []) == SUBJECTS


@pytest.mark.parametrize(
    "params",
    [
        {"pageSize": 2, "page": 4},
        {"page": 2},
        {"page": 0},
        {"page": -1},
        {"pageSize": 0},
        {"pageSize": -5},
        {"pageSize": 251},
        {"page": "9" * 40},
    ],
)
def test_a_page_or_page_size_out_of_range_is_416(five, params):
    response = five.http.get("/v1/ticket", params=params)
    assert response.status_code == 416
    assert response.headers["content-range"] == "items */5"
    assert response.json()["message"]


def test_page_one_of_an_empty_list_is_fine_but_page_two_is_416(client):
    assert client.http.get("/v1/ticket", params={"page": 1}).status_code == 200
    assert client.http.get("/v1/ticket", params={"page": 2}).status_code == 416


def test_the_largest_page_size_is_250(five):
    assert five.http.get("/v1/ticket", params={"pageSize": 250}).status_code == 200


def test_a_422_names_every_bad_parameter_at_once(five):
    response = five.http.get(
        "/v1/ticket",
        params={"sortBy": "priority", "sortOrder": "UP", "page": "two", "pageSize": "1.5", "filter[color]": "red", "match[]": "x"},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sortBy", "sortOrder", "page", "pageSize", "filter[color]", "match[]"}
    assert "subject" in response.json()["errors"]["sortBy"][0]


def test_unknown_parameters_are_ignored(five):
    response = five.http.get("/v1/ticket", params={"color": "red", "flavour": ""})
    assert response.status_code == 200
    assert subjects(response) == SUBJECTS


def test_an_empty_value_is_a_value_checked_like_any_other(five):
    """``page=`` is not page 1: it is a page that is not an integer, as the
    document's integer schema says; a filter on the empty string matches
    the records whose field is empty (here none)."""
    response = five.http.get("/v1/ticket", params={"sortBy": "", "sortOrder": "", "page": "", "pageSize": ""})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sortBy", "sortOrder", "page", "pageSize"}
    assert five.http.get("/v1/ticket?filter[subject]=").json() == []
    assert subjects(five.http.get("/v1/ticket?match[subject]=")) == SUBJECTS
    assert set(five.http.get("/v1/ticket?filter[color]=").json()["errors"]) == {"filter[color]"}


def test_a_repeated_parameter_keeps_its_last_value(five):
    response = five.http.get("/v1/ticket", params=[("sortOrder", "ASC"), ("sortOrder", "DESC")])
    assert subjects(response) == SUBJECTS[::-1]


def test_another_accounts_tickets_are_not_listed(five):
    other = five.control.mint_key(label="list-other").key
    response = five.http.get("/v1/ticket", headers={"Authorization": f"Bearer {other}"})
    assert response.json() == [] and response.headers["content-range"] == "items 0-0/0"


def test_needs_ticket_view(client):
    editor = client.another_key(permissions=["ticket edit"])
    response = client.http.get("/v1/ticket", headers={"Authorization": f"Bearer {editor}"})
    assert response.status_code == 403
    assert "ticket view" in response.json()["message"]


def test_401_without_a_key(anonymous):
    assert anonymous.get("/v1/ticket").status_code == 401


def test_auth_comes_before_bad_parameters(anonymous):
    assert anonymous.get("/v1/ticket", params={"page": "x"}).status_code == 401


def test_a_wrong_method_on_the_collection_allows_both_get_and_post(client):
    response = client.http.delete("/v1/ticket")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "POST"}
