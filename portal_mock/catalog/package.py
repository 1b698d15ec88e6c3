"""Packages (``package/*.md``): what services are bought as; reference data
every account starts with."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import STRING, Copy, Id, Metadata, Series

NAMES = ("nex1.small", "nex1.medium", "nex1.large", "nex1.xlarge")

PACKAGE = Kind(
    "package",
    scope="package",
    uri="/v1/package/{id}",
    stock=4,
    shape={
        "id": Id(),
        "identity": Copy("name", STRING),
        "metadata": Metadata(),
        "addons": [],
        "auto_renew": True,
        "bandwidth": 2048,
        "billing_type": "pre-billed",
        "environment_type": "production",
        "label": Copy("name", STRING),
        "name": Series(NAMES),
        "trial_period": 0,
        "type": "virt-guest-cloud",
    },
)

FAMILY = Family(
    "package",
    kinds=(PACKAGE,),
    actions=(
        Action("package:list", "GET", "/v1/package", "List packages", "package view", LIST, "package", fields={"id": "id", "name": "name", "type": "type"}),
        Action("package:show", "GET", "/v1/package/{id}", "Show a package", "package view", SHOW, "package"),
    ),
)
