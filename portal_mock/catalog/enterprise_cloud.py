"""Enterprise Cloud (``enterprise-cloud/*.md``): a service that is a
cluster of cloud servers, its nodes, added and removed one at a time."""

from __future__ import annotations

from portal_mock.catalog.cloud_server import IDS
from portal_mock.catalog.model import ID, LIST, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.catalog.service import billing_info
from portal_mock.domain.resources import Create, Delete, Kind
from portal_mock.domain.shapes import Fake, Format, Id, Listed, Metadata, Number, Ref, Refs, When

TRAFFIC = {"total": 0, "billable": 0}

NODE = Kind(
    "enterprise-cloud-node",
    scope="virt-guest",
    uri=None,
    parent="cluster",
    rollup=(("cloud_servers", "references"),),
    shape={
        "id": Id(),
        "identity": Format("{hostname}"),
        "metadata": {"scope": "virt-guest", "uri": Format("/v1/enterprise-cloud/{cluster.id}/{id}")},
        "cluster": Ref("enterprise-cloud", input="cluster_id"),
        "hostname": Fake("slug", input="hostname"),
        "status": "used",
        "type": "kvm",
    },
)
"""A node's show path names its cluster as well as itself, which a
reference's uri (made from the node's id alone) cannot: references to a
node carry a ``null`` uri, and the node's own ``metadata.uri`` is its show path."""

ENTERPRISE_CLOUD = Kind(
    "enterprise-cloud",
    scope="service",
    uri="/v1/enterprise-cloud/{id}",
    shape={
        "id": Id(),
        "identity": Format("{cloud.identity} - {nickname} - {main_ip}"),
        "metadata": Metadata(),
        "status": "enabled",
        "addons": Refs("package-addon", (0, 0)),
        "bandwidth_info": {"used": TRAFFIC, "projected": TRAFFIC, "previous": TRAFFIC, "given": "0", "type": "GB"},
        "billing_info": billing_info(Number(10000, 90000, places=2), term=1),
        "cancellation_info": {"can_cancel": True},
        "cloud": Ref("cloud", input="cloud_id"),
        "cloud_servers": Refs("enterprise-cloud-node", (0, 0)),
        "cloud_status": "active",
        "contract": None,
        "discount": None,
        "external_key": "",
        "ips": Listed("main_ip"),
        "main_ip": Fake("ipv4_public"),
        "nickname": Fake("domain_word"),
        "order": None,
        "package": Ref("package", input="package_id"),
        "parent": None,
        "paypal_subscription_info": {"can_subscribe": False},
        "settings": {"extranet.disable-networking.enabled": True},
        "start_date": When((-400, -1)),
        "state": "stable",
        "type": "virt-guest",
    },
)

FIAT = {"type": ["string", "object"], "minLength": 1}
"""The cluster's configuration, as YAML text or as a JSON object."""

ADD = {
    "type": "object",
    "required": ["cloud_id", "package_id", "fiat"],
    "properties": {
        "cloud_id": ID,
        "package_id": ID,
        "fiat": FIAT,
        "use_password": {"type": "boolean"},
        "ssh_key_ids": IDS,
        "addon_ids": IDS,
        "discount_code": {"type": "string"},
    },
    "allOf": [{"if": {"properties": {"use_password": {"enum": [False]}}}, "then": {"required": ["ssh_key_ids"]}}],
}

SERVER = {
    "network_type": "public",
    "public_ipv4_count": 1,
    "image": "centos-7-x86_64-latest",
    "flavor": "n5s-gp-1.tiny",
    "public_ip": True,
}

CLUSTER = {"cluster_id": "enterprise-cloud"}

FIELDS = {
    "id": "id",
    "parent_id": "parent.id",
    "state": "state",
    "status": "status",
    "nickname": "nickname",
    "cloud": "cloud.identity",
    "package": "package.identity",
    "deploy_date": "start_date",
    "deploy_complete_date": "start_date",
}

FAMILY = Family(
    "enterprise-cloud",
    kinds=(ENTERPRISE_CLOUD, NODE),
    actions=(
        Action(
            "enterprise-cloud:add", "POST", "/v1/enterprise-cloud", "Order an Enterprise Cloud cluster", "service edit", QUEUED, "enterprise-cloud", ADD,
            Create(children=(("enterprise-cloud-node", 1),)),
            example={
                "cloud_id": "<cloud>",
                "package_id": "<package>",
                "fiat": {
                    "environment": {
                        "hardware": {
                            "servers": [
                                {"role": "lb", **SERVER, "volume_size": 16},
                                {"role": "fs", "quantity": 2, **SERVER, "volume_size": 16},
                            ]
                        }
                    }
                },
                "use_password": True,
            },
        ),
        Action(
            "enterprise-cloud:list", "GET", "/v1/enterprise-cloud", "List Enterprise Cloud clusters", "service view", LIST, "enterprise-cloud",
            fields=FIELDS, sorts=("id", "state", "cloud", "package", "deploy_date", "deploy_complete_date", "nickname"),
        ),
        Action("enterprise-cloud:show", "GET", "/v1/enterprise-cloud/{id}", "Show an Enterprise Cloud cluster", "service view", SHOW, "enterprise-cloud"),
        Action(
            "enterprise-cloud:add-node", "POST", "/v1/enterprise-cloud/{cluster_id}/node", "Add a node to a cluster", "service edit", QUEUED,
            "enterprise-cloud-node", {"type": "object", "properties": {"hostname": TEXT, "fiat": FIAT}}, Create(), params=CLUSTER,
            behaviour="creates a node in the cluster",
            example={
                "hostname": "another-server",
                "fiat": {"environment": {"hardware": {"servers": [{"role": "web", **SERVER, "volume_size": 21}]}}},
            },
        ),
        Action(
            "enterprise-cloud:list-node", "GET", "/v1/enterprise-cloud/{cluster_id}/node", "List a cluster's nodes", "service view", LIST,
            "enterprise-cloud-node", fields={"id": "id", "hostname": "hostname"}, params=CLUSTER, documented=False,
        ),
        Action(
            "enterprise-cloud:show-node", "GET", "/v1/enterprise-cloud/{cluster_id}/{id}", "Show a cluster's node", "service view", SHOW,
            "enterprise-cloud-node", params=CLUSTER,
        ),
        Action(
            "enterprise-cloud:remove-node", "DELETE", "/v1/enterprise-cloud/{cluster_id}/{id}", "Remove a node from a cluster", "service edit", QUEUED,
            "enterprise-cloud-node", effect=Delete(), params=CLUSTER,
        ),
    ),
)
