"""The people behind API keys and ticket posts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def reference(id: int, identity: str, scope: str, uri: str | None) -> dict[str, Any]:
    """``{"id", "identity", "metadata": {"scope", "uri"}}``, the vendor's one
    shape; ``uri`` is ``None`` where the vendor's examples show ``null``."""
    return {"id": id, "identity": identity, "metadata": {"scope": scope, "uri": uri}}


@dataclass(frozen=True)
class Person:
    """A Portal user: who made a task, who wrote a post."""

    id: int
    name: str
    email: str

    @property
    def identity(self) -> str:
        return f"{self.name} - {self.email}"

    def to_reference(self) -> dict[str, Any]:
        return reference(self.id, self.identity, "user", f"/v1/user/{self.id}")

    def to_record(self) -> dict[str, Any]:
        """The fields of the account's ``user`` record this person fixes."""
        first, _, last = self.name.partition(" ")
        return {"id": self.id, "first_name": first, "last_name": last, "email": self.email}

    @classmethod
    def from_identity(cls, id: int, identity: str) -> Person:
        """Parse the vendor's ``"<name> - <email>"`` form (as scenario files write it)."""
        name, _, email = identity.rpartition(" - ")
        return cls(id, name or identity, email if name else "")
