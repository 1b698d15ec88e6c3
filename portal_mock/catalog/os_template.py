"""OS templates (``os/template/*.md``): what cloud servers are installed
from; reference data every account starts with."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Id, Metadata, Series

OS_TEMPLATE = Kind(
    "os-template",
    scope="operating-system-install-template",
    uri="/v1/os-template/{id}",
    stock=3,
    shape={
        "id": Id(),
        "identity": Series(("CentOS 7 x64", "AlmaLinux 8 x64", "Ubuntu 22.04 x64")),
        "status": "web-active",
        "metadata": Metadata(),
    },
)

FIELDS = {"id": "id", "name": "identity", "os": "identity"}
"""The vendor filters by template name and by OS name; a template's
identity is both, as the mock draws it."""

FAMILY = Family(
    "os-template",
    kinds=(OS_TEMPLATE,),
    actions=(
        Action("os-template:list", "GET", "/v1/os-template", "List OS templates", "os view", LIST, "os-template", fields=FIELDS, sorts=("id", "name")),
        Action("os-template:show", "GET", "/v1/os-template/{id}", "Show an OS template", "os view", SHOW, "os-template"),
    ),
)
