"""The dashboard at ``/__mock/ui``: one server-rendered page whose script
reads and steers the mock through the control API, so the page can show
nothing and do nothing a control client could not.

A browser cannot send ``Authorization`` on a plain navigation, so when the
server has an admin token the page takes it once as ``?token=`` (or from
its login form): the page's script keeps it in ``sessionStorage``, takes it
out of the address bar and sends it as ``Bearer`` on every call.  The
script and style sheet hold nothing secret and are served to anyone who
can reach the control plane; the page itself is guarded like the API.
"""

from __future__ import annotations

import functools
import hmac
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from portal_mock.domain.redaction import bearer_token
from portal_mock.domain.tasks import OUTCOMES
from portal_mock.engine.state import MockState

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

HERE = Path(__file__).parent


@functools.cache
def _templates() -> Jinja2Templates:
    """The page's templates, loaded on the first visit: Jinja2 costs a
    server that nobody looks at nothing at start-up."""
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(directory=HERE / "templates")

POLL_MS = 500
"""How often the page asks for news: short polling, which survives server
restarts and proxies without any reconnect logic."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
        " form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
"""Everything the page uses comes from this server (it must work offline);
the policy makes the browser refuse anything else, and the token never
leaves in a ``Referer``."""


def _admitted(request: Request, token: str | None) -> bool:
    if not token:
        return True
    given = bearer_token(request.headers.get("authorization", "")) or request.query_params.get("token", "")
    return hmac.compare_digest(given.encode(), token.encode())


def routes(prefix: str) -> list[BaseRoute]:
    """The page and its static files, for the control plane's mount at ``prefix``."""
    context = {"prefix": prefix, "static": f"{prefix}/ui/static"}

    async def page(request: Request) -> Response:
        """The dashboard, or (with an admin token set and not given) a 401
        with a form asking for it."""
        state: MockState = request.app.state.mock
        if not _admitted(request, state.settings.admin_token):
            refused = {"refused": "token" in request.query_params}
            return _templates().TemplateResponse(request, "login.html", context | refused, status_code=401, headers=SECURITY_HEADERS)
        shown = {"outcomes": OUTCOMES, "poll_ms": POLL_MS, "scenarios": state.catalog.names}
        return _templates().TemplateResponse(request, "dashboard.html", context | shown, headers=SECURITY_HEADERS)

    return [Route("/ui", page, methods=["GET"]), Mount("/ui/static", StaticFiles(directory=HERE / "static"))]
