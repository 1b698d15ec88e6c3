"""Clouds (``cloud/list.md``): the locations servers run in, reference data
every account starts with."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import STRING, Copy, Id, Metadata, Series

LOCATIONS = (
    ("us-midwest-1", "Southfield, MI", "US"),
    ("us-midwest-2", "Lansing, MI", "US"),
    ("us-west-1", "Los Angeles, CA", "US"),
    ("eu-west-1", "London, UK", "GB"),
    ("apac-southeast-1", "Sydney, AU", "AU"),
)

CLOUD = Kind(
    "cloud",
    scope="virt-cloud",
    uri=None,
    stock=3,
    shape={
        "id": Id(),
        "identity": Copy("location_code", STRING),
        "status": "active",
        "country": Copy("location_code", STRING, {code: country for code, _, country in LOCATIONS}),
        "location": Copy("location_code", STRING, {code: city for code, city, _ in LOCATIONS}),
        "location_code": Series(tuple(code for code, _, _ in LOCATIONS)),
        "metadata": Metadata(),
        "type": "openstack",
    },
)

FAMILY = Family(
    "cloud",
    kinds=(CLOUD,),
    actions=(
        Action(
            "cloud:list", "GET", "/v1/cloud", "List clouds", "cloud view", LIST, "cloud",
            fields={"id": "id", "location": "location", "location_code": "location_code", "country": "country"},
        ),
    ),
)
