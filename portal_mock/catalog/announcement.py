"""Announcements (``announcement/*.md``): the Portal's maintenance and
service notices, reference data every account starts with."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Fake, Format, Id, Metadata, When

ANNOUNCEMENT = Kind(
    "announcement",
    scope="announcement",
    uri="/v1/announcement/{id}",
    stock=3,
    shape={
        "id": Id(),
        "identity": Format("#{id} {title}"),
        "status": "active",
        "body": Fake("paragraph"),
        "metadata": Metadata(),
        "post_date": When((-365, -1)),
        "title": Fake("catch_phrase"),
    },
)

FAMILY = Family(
    "announcement",
    kinds=(ANNOUNCEMENT,),
    actions=(
        Action(
            "announcement:list", "GET", "/v1/announcement", "List announcements", "announcement view", LIST, "announcement",
            fields={"id": "id"}, sorts=("id", "post_date", "title"),
        ),
        Action("announcement:show", "GET", "/v1/announcement/{id}", "Show an announcement", "announcement view", SHOW, "announcement"),
    ),
)
