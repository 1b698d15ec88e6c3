"""Attachments (``attachment/link.md``): files attached to the account's
support tickets, each downloaded through a signed link the Portal hands out.

The vendor documents only the link, and names an attachment by that very
endpoint (its ``metadata.uri``); ``attachment:list``, which it does not
document, lets a client (and the fidelity crawl) find the account's
attachments.  Tickets keep their own store (``domain.tickets``), whose
posts carry no attachments, so an attachment names no ticket.
"""

from __future__ import annotations

from portal_mock.catalog.model import IMMEDIATE, LIST, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Fake, Id, Metadata, Signed, Subject, schema_of

ATTACHMENT = Kind(
    "attachment",
    scope="attachment",
    uri="/v1/attachment/{id}/download-link",
    shape={"id": Id(), "identity": Fake("file_name"), "metadata": Metadata()},
)

LINK = {
    "attachment": Subject(schema_of(ATTACHMENT.shape)),
    "download_link": Signed("https://portal.invalid/attachment/{id}.download?token={token}"),
}
"""The vendor's answer: the attachment and a link with a token in it; the
host is one that resolves nowhere, since the mock serves no file."""

FAMILY = Family(
    "attachment",
    kinds=(ATTACHMENT,),
    actions=(
        Action(
            "attachment:link", "GET", "/v1/attachment/{id}/download-link", "Show an attachment's download link", "attachment link view", IMMEDIATE,
            "attachment", returns=LINK, behaviour="the attachment and a download link, signed anew each time",
        ),
        Action(
            "attachment:list", "GET", "/v1/attachment", "List attachments", "attachment link view", LIST, "attachment",
            fields={"id": "id", "name": "identity"}, documented=False,
        ),
    ),
)
