"""Support tickets: one account's tickets and what queued actions do to them.

Methods here are the *effects* of ticket tasks: they run when a task
resolves with success, never at request time, so a failed or rejected task
leaves every ticket exactly as it was.  ``seed`` is the exception: it makes
the tickets an account starts with.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from portal_mock.domain.errors import Rejected
from portal_mock.domain.fakedata import FakeData
from portal_mock.domain.listing import OrderCache
from portal_mock.domain.people import Person, reference
from portal_mock.domain.validation import nullable, validate

DEPARTMENTS = {
    "support": (1, "Support", "3b8fbf"),
    "billing": (2, "Billing", "bf8a3b"),
    "sales": (3, "Sales", "5fbf3b"),
    "migrations": (4, "Migrations", "8a3bbf"),
}
CATEGORIES = {
    "application": (1, "Application"),
    "autoscale": (2, "Autoscale"),
    "backups": (3, "Backups"),
    "cdn": (4, "CDN"),
    "container": (5, "Container"),
    "dns": (6, "DNS"),
    "email": (7, "Email"),
    "ip_blacklist": (8, "IP Blacklist"),
    "plugin_extension": (9, "Plugin/Extension"),
    "provisioning_failure": (13, "Provisioning Failure"),
    "resource_usage": (11, "Resource Usage"),
    "security": (12, "Security"),
    "site_down": (10, "Site Down"),
    "ssl": (14, "SSL"),
}
"""ticket:add's categories, with their ids and names; "Site Down" is id 10
in the vendor's ticket:show example, the other ids are the mock's."""
STATUSES = {"Open": (1, "82bf3b"), "Closed": (5, "9e9e9e")}
PRIORITIES = {"Low": (1, "9e9e9e"), "Normal": (2, "3b8fbf"), "Urgent": (3, "e60e0e"), "High": (4, "bf8a3b")}
"""Priority ids and colours: "Urgent" (3, e60e0e) is the vendor's example,
the others are the mock's."""
OLDEST_SEEDED = 30 * 86400

SEED_POST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "body": {"type": "string"},
        "name": {"type": "string", "minLength": 1},
        "reply_by": {"type": "string", "enum": ["client", "staff"]},
        "date": {"type": "number"},
    },
}
SEED_TICKET = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "mask": {"type": "string", "pattern": "[A-Z]{4}-[0-9]{4}"},
        "subject": {"type": "string", "minLength": 1},
        "department": {"type": "string", "enum": list(DEPARTMENTS)},
        "category": nullable({"type": "string", "enum": list(CATEGORIES)}),
        "priority": {"type": "string", "enum": list(PRIORITIES)},
        "status": {"type": "string", "enum": list(STATUSES)},
        "rating": {"type": "integer", "minimum": 0, "maximum": 5},
        "is_authenticated": {"type": "boolean"},
        "service_id": {"type": "integer", "minimum": 1},
        "recipients": {"type": "array", "items": {"type": "string", "format": "email"}},
        "posts": {"type": "array", "items": SEED_POST},
    },
}
"""What ``Tickets.seed`` accepts for one ticket (JSON Schema, so scenario
files can be checked against it); every field is optional."""


def _ticket_id(ticket: Ticket) -> int:
    return ticket.id


def _labelled(name: str, id: int, color: str) -> dict[str, Any]:
    return {"name": name, "color": color, "id": id, "identity": name, "is_real": True}


def _post_date(at: float) -> str:
    return time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(at))


@dataclass(slots=True)
class Ticket:
    id: int
    mask: str
    company_id: int
    client_id: int
    subject: str
    department: str
    category: str | None
    priority: str = "Normal"
    status: str = "Open"
    posts: tuple[dict[str, Any], ...] = ()
    """Oldest first.  Tuples, like ``recipients``: most tickets never get a
    post or a recipient after they open, and an empty tuple is shared where
    an empty list is 56 bytes more per stored ticket."""
    num_posts_staff: int = 0
    update_date: int = 0
    staff_update_date: int = 0
    client_update_date: int = 0
    resolved_date: int = 0
    rating: int = 0
    is_authenticated: bool = False
    service_id: int | None = None
    recipients: tuple[str, ...] = ()

    @property
    def is_closed(self) -> bool:
        return self.status == "Closed"

    @property
    def is_closeable(self) -> bool:
        """Open and answered by staff: the vendor's example shows an open
        ticket without a staff post as not closeable."""
        return not self.is_closed and self.num_posts_staff > 0

    @property
    def uri(self) -> str:
        return f"/v1/ticket/{self.id}"

    def to_reference(self) -> dict[str, Any]:
        return reference(self.id, self.mask, "ticket", self.uri)

    def to_dict(self) -> dict[str, Any]:
        recent = self.posts[-1] if self.posts else None
        dept_id, dept_name, dept_color = DEPARTMENTS[self.department]
        category = None
        if self.category:
            category = {
                "id": CATEGORIES[self.category][0],
                "identity": CATEGORIES[self.category][1],
                "is_real": True,
                "meta": {"scope": "ticket-category"},
            }
        return {
            "id": self.id,
            "identity": self.mask,
            "mask": self.mask,
            "company_id": self.company_id,
            "client_id": self.client_id,
            "subject": self.subject,
            "recent_post": recent,
            "last_reply_by": recent["reply_by"] if recent else None,
            "last_replier_name": recent["name"] if recent else None,
            "num_posts": len(self.posts),
            "num_posts_staff": self.num_posts_staff,
            "update_date": self.update_date,
            "staff_update_date": self.staff_update_date,
            "client_update_date": self.client_update_date,
            "resolved_date": self.resolved_date,
            "rating": self.rating,
            "category": category,
            "department": _labelled(dept_name, dept_id, dept_color),
            "priority": _labelled(self.priority, *PRIORITIES[self.priority]),
            "status": _labelled(self.status, *STATUSES[self.status]),
            "is_closed": self.is_closed,
            "is_closeable": self.is_closeable,
            "is_authenticated": self.is_authenticated,
            "service_id": self.service_id,
            "recipients": list(self.recipients),
        }


