"""EADN accounts (``eadn/*.md``): a client's edge delivery (CDN) accounts,
each sold as a service; they are listed, shown, purged and metered."""

from __future__ import annotations

from portal_mock.catalog.model import IMMEDIATE, LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Keep, Kind
from portal_mock.domain.shapes import Fake, Format, Id, Metadata, Number, Of, Ref, When, schema_of

CLOUD_ACCOUNT = {
    "id": Number(1000, 99999),
    "identity": Fake("domain_name"),
    "metadata": {"scope": "virt-guest-cloudaccount", "uri": None},
    "status": "used",
    "state": "stable",
    "type": "account",
}
"""The cloud account an EADN account serves, as the pages embed it; its uri
is ``null`` because the mock serves no cloud account."""

EADN = Kind(
    "eadn",
    scope="eadn-account",
    uri="/v1/eadn/{id}",
    shape={
        "id": Id(),
        "identity": Format("{cloud_account.identity} ##LG_CDN##"),
        "metadata": Metadata(),
        "base_access_uri": Format("https://eadn-wc04-{service.id}.nxedge.io"),
        "cloud_account": CLOUD_ACCOUNT,
        "enabled": True,
        "service": Ref("service"),
        "type": "cdn",
    },
)

INCLUDED_BANDWIDTH = 250

USAGE = {
    "cloud_account": Of("cloud_account", schema_of(CLOUD_ACCOUNT)),
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

FAMILY = Family(
    "eadn",
    kinds=(EADN,),
    actions=(
        Action("eadn:list", "GET", "/v1/eadn", "List EADN accounts", "service view", LIST, "eadn", fields={"id": "id"}, sorts=("id", "type")),
        Action("eadn:show", "GET", "/v1/eadn/{id}", "Show an EADN account", "eadn view", SHOW, "eadn"),
        Action("eadn:purge", "POST", "/v1/eadn/{id}/purge", "Purge an EADN account's cache", "eadn view", QUEUED, "eadn", effect=Keep()),
        Action("eadn:usage", "GET", "/v1/eadn/{id}/usage", "Show an EADN account's usage", "eadn view", IMMEDIATE, "eadn", returns=USAGE),
    ),
)
