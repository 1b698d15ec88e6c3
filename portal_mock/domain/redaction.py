"""How a key is read from a request, and how it may be shown anywhere but
the answer that minted it."""

from __future__ import annotations


def redact(token: str) -> str:
    """The key's last four characters: enough to tell keys apart in a
    journal or a log, never enough to use one."""
    return f"…{token[-4:]}"


def bearer_token(authorization: str) -> str | None:
    """The key in an ``Authorization: Bearer <key>`` value (the scheme in
    any case), or ``None``: the one reading of that header, for Portal
    keys, the admin token and the journal alike."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if token and scheme.lower() == "bearer" else None
