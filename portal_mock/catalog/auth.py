"""Logging in (``auth/login.md``): a user's email and password for a
bearer key.  The mock accepts any password for a user it knows."""

from __future__ import annotations

from portal_mock.catalog.model import EMAIL, IMMEDIATE, PUBLIC, TEXT, Action, Family
from portal_mock.domain.shapes import Ref

LOGIN = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {"username": EMAIL, "password": TEXT, "code": {"type": "string"}, "client_id": {"type": "integer", "minimum": 1}},
}
ANSWER = {"authorization": "", "user": Ref("user"), "client": Ref("client")}
"""The answer's shape (built by the login handler, not drawn)."""

FAMILY = Family(
    "auth",
    actions=(
        Action(
            "auth:login",
            "POST",
            "/v1/login",
            "Log in as a user",
            PUBLIC,
            IMMEDIATE,
            body=LOGIN,
            returns=ANSWER,
            statuses=(200, 401, 403, 413, 415, 422),
            example={"username": "<email>", "password": "KlaatuBaradaNikto"},
            behaviour="a new key for the user the email names (any password)",
        ),
    ),
)
