"""Apps (``app/*.md``): what a site runs (WordPress, Magento…); reference
data every account starts with, one of each the mock knows."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import STRING, Copy, Id, Metadata, Series

BOOLEAN = {"type": "boolean"}

APPS = (
    # name, type, version, minimum PHP, WordPress-based, developer sites
    ("WordPress", "wordpress", "5", "5.6.20", True, True),
    ("BigCommerce for WordPress", "bigcommerce", "1", "5.6.20", True, False),
    ("Magento", "magento", "2", "7.2.0", False, True),
)
"""The apps the vendor's pages show (Magento from its older pages)."""


def _by_name(column: int) -> dict[str, object]:
    return {app[0]: app[column] for app in APPS}


APP = Kind(
    "app",
    scope="app-app",
    uri="/v1/app/{id}",
    stock=len(APPS),
    shape={
        "id": Id(),
        "identity": Copy("name", STRING, {app[0]: f"{app[0]} {app[2]}" for app in APPS}),
        "status": "active",
        "is_core_upgradable": True,
        "is_developerable": Copy("name", BOOLEAN, _by_name(5)),
        "is_installable": True,
        "is_plugin_upgradable": Copy("name", BOOLEAN, _by_name(4)),
        "is_wordpress_based": Copy("name", BOOLEAN, _by_name(4)),
        "metadata": Metadata(),
        "minimum_php_version": Copy("name", STRING, _by_name(3)),
        "name": Series(tuple(app[0] for app in APPS)),
        "type": Copy("name", STRING, _by_name(1)),
        "version": Copy("name", STRING, _by_name(2)),
    },
)

FAMILY = Family(
    "app",
    kinds=(APP,),
    actions=(
        Action(
            "app:list",
            "GET",
            "/v1/app",
            "List apps",
            "app view",
            LIST,
            "app",
            fields={"id": "id", "name": "name", "version": "version"},
            sorts=("type", "id", "name", "version"),
        ),
        Action("app:show", "GET", "/v1/app/{id}", "Show an app", "app view", SHOW, "app"),
    ),
)
