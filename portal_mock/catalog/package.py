"""Packages (``package/*.md``) and their add-ons (``package/addon/*.md``):
what services are bought as and what can be added to them; reference data
every account starts with."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import STRING, Copy, Id, Metadata, Ref, Series

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

ADDONS = (
    ("nc.elasticsearch-small", "elasticsearch", 1, "2g", "ElasticSearch Container Platform (small)", "20.00"),
    ("nc.elasticsearch-medium", "elasticsearch", 2, "4g", "ElasticSearch Container Platform (medium)", "40.00"),
    ("nc.redis-small", "redis", 1, "1g", "Redis Container Platform (small)", "10.00"),
    ("nc.varnish-small", "varnish", 1, "1g", "Varnish Container Platform (small)", "10.00"),
    ("nc.memcached-small", "memcached", 1, "1g", "Memcached Container Platform (small)", "10.00"),
    ("nc.rabbitmq-small", "rabbitmq", 1, "2g", "RabbitMQ Container Platform (small)", "20.00"),
)


def _column(index: int) -> Series:
    """One column of ``ADDONS``: every account's n-th add-on is its n-th row."""
    return Series(tuple(row[index] for row in ADDONS))


PACKAGE_ADDON = Kind(
    "package-addon",
    scope="package-addon",
    uri="/v1/package/addon/{id}",
    stock=len(ADDONS),
    shape={
        "id": Id(),
        "identity": Copy("name", STRING),
        "metadata": Metadata(),
        "configuration": {"service": _column(1), "cpu": _column(2), "memory": _column(3)},
        "description": _column(4),
        "monthly_fee": _column(5),
        "name": _column(0),
        "package": Ref("package"),
        "type": "virt-guest-cloud",
    },
)
"""The vendor filters add-ons by package but its example omits the field:
each carries a reference to the package it is sold with."""

FAMILY = Family(
    "package",
    kinds=(PACKAGE, PACKAGE_ADDON),
    actions=(
        Action("package:list", "GET", "/v1/package", "List packages", "package view", LIST, "package", fields={"id": "id", "name": "name", "type": "type"}),
        Action("package:show", "GET", "/v1/package/{id}", "Show a package", "package view", SHOW, "package"),
        Action(
            "package-addon:list", "GET", "/v1/package/addon", "List package add-ons", "order view", LIST, "package-addon",
            fields={"id": "id", "package_id": "package.id", "type": "type", "name": "name"}, sorts=("id", "name", "monthly_fee"),
        ),
        Action(
            "package-addon:show", "GET", "/v1/package/addon/{id}", "Show a package add-on", "order view", SHOW, "package-addon", documented=False,
        ),
    ),
)
