"""A site's container groups (``site/show-container.md``): the
Elasticsearch or Redis containers an add-on runs beside it, kept under the
site.  Their add-on references a package add-on the mock keeps none of,
so it is ``null``."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import STRING, Copy, Format, Id, Many, Metadata, Number, Ref, Series, Unlinked

TYPES = (("elasticsearch", "7.6-latest"), ("redis", "6-latest"), ("memcached", "1.6-latest"))
"""Container types the mock runs: the vendor's example shows Elasticsearch."""

CONTAINER = Kind(
    "site-container",
    scope="virt-guest-containergroup",
    uri=None,
    parent="site",
    shape={
        "id": Id(),
        "identity": Format("cg-{id}-{type.identity}.{site.identity}"),
        "metadata": Metadata(),
        "status": "used",
        "addon": Unlinked(),
        "site": Ref("site"),
        "host": {
            "id": Number(1, 99),
            "identity": Format("containerhost-{host.id}.lwdns.dev"),
            "metadata": {"scope": "virt-guest-containerhost", "uri": None},
            "status": "active",
            "type": {"id": 1, "identity": "", "metadata": {"scope": "virt-guest-containerhost-type", "uri": None}, "type": "docker"},
        },
        "is_authenticated": False,
        "ports": Many(
            {"id": Number(1, 999), "protocol": "tcp", "publish_port": Number(7000, 9999), "target_port": Number(1024, 65535)},
            count=(1, 1),
        ),
        "state": "stable",
        "type": {
            "id": Number(1, 20),
            "identity": Series(tuple(name for name, _ in TYPES)),
            "metadata": {"scope": "virt-guest-containergroup-type", "uri": None},
        },
        "version": Copy("type.identity", STRING, {name: version for name, version in TYPES}),
    },
)

FAMILY = Family(
    "site-container",
    kinds=(CONTAINER,),
    actions=(
        Action(
            "site:show-container-details",
            "GET",
            "/v1/site/{site_id}/container",
            "List a site's container groups",
            "service view",
            LIST,
            "site-container",
            sorts=("id",),
            params={"site_id": "site"},
        ),
    ),
)
