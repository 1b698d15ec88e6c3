"""Site stencils (``site/*-stencil*.md``): a snapshot of a site to build
others from, kept under the site it was taken of.  The vendor's stencil
uri (``/v1/site/stencil/{id}``) names no site, so the mock also answers
it, undocumented, for every uri it emits to resolve."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.domain.resources import Create, Delete, Kind
from portal_mock.domain.shapes import STRING, Copy, Fake, Format, Id, Metadata, Pick, Ref, When

STENCIL = Kind(
    "site-stencil",
    scope="virt-guest-cloudaccount-stencil",
    uri="/v1/site/stencil/{id}",
    parent="site",
    shape={
        "id": Id(),
        "identity": Copy("name", STRING),
        "metadata": Metadata(),
        "app_type": "wordpress",
        "app_version": Pick(("5.8.1", "5.9.3", "6.0.2")),
        "site": Ref("site", input="account_id"),
        "name": Fake("word", input="name"),
        "screenshot_url": Format("https://objects.liquidweb.services/mirador/site/virt-guest-cloudaccount-stencil-{id}/{screenshot_uuid}.png"),
        "screenshot_uuid": Fake("uuid4"),
        "state": "stable",
        "stencil_date": When((-90, 0)),
        "url": Format("https://objects.liquidweb.services/stencils/stencil-{site.id}-{id}.tgz"),
    },
)

ADD = {"type": "object", "required": ["name"], "properties": {"name": {**TEXT, "pattern": r"^[^\r\n]*\S[^\r\n]*$"}}}
"""A name of one line, as a site's nickname is."""
SITE = {"account_id": "site"}

FAMILY = Family(
    "site-stencil",
    kinds=(STENCIL,),
    actions=(
        Action(
            "site:stencil-list",
            "GET",
            "/v1/site/{account_id}/stencil",
            "List a site's stencils",
            "service view",
            LIST,
            "site-stencil",
            fields={"id": "id", "name": "name", "state": "state", "stencil_date": "stencil_date"},
            sorts=("id", "name", "state", "stencil_date"),
            params=SITE,
        ),
        Action(
            "site:show-stencil-details",
            "GET",
            "/v1/site/{account_id}/stencil/{id}",
            "Show a stencil of a site",
            "service view",
            SHOW,
            "site-stencil",
            params=SITE,
        ),
        Action(
            "site:add-stencil",
            "POST",
            "/v1/site/{account_id}/stencil",
            "Make a stencil of a site",
            "service edit",
            QUEUED,
            "site-stencil",
            ADD,
            Create(),
            params=SITE,
            example={"name": "my example.com site template"},
        ),
        Action(
            "site:delete-stencil",
            "DELETE",
            "/v1/site/{account_id}/stencil/{id}",
            "Delete a stencil of a site",
            "service edit",
            QUEUED,
            "site-stencil",
            effect=Delete(),
            params=SITE,
        ),
        Action(
            "site:show-stencil",
            "GET",
            "/v1/site/stencil/{id}",
            "Show a stencil at the uri its metadata gives",
            "service view",
            SHOW,
            "site-stencil",
            documented=False,
        ),
    ),
)
