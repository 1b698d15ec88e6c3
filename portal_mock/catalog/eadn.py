"""EADN accounts (``eadn/*.md``): a client's edge delivery (CDN) accounts,
each sold as a service for one site (its ``cloud_account``: a site is a
cloud account); they are listed, shown, purged and metered, by their own
id or by their site's (``site/show-eadn-account*.md``)."""

from __future__ import annotations

from portal_mock.catalog.model import IMMEDIATE, LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Keep, Kind
from portal_mock.domain.shapes import REFERENCE_SCHEMA, Format, Id, Metadata, Number, Of, Ref, When

EADN = Kind(
    "eadn",
    scope="eadn-account",
    uri="/v1/eadn/{id}",
    parent="cloud_account",
    shape={
        "id": Id(),
        "identity": Format("{cloud_account.identity} ##LG_CDN##"),
        "metadata": Metadata(),
        "base_access_uri": Format("https://eadn-wc04-{service.id}.nxedge.io"),
        "cloud_account": Ref("site", input="site_id"),
        "enabled": True,
        "service": Ref("service"),
        "type": "cdn",
    },
)

INCLUDED_BANDWIDTH = 250

USAGE = {
    "cloud_account": Of("cloud_account", REFERENCE_SCHEMA),
    "eadn_account": {
        "id": Of("id", {"type": "integer"}),
        "identity": Of("identity"),
        "metadata": Of("metadata", Metadata().schema()),
        "type": Of("type"),
        "included_bandwidth": INCLUDED_BANDWIDTH,
        "monthly_fee": "0.00",
        "overage_fee": "0.10",
    },
    "usage": {
        "period": {"start": When((-30, -29)), "end": When((0, 1))},
        "used": {"total": Number(0, INCLUDED_BANDWIDTH), "overage": 0, "cost": "0.00"},
    },
}
"""This period's usage, drawn fresh: within the included bandwidth, so nothing is owed."""

SITE_EADN = {
    "id": Of("id", {"type": "integer"}),
    "identity": Of("identity"),
    "metadata": Of("metadata", Metadata().schema()),
    "base_access_uri": Of("base_access_uri"),
    "site": Of("cloud_account", REFERENCE_SCHEMA),
    "enabled": Of("enabled", {"type": "boolean"}),
    "service": Of("service", REFERENCE_SCHEMA),
    "type": Of("type"),
}
"""The EADN account of a site, as the site pages show it: its cloud account is the ``site``."""

SITE_USAGE = {"site": Of("cloud_account", REFERENCE_SCHEMA), **{name: leaf for name, leaf in USAGE.items() if name != "cloud_account"}}
"""A site's EADN usage: the account's usage, named by the site."""

_UNDER_SITE = {"site_id": "site"}

FAMILY = Family(
    "eadn",
    kinds=(EADN,),
    actions=(
        Action("eadn:list", "GET", "/v1/eadn", "List EADN accounts", "service view", LIST, "eadn", fields={"id": "id"}, sorts=("id", "type")),
        Action("eadn:show", "GET", "/v1/eadn/{id}", "Show an EADN account", "eadn view", SHOW, "eadn"),
        Action("eadn:purge", "POST", "/v1/eadn/{id}/purge", "Purge an EADN account's cache", "eadn view", QUEUED, "eadn", effect=Keep()),
        Action("eadn:usage", "GET", "/v1/eadn/{id}/usage", "Show an EADN account's usage", "eadn view", IMMEDIATE, "eadn", returns=USAGE),
        Action(
            "site:show-eadn-account-details", "GET", "/v1/site/{site_id}/eadn", "Show a site's EADN account", "service view", IMMEDIATE, "eadn",
            returns=SITE_EADN, params=_UNDER_SITE,
        ),
        Action(
            "site:show-eadn-account-usage-details", "GET", "/v1/site/{site_id}/eadn/usage", "Show a site's EADN usage", "service view", IMMEDIATE, "eadn",
            returns=SITE_USAGE, params=_UNDER_SITE,
        ),
    ),
)
