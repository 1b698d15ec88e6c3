"""Routes grouped by path.

Starlette answers a wrong method with the ``Allow`` of the first route whose
path matched, so two routes on one path (GET and POST ``/v1/ticket``) would
each claim to allow only their own method.  One route per path, dispatching
on the method, makes a 405 list every method the path has.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


def _by_method(endpoints: dict[str, Endpoint]) -> Endpoint:
    if len(endpoints) == 1:
        return next(iter(endpoints.values()))

    async def dispatch(request: Request) -> Response:
        return await endpoints["GET" if request.method == "HEAD" else request.method](request)

    return dispatch


def grouped(endpoints: Iterable[tuple[str, str, Endpoint]]) -> list[Route]:
    """``(path, method, endpoint)`` triples as one route per path."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for path, method, endpoint in endpoints:
        by_path.setdefault(path, {})[method] = endpoint
    return [Route(path, _by_method(methods), methods=list(methods)) for path, methods in by_path.items()]
