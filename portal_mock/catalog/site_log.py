"""A site's log files (``site/logs.md``), kept under the site: each one
the vendor lists, plus the id and site reference the mock stores it by.
A new site starts with two."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Format, Id, Ref, When

LOG = Kind(
    "site-log",
    scope="virt-guest-cloudaccount-log",
    uri=None,
    parent="site",
    shape={
        "id": Id(),
        "site": Ref("site"),
        "log_file": Format("/chroot/home/site-{site.id}/var/{site.identity}/logs/error-{id}.log"),
        "date": When((-30, 0)),
        "download_url": Format("https://{site.identity}:2443/siteworx/index?action=sso&uri=log&file=error-{id}.log"),
    },
)

FAMILY = Family(
    "site-log",
    kinds=(LOG,),
    actions=(
        Action(
            "site:logs",
            "GET",
            "/v1/site/{site_id}/log",
            "List a site's log files",
            "service view",
            LIST,
            "site-log",
            fields={"date": "date"},
            sorts=("id", "date"),
            params={"site_id": "site"},
        ),
    ),
)
