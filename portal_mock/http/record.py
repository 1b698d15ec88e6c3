"""What the layer that journals learns about one Portal request.

The handler writes what it found out (the action, the key and account, the
scenario's decision, the decoded body, an internal error's traceback) into
one ``RequestRecord`` as it goes; the layer reads it once to answer with a
fault and to write the journal entry.  One typed object per request, in
place of loose keys in the ASGI scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal_mock.engine.journal import SentBody
from portal_mock.scenarios.rules import Decision


@dataclass(eq=False, slots=True)
class RequestRecord:
    query: str
    action: str | None = None
    key: str | None = None
    account: int | None = None
    decision: Decision | None = None
    body: Any = None
    sent: SentBody | None = None
    """The body's length and what the journal keeps of it, measured as it
    was read: the raw bytes are not held after decoding."""
    error: str | None = None
    proxied: bool = False
    """Answered by the ``serve --proxy`` upstream, not by the mock."""
