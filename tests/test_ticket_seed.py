"""Tickets.seed — the tickets an account starts with, from partial
descriptions; Faker fills the rest from the account's seed."""

from __future__ import annotations

import re

import pytest

from portal_mock.domain.accounts import Registry
from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.people import Person
from portal_mock.domain.tickets import DEPARTMENTS, PRIORITIES, STATUSES

NOW = 1_800_000_000.0
DOCUMENTED = {
    "id", "identity", "mask", "company_id", "client_id", "subject", "recent_post", "last_reply_by", "last_replier_name",
    "num_posts", "num_posts_staff", "update_date", "staff_update_date", "client_update_date", "resolved_date", "rating",
    "category", "department", "priority", "status", "is_closed", "is_closeable",
}


def tickets(seed: int = 1):
    return Registry(seed=seed, clock=ClockSpec("manual")).create_account("seeded").tickets


def test_an_empty_partial_gets_every_documented_field():
    body = tickets().seed([{}], NOW)[0].to_dict()
    assert DOCUMENTED <= set(body)
    assert re.fullmatch(r"[A-Z]{4}-\d{4}", body["mask"]) and body["identity"] == body["mask"]
    assert body["subject"] and body["num_posts"] >= 1
    post = body["recent_post"]
    assert post["body"] and post["name"] and post["meta"] == {"scope": "ticket-post"}
    assert re.fullmatch(r".+ - \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", post["identity"])
    assert body["last_reply_by"] == post["reply_by"] and body["last_replier_name"] == post["name"]
    for table, key in ((STATUSES, "status"), (PRIORITIES, "priority")):
        number, color = table[body[key]["name"]]
        assert body[key] == {"name": body[key]["name"], "color": color, "id": number, "identity": body[key]["name"], "is_real": True}
    assert body["department"]["color"] in {color for _, _, color in DEPARTMENTS.values()}


def test_dates_are_consistent_with_the_clock():
    for ticket in tickets().seed([{} for _ in range(20)] + [{"status": "Closed"}], NOW):
        dates = [post["date"] for post in ticket.posts]
        assert dates == sorted(dates) and all(NOW - 30 * 86400 <= d <= NOW for d in dates)
        assert ticket.update_date == max([*dates, ticket.resolved_date])
        assert ticket.client_update_date == max(p["date"] for p in ticket.posts if p["reply_by"] == "client")
        staff = [p["date"] for p in ticket.posts if p["reply_by"] == "staff"]
        assert ticket.staff_update_date == (max(staff) if staff else 0) and ticket.num_posts_staff == len(staff)
        if ticket.is_closed:
            assert dates[-1] <= ticket.resolved_date <= NOW and 1 <= ticket.rating <= 5
        else:
            assert ticket.resolved_date == 0 and ticket.rating == 0


def test_given_fields_are_kept():
    partial = {
        "id": 123456,
        "mask": "ABCD-0001",
        "subject": "Backups missing",
        "department": "billing",
        "category": "backups",
        "priority": "Urgent",
        "status": "Closed",
        "rating": 2,
        "is_authenticated": False,
        "service_id": 9,
        "recipients": ["ops@example.com"],
        "posts": [{"body": "Where are they?", "name": "Ann Lee", "date": NOW - 60}, {"reply_by": "staff", "body": "Found."}],
    }
    body = tickets().seed([partial], NOW)[0].to_dict()
    assert (body["id"], body["mask"], body["subject"], body["rating"]) == (123456, "ABCD-0001", "Backups missing", 2)
    assert (body["department"]["name"], body["category"]["identity"], body["priority"]["name"]) == ("Billing", "Backups", "Urgent")
    assert body["is_closed"] and not body["is_closeable"] and not body["is_authenticated"]
    assert (body["service_id"], body["recipients"]) == (9, ["ops@example.com"])
    assert body["num_posts"] == 2 and body["num_posts_staff"] == 1 and body["last_reply_by"] == "staff"
    assert body["client_update_date"] == int(NOW - 60)


def test_category_null_means_none():
    assert tickets().seed([{"category": None}], NOW)[0].to_dict()["category"] is None


def test_no_posts_means_no_recent_post():
    body = tickets().seed([{"posts": []}], NOW)[0].to_dict()
    assert body["recent_post"] is None and body["num_posts"] == 0 and body["last_reply_by"] is None


def test_the_same_seed_gives_the_same_tickets():
    first, second, other = (t.seed([{}, {"status": "Open"}], NOW) for t in (tickets(5), tickets(5), tickets(6)))
    assert [t.to_dict() for t in first] == [t.to_dict() for t in second]
    assert [t.to_dict() for t in first] != [t.to_dict() for t in other]


@pytest.mark.parametrize(
    "partial, field",
    [
        ({"status": "Pending"}, "status"),
        ({"department": "legal"}, "department"),
        ({"mask": "abcd-1"}, "mask"),
        ({"rating": 6}, "rating"),
        ({"colour": "red"}, "colour"),
        ({"posts": [{"reply_by": "robot"}]}, "posts"),
        ({"posts": [{"sender": "x"}]}, "posts"),
        ({"id": 0}, "id"),
    ],
)
def test_a_bad_partial_names_the_ticket_and_field_and_makes_nothing(partial, field):
    collection = tickets()
    with pytest.raises(ValueError, match=rf"ticket 2: {field}:"):
        collection.seed([{}, partial], NOW)
    assert len(collection) == 0


def test_ids_are_unique():
    collection = tickets()
    collection.seed([{"id": 77}], NOW)
    with pytest.raises(ValueError, match="ticket 1: id: Ticket 77 already exists"):
        collection.seed([{"id": 77}], NOW)
    with pytest.raises(ValueError, match="ticket 2: id"):
        collection.seed([{"id": 78}, {"id": 78}], NOW)


def test_seeded_tickets_are_served_and_listed(client):
    seeded = client.seed_tickets([{"subject": "Seeded one", "status": "Closed"}, {}])
    shown = client.http.get(f"/v1/ticket/{seeded[0]['id']}").json()
    assert shown["subject"] == "Seeded one" and shown["status"]["name"] == "Closed"
    closed = client.http.get("/v1/ticket", params={"filter[status]": "Closed", "filter[id]": seeded[0]["id"]}).json()
    assert [t["id"] for t in closed] == [seeded[0]["id"]]


def test_later_tickets_step_over_seeded_ids():
    """Two accounts draw the same stream; the second seeds the id the first
    got from its next ticket:add, so its own next add would collide."""
    user = Person(1, "Ann Lee", "ann@example.com")
    fields = {"department": "support", "subject": "next"}
    first, second = tickets(), tickets()
    first.seed([{"id": 1, "posts": []}], NOW)
    taken = first.add(fields, user, NOW).id
    second.seed([{"id": taken, "posts": []}], NOW)
    assert second.add(fields, user, NOW).id != taken


def test_null_or_empty_means_left_out():
    ticket = tickets().seed([{"rating": "", "is_authenticated": None, "status": None, "posts": [{"date": None, "body": ""}]}], NOW)[0]
    body = ticket.to_dict()
    assert isinstance(body["rating"], int) and body["is_authenticated"] is True and body["status"]["name"] in STATUSES
    assert body["recent_post"]["body"] and isinstance(body["recent_post"]["date"], int)
