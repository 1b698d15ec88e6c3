"""Passphrases (``authentication/*.md``): public helpers for choosing one."""

from __future__ import annotations

from portal_mock.catalog.model import IMMEDIATE, PUBLIC, Action, Family
from portal_mock.domain.shapes import Const, Fake, Number

TIME_TO_CRACK = {
    "online_throttling_100_per_hour": "centuries",
    "online_no_throttling_10_per_second": "centuries",
    "offline_slow_hashing_1e4_per_second": "centuries",
    "offline_fast_hashing_1e10_per_second": Const("7 days"),
}


def assessment(passphrase: object) -> dict[str, object]:
    """The vendor's passphrase report around ``passphrase`` (a leaf)."""
    return {"feedback": {"warning": "", "suggestions": []}, "passphrase": passphrase, "score": Number(3, 4), "time_to_crack": TIME_TO_CRACK}


PASSPHRASE = {
    "type": "object",
    "required": ["passphrase"],
    "properties": {"passphrase": {"type": "string", "pattern": r"^[^\n]{12,72}$"}},
}
"""Within 12 to 72 characters, as the page bounds it (in bytes)."""

FAMILY = Family(
    "authentication",
    actions=(
        Action(
            "authentication:assess-passphrase", "GET", "/v1/assess-passphrase/{passphrase}", "Assess a passphrase", PUBLIC, IMMEDIATE,
            body=PASSPHRASE, returns=assessment(Const("", input="passphrase")), statuses=(200, 422),
        ),
        Action(
            "authentication:generate-passphrase", "GET", "/v1/passphrase", "Generate a passphrase", PUBLIC, IMMEDIATE,
            returns=assessment(Fake("password")), statuses=(200, 422),
        ),
    ),
)
