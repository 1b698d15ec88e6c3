"""Datashares (``datashare/*.md``): secrets shared with the client, each
addressed by its uuid, opened a limited number of times before it expires.
No action makes one: they come from scenario files (``sample-account``
has two)."""

from __future__ import annotations

from portal_mock.catalog.model import ANY_KEY, IMMEDIATE, LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Delete, Kind
from portal_mock.domain.shapes import STRING, Fake, Format, Id, Number, Of, Ref, Secret, Unlinked, When

DATASHARE = Kind(
    "datashare",
    scope="datashare",
    uri="/v1/datashare/{uuid}",
    key="uuid",
    shape={
        "id": Id(),
        "identity": "",
        "metadata": {"scope": "datashare", "uri": Format("/v1/datashare/{uuid}")},
        "expiration_date": When((7, 30)),
        "linked": Unlinked(),
        "max_uses": Number(3, 10),
        "owner": Ref("client"),
        "share_date": When((-5, 0)),
        "type": "client-secret",
        "uses": 0,
        "uuid": Fake("uuid4"),
    },
)

OPENED = {
    "data": Secret(),
    "datashare": {
        "id": Of("id", {"type": "integer"}),
        "identity": Of("identity"),
        "metadata": Of("metadata", {"type": "object"}),
        "type": Of("type", STRING),
    },
}
"""datashare:open's answer: the secret, and which share it came from."""

_BY_UUID = {"uuid": "datashare"}

FAMILY = Family(
    "datashare",
    kinds=(DATASHARE,),
    actions=(
        Action(
            "datashare:list", "GET", "/v1/datashare", "List datashares", ANY_KEY, LIST, "datashare",
            fields={"id": "id", "uuid": "uuid", "owner": "owner.metadata.scope", "owner_id": "owner.id"},
        ),
        Action("datashare:show", "GET", "/v1/datashare/{uuid}", "Show a datashare", ANY_KEY, SHOW, "datashare", params=_BY_UUID),
        Action(
            "datashare:open", "GET", "/v1/datashare/{uuid}/open", "Open a datashare", ANY_KEY, IMMEDIATE, "datashare",
            returns=OPENED, params=_BY_UUID,
            behaviour="answers the secret and counts a use; a share used up or expired is gone (404)",
        ),
        Action(
            "datashare:delete", "DELETE", "/v1/datashare/{uuid}", "Delete a datashare", "datashare delete", QUEUED, "datashare",
            effect=Delete(), params=_BY_UUID,
        ),
    ),
)
