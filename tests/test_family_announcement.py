"""Announcements: reference data every account starts with, listed,
sorted by the page's sortBy values and shown; 401, 403, 404, 416 and 422."""

from __future__ import annotations

import httpx
from helpers import TLS


def test_every_account_starts_with_announcements_each_shown_as_listed(client):
    listed = client.http.get("/v1/announcement")
    assert listed.status_code == 200
    announcements = listed.json()
    assert len(announcements) == 3
    assert listed.headers["content-range"] == "items 1-3/3"
    for announcement in announcements:
        assert announcement["identity"] == f"#{announcement['id']} {announcement['title']}"
        assert announcement["metadata"] == {"scope": "announcement", "uri": f"/v1/announcement/{announcement['id']}"}
        assert announcement["status"] == "active"
        assert isinstance(announcement["post_date"], int) and announcement["body"]
        assert client.http.get(announcement["metadata"]["uri"]).json() == announcement


def test_the_list_sorts_by_post_date_and_title_and_filters_by_id(client):
    announcements = client.http.get("/v1/announcement").json()
    by_date = client.http.get("/v1/announcement", params={"sortBy": "post_date", "sortOrder": "DESC"}).json()
    assert [a["post_date"] for a in by_date] == sorted((a["post_date"] for a in announcements), reverse=True)
    by_title = client.http.get("/v1/announcement", params={"sortBy": "title"}).json()
    assert [a["title"] for a in by_title] == sorted(a["title"] for a in announcements)
    wanted = announcements[1]["id"]
    assert [a["id"] for a in client.http.get("/v1/announcement", params={"filter[id]": wanted}).json()] == [wanted]
    assert client.http.get("/v1/announcement", params={"sortBy": "body"}).status_code == 422
    assert client.http.get("/v1/announcement", params={"page": 2}).status_code == 416


def test_an_unknown_announcement_is_a_404_and_a_bad_id_a_422(client):
    ids = {a["id"] for a in client.http.get("/v1/announcement").json()}
    unknown = next(id for id in range(1, 10) if id not in ids)
    assert client.http.get(f"/v1/announcement/{unknown}").status_code == 404
    assert client.http.get("/v1/announcement/latest").status_code == 422


def test_announcements_take_the_announcement_view_permission(client, anonymous):
    assert anonymous.get("/v1/announcement").status_code == 401
    assert anonymous.get("/v1/announcement/1").status_code == 401
    first = client.http.get("/v1/announcement").json()[0]["id"]
    with httpx.Client(base_url=client.server.url, headers={"Authorization": f"Bearer {client.another_key(['ticket view'])}"}, verify=TLS) as other:
        assert other.get("/v1/announcement").status_code == 403
        assert other.get(f"/v1/announcement/{first}").status_code == 403