def _given(partial: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """A partial without the fields it leaves to Faker (null or empty); a
    field in ``keep`` stays, empty meaning ``None``."""
    return {
        name: None if value in (None, "") else value for name, value in partial.items() if value not in (None, "") or name in keep
    }


def _as_validated(partial: dict[str, Any]) -> dict[str, Any]:
    """A partial as validation should see it: left-out fields gone, in its
    posts too."""
    given = _given(partial, keep=("category",))
    if isinstance(given.get("posts"), list):
        given["posts"] = [_given(post) if isinstance(post, dict) else post for post in given["posts"]]
    return given


class Tickets:
    """One account's tickets, keyed by id."""

    def __init__(self, fake: FakeData, company_id: int, client_id: int) -> None:
        self.fake = fake
        self.company_id = company_id
        self.client_id = client_id
        self._by_id: dict[int, Ticket] = {}
        self._orders = OrderCache()

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, ticket_id: int) -> Ticket | None:
        return self._by_id.get(ticket_id)

    def all(self) -> list[Ticket]:
        return list(self._by_id.values())

    def sorted_by(self, key: str, descending: bool, sort_key: Callable[[Ticket], Any]) -> list[Ticket]:
        """ticket:list's order, sorted at most once per change."""
        return self._orders.ordered(self.all, key, descending, sort_key, _ticket_id)

    def render(self, ticket: Ticket) -> dict[str, Any]:
        return ticket.to_dict()

    def changed(self) -> None:
        """A ticket was added or changed in place: orders kept for lists are stale."""
        self._orders.changed()

    def _next_id(self) -> int:
        """A fresh id from the seeded stream, stepping over seeded tickets' ids."""
        ticket_id = self.fake.ticket_id()
        while ticket_id in self._by_id:
            ticket_id = self.fake.ticket_id()
        return ticket_id

    def _post(self, ticket: Ticket, body: str, name: str, at: float, reply_by: str = "client") -> None:
        ticket.posts += (
            {
                "id": self.fake.small_id(),
                "identity": f"{name} - {_post_date(at)}",
                "is_real": True,
                "meta": {"scope": "ticket-post"},
                "body": body,
                "name": name,
                "date": int(at),
                "reply_by": reply_by,
            },
        )
        ticket.update_date = int(at)
        self.changed()
        if reply_by == "staff":
            ticket.num_posts_staff += 1
            ticket.staff_update_date = int(at)
        else:
            ticket.client_update_date = int(at)

    def add(self, fields: dict[str, Any], author: Person, at: float) -> Ticket:
        """Open a ticket from ticket:add input (already validated)."""
        ticket = Ticket(
            id=self._next_id(),
            mask=self.fake.mask(),
            company_id=self.company_id,
            client_id=self.client_id,
            subject=fields["subject"],
            # Names from short fixed lists, interned: a ticket shares one
            # string with every other rather than keeping its request's copy.
            department=sys.intern(fields["department"]),
            category=sys.intern(fields["category"]) if fields.get("category") else None,
            service_id=fields.get("service_id"),
            recipients=tuple(fields.get("recipients", ())),
            is_authenticated=True,
            update_date=int(at),
        )
        if fields.get("comment"):
            self._post(ticket, fields["comment"], author.name, at)
        self._by_id[ticket.id] = ticket
        self.changed()
        return ticket

    def comment(self, ticket_id: int, body: str, author: Person, at: float) -> Ticket:
        ticket = self._require(ticket_id)
        self._post(ticket, body, author.name, at)
        return ticket

    def close(self, ticket_id: int, at: float) -> Ticket:
        ticket = self._require(ticket_id)
        if ticket.is_closed:
            raise Rejected(f"Ticket {ticket.mask} is already closed.")
        ticket.status, ticket.resolved_date, ticket.update_date = "Closed", int(at), int(at)
        self.changed()
        return ticket

    def reopen(self, ticket_id: int, at: float) -> Ticket:
        ticket = self._require(ticket_id)
        if not ticket.is_closed:
            raise Rejected(f"Ticket {ticket.mask} is already open.")
        ticket.status, ticket.resolved_date, ticket.update_date = "Open", 0, int(at)
        self.changed()
        return ticket

    def claim(self, ticket_id: int, at: float) -> Ticket:
        ticket = self._require(ticket_id)
        if ticket.is_authenticated and ticket.client_id == self.client_id:
            raise Rejected(f"Ticket {ticket.mask} is already claimed.")
        ticket.client_id, ticket.is_authenticated, ticket.update_date = self.client_id, True, int(at)
        self.changed()
        return ticket

    def _require(self, ticket_id: int) -> Ticket:
        ticket = self._by_id.get(ticket_id)
        if ticket is None:
            raise Rejected(f"Ticket {ticket_id} no longer exists.")
        return ticket

    def seed(self, partials: list[dict[str, Any]], at: float) -> list[Ticket]:
        """Make the tickets an account starts with (a scenario's initial
        state) from partial descriptions shaped like ``SEED_TICKET``.

        Whatever a partial leaves out is drawn from the account's seeded
        Faker, so the same seed gives the same tickets: subject, department,
        category, priority, status, one to four posts alternating client and
        staff, and dates consistent with ``at`` (the clock's now): opened up
        to 30 days earlier, posts in order after that, a closed ticket
        resolved after its last post.  Every partial is checked before any
        ticket is made, so a bad one leaves the account as it was.

        A ``null`` or empty field counts as left out, except ``category``,
        where it means no category.  Raises ``ValueError`` naming each bad partial and
        field.
        """
        problems = seed_problems(partials, taken=self._by_id.keys())
        if problems:
            raise ValueError("; ".join(problems))
        return [self._seed_one(partial, at) for partial in partials]

    def _seed_one(self, partial: dict[str, Any], at: float) -> Ticket:
        partial = _given(partial, keep=("category",))
        rng = self.fake.rng
        status = partial.get("status") or rng.choice(("Open", "Open", "Closed"))
        posts = partial.get("posts")
        if posts is None:
            posts = [{} for _ in range(rng.randint(1, 4))]
        opened = at - rng.uniform(3600, OLDEST_SEEDED)
        moments = sorted(rng.uniform(opened, at) for _ in range(len(posts) + 1))
        ticket = Ticket(
            id=partial.get("id") or self._next_id(),
            mask=partial.get("mask") or self.fake.mask(),
            company_id=self.company_id,
            client_id=self.client_id,
            subject=partial.get("subject") or self.fake.sentence().rstrip("."),
            department=partial.get("department") or rng.choice(list(DEPARTMENTS)),
            category=(partial["category"] or None) if "category" in partial else rng.choice([*CATEGORIES, None]),
            priority=partial.get("priority") or rng.choice(("Low", "Normal", "Normal", "Normal", "High", "Urgent")),
            status=status,
            rating=partial.get("rating", rng.randint(1, 5) if status == "Closed" else 0),
            is_authenticated=partial.get("is_authenticated", True),
            service_id=partial.get("service_id"),
            recipients=tuple(partial.get("recipients") or ()),
            update_date=int(opened),
        )
        names = {"client": self.fake.name(), "staff": self.fake.name()}
        for index, post in enumerate(map(_given, posts)):
            reply_by = post.get("reply_by") or ("client" if index % 2 == 0 else "staff")
            body = post.get("body") or self.fake.paragraph()
            self._post(ticket, body, post.get("name") or names[reply_by], post.get("date", moments[index]), reply_by)
        if ticket.is_closed:
            ticket.resolved_date = ticket.update_date = max(ticket.update_date, int(moments[-1]))
        self._by_id[ticket.id] = ticket
        self.changed()
        return ticket


def seed_problems(partials: list[Any], taken: Collection[int] = ()) -> list[str]:
    """What keeps ``partials`` from being an account's starting tickets
    (``Tickets.seed``), each as ``ticket N: field: message``; ids in
    ``taken`` exist already.  A scenario file is checked with it, so a file
    that passes never stops a server, and checking draws nothing."""
    problems: list[str] = []
    wanted_ids: set[int] = set()
    for number, partial in enumerate(partials, start=1):
        errors = validate(SEED_TICKET, _as_validated(partial)) if isinstance(partial, dict) else {"ticket": ["Must be an object."]}
        wanted = partial.get("id") if not errors else None
        if wanted is not None and (wanted in taken or wanted in wanted_ids):
            errors["id"] = [f"Ticket {wanted} already exists."]
        if wanted is not None:
            wanted_ids.add(wanted)
        problems.extend(f"ticket {number}: {name}: {' '.join(messages)}" for name, messages in errors.items())
    return problems
