"""API tokens (``api-token/*.md``): keys a user makes for scripts.  A token
made here is a working key of the account from then on, shown once, in the
201; deleting its record revokes it."""

from __future__ import annotations

from portal_mock.catalog.model import ANY_KEY, CREATED, LIST, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.domain.resources import Create, Delete, Edit, Kind
from portal_mock.domain.shapes import STRING, Copy, Fake, Id, Metadata

API_TOKEN = Kind(
    "api-token",
    scope="client-user-api-token",
    uri="/v1/api-token/{id}",
    shape={"id": Id(), "identity": Copy("name", STRING), "metadata": Metadata(), "name": Fake("slug", input="name")},
)

NAME = {"type": "object", "required": ["name"], "properties": {"name": {**TEXT, "pattern": r"^[^\r\n]*\S[^\r\n]*$"}}}
"""A name of a single line of text, as the pages require."""

FAMILY = Family(
    "api-token",
    kinds=(API_TOKEN,),
    actions=(
        Action(
            "api-token:add",
            "POST",
            "/v1/api-token",
            "Make an API token",
            ANY_KEY,
            CREATED,
            "api-token",
            NAME,
            Create(),
            example={"name": "laptop"},
            behaviour="creates it and a working key of the account, shown once",
        ),
        Action("api-token:list", "GET", "/v1/api-token", "List API tokens", ANY_KEY, LIST, "api-token", fields={"id": "id", "name": "name"}),
        Action("api-token:show", "GET", "/v1/api-token/{id}", "Show an API token", ANY_KEY, SHOW, "api-token"),
        Action(
            "api-token:edit", "POST", "/v1/api-token/{id}", "Rename an API token", ANY_KEY, QUEUED, "api-token", NAME, Edit(), example={"name": "workstation"}
        ),
        Action(
            "api-token:delete",
            "DELETE",
            "/v1/api-token/{id}",
            "Delete an API token",
            ANY_KEY,
            QUEUED,
            "api-token",
            effect=Delete(),
            behaviour="removes it; its key answers 401 from then on",
        ),
    ),
)
