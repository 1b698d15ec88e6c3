"""Cloud servers (``cloud-server/*.md``): virtual machines a client runs in
one of the clouds, installed from an OS template, sized by a package and
billed through a service.  Their power is the state the verbs move."""

from __future__ import annotations

from portal_mock.catalog.model import ID, LIST, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.catalog.package import NAMES
from portal_mock.domain.resources import Create, Delete, Edit, Keep, Kind, Transition
from portal_mock.domain.shapes import Copy, Fake, Format, Id, Metadata, Pick, Ref

SIZES = dict(zip(NAMES, ((2, 2048), (4, 4096), (8, 8192), (16, 16384)), strict=True))
"""Each package's (cpu, ram in MB): what a resize to it gives the server."""

INTEGER = {"type": "integer"}
TRAFFIC = {"total": 0, "billable": 0}

CLOUD_SERVER = Kind(
    "cloud-server",
    scope="virt-guest-cloud",
    uri="/v1/cloud-server/{id}",
    shape={
        "id": Id(),
        "identity": Format("kvm.{cloud.identity}.nexcess.net - {hostname}"),
        "bandwidth": {"used": TRAFFIC, "projected": TRAFFIC, "previous": TRAFFIC, "given": "2048", "type": "GB"},
        "client": Ref("client"),
        "cloud": Ref("cloud", input="cloud_id"),
        "control_panels": None,
        "has_console": True,
        "has_stored_password": None,
        "hostname": Fake("slug", input="hostname"),
        "is_rebootable": None,
        "metadata": Metadata(),
        "network": {"public_ip": Fake("ipv4_public"), "nat_ip": Fake("ipv4_private"), "private_ip": Fake("ipv4_private")},
        "os": Ref("os-template", input="os_id"),
        "package": Ref("package", input="package_id"),
        "power_status": "on",
        "server_details": {
            "cpu": Copy("package.identity", INTEGER, {name: cpu for name, (cpu, _) in SIZES.items()}),
            "ram": Copy("package.identity", INTEGER, {name: ram for name, (_, ram) in SIZES.items()}),
            "disk_space": Pick((40, 80, 160)),
            "bandwidth": 2048,
        },
        "service": Ref("service"),
    },
)

IDS = {"type": "array", "items": ID}

ADD = {
    "type": "object",
    "required": ["cloud_id", "hostname", "package_id", "os_id"],
    "properties": {
        "cloud_id": ID,
        "hostname": TEXT,
        "package_id": ID,
        "os_id": ID,
        "use_password": {"type": "boolean"},
        "ssh_key_ids": IDS,
        "addon_ids": IDS,
        "discount_code": {"type": "string"},
    },
    "allOf": [{"if": {"properties": {"use_password": {"enum": [False]}}}, "then": {"required": ["ssh_key_ids"]}}],
}
"""``ssh_key_ids`` is required unless ``use_password`` is true."""

FIELDS = {
    "id": "id",
    "cloud_id": "cloud.id",
    "os_id": "os.id",
    "hostname": "hostname",
    "package_id": "package.id",
    "power_status": "power_status",
    "service_id": "service.id",
}

FAMILY = Family(
    "cloud-server",
    kinds=(CLOUD_SERVER,),
    actions=(
        Action(
            "cloud-server:add", "POST", "/v1/cloud-server", "Add a cloud server", "service edit", QUEUED, "cloud-server", ADD, Create(),
            example={
                "cloud_id": "<cloud>", "hostname": "cloud-server-example", "package_id": "<package>", "os_id": "<os-template>", "ssh_key_ids": ["<ssh-key>"],
            },
            behaviour="creates it, on, under one of the account's services",
        ),
        Action("cloud-server:list", "GET", "/v1/cloud-server", "List cloud servers", "service view", LIST, "cloud-server", fields=FIELDS),
        Action("cloud-server:show", "GET", "/v1/cloud-server/{id}", "Show a cloud server", "service view", SHOW, "cloud-server"),
        Action(
            "cloud-server:start", "POST", "/v1/cloud-server/{id}/start", "Start a cloud server", "service edit", QUEUED, "cloud-server",
            effect=Transition("power_status", "on", refuse=("on",)),
        ),
        Action(
            "cloud-server:stop", "POST", "/v1/cloud-server/{id}/stop", "Stop a cloud server", "service edit", QUEUED, "cloud-server",
            effect=Transition("power_status", "off", refuse=("off",)),
        ),
        Action(
            "cloud-server:reboot", "POST", "/v1/cloud-server/{id}/reboot", "Reboot a cloud server", "service edit", QUEUED, "cloud-server",
            {"type": "object", "properties": {"force": {"type": "boolean"}}}, Transition("power_status", "on"),
            behaviour="power-cycles it: power_status is 'on' after, whatever it was",
        ),
        Action(
            "cloud-server:resize", "POST", "/v1/cloud-server/{id}/resize", "Resize a cloud server", "service edit", QUEUED, "cloud-server",
            {"type": "object", "required": ["package_id"], "properties": {"package_id": ID}}, Edit(),
            example={"package_id": "<package>"},
            behaviour="moves it to the package; cpu and ram follow it, disk_space stays",
        ),
        Action(
            "cloud-server:cancel", "POST", "/v1/cloud-server/{id}/cancel", "Cancel a cloud server at the end of its billing cycle", "service delete",
            QUEUED, "cloud-server", {"type": "object", "properties": {"survey": {"type": "object"}}}, Keep(),
            example={"survey": {"1": [4], "2": "New business", "3": 10, "4": 1, "5": 1}},
            behaviour="accepts the survey and changes nothing: renewal is not modelled",
        ),
        Action("cloud-server:delete", "DELETE", "/v1/cloud-server/{id}", "Delete a cloud server", "service delete", QUEUED, "cloud-server", effect=Delete()),
    ),
)
