"""SSH keys (``ssh-key/*.md``): the logged-in user's public keys."""

from __future__ import annotations

from portal_mock.catalog.model import ANY_KEY, CREATED, LIST, QUEUED, SHOW, TEXT, Action, Family
from portal_mock.domain.resources import Create, Delete, Kind
from portal_mock.domain.shapes import Fake, Format, Id, Metadata, Number, Ref, When

SSH_KEY = Kind(
    "ssh-key",
    scope="user-ssh-key",
    uri="/v1/ssh-key/{id}",
    shape={
        "id": Id(),
        "identity": Format("{name} - {fingerprint} (RSA)"),
        "metadata": Metadata(),
        "client": Ref("client"),
        "creation_date": When((-365, 0)),
        "fingerprint": Fake("sha256"),
        "key_size": Number(2048, 2048),
        "name": Fake("slug", input="name"),
        "user": Ref("user"),
    },
)

ADD = {
    "type": "object",
    "required": ["name", "key"],
    "properties": {"name": TEXT, "key": {"type": "string", "pattern": r"^ssh-[a-z0-9-]+ \S+"}},
}

FAMILY = Family(
    "ssh-key",
    kinds=(SSH_KEY,),
    actions=(
        Action(
            "ssh-key:add", "POST", "/v1/ssh-key", "Add an SSH key", ANY_KEY, CREATED, "ssh-key", ADD, Create(),
            example={"name": "example-key", "key": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@example.com"},
        ),
        Action("ssh-key:list", "GET", "/v1/ssh-key", "List SSH keys", ANY_KEY, LIST, "ssh-key", fields={"id": "id", "name": "name"}),
        Action("ssh-key:show", "GET", "/v1/ssh-key/{id}", "Show an SSH key", ANY_KEY, SHOW, "ssh-key"),
        Action("ssh-key:delete", "DELETE", "/v1/ssh-key/{id}", "Delete an SSH key", ANY_KEY, QUEUED, "ssh-key", effect=Delete()),
    ),
)
