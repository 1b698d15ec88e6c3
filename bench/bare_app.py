"""The baseline: a bare Starlette app answering like portal-mock, doing nothing else.

It serves the two requests the bench drives, ``POST /v1/ticket`` (202, a
pending task and a ``Location``) and ``GET /v1/task/{uuid}`` (200, the
resolved task), with the same JSON bodies, the same vendor headers and the
same uvicorn settings as ``portal-mock serve``.  Whatever portal-mock costs
above this app is what its own code costs: authentication, validation, the
task store, the Portal's error handling.

Like any JSON endpoint it reads the request body and encodes its answer on
every request; it checks and stores nothing.

The uvicorn settings come from ``portal_mock/http/server.py`` (``SETTINGS``:
not its connection limits, which are portal-mock's own code), loaded by file path
rather than imported: importing ``portal_mock.http.server`` would run the package's
``__init__`` and load all of portal-mock, and the start-up comparison would
then charge portal-mock's imports to the baseline too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import sys
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LIVE = Path(__file__).resolve().parent.parent / "portal_mock" / "http" / "server.py"

HEADERS = {
    "Server": "nginx",
    "NocWorx-Api-Version": "0.5.0",
    "X-Powered-By": "PHP/7.4.3",
    "Served-By": "nwdev-web01-int",
}
UUID = "28ceb4fb-dc64-41b4-a7cf-78880e62b854"
LOCATION = f"/v1/task/{UUID}"
USER = {"id": 19286, "identity": "Alex Stone - alex.stone@yahoo.com", "metadata": {"scope": "user", "uri": "/v1/user/19286"}}
RESOURCE = {"id": 453557, "identity": "OKLQ-7376", "metadata": {"scope": "ticket", "uri": "/v1/ticket/453557"}}


def task(status: str) -> dict:
    """The task object portal-mock answers for ``{"department": "support", "subject": "x"}``."""
    done = status != "pending"
    return {
        "id": 5115688,
        "uuid": UUID,
        "identity": f"ticket:add ({status})",
        "action": "ticket:add",
        "status": status,
        "api_version": "0.5.0",
        "errors": {},
        "input": {"department": "support", "subject": "x"},
        "metadata": {"scope": "api-task", "uri": LOCATION},
        "request_date": 1795860832,
        "resolved_date": 1795860832 if done else None,
        "resource": RESOURCE if done else None,
        "staff_user": None,
        "user": USER,
    }


PENDING = task("pending")
SUCCESS = task("success")


def dumps(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


async def ticket_add(request: Request) -> Response:
    await request.body()
    return Response(dumps(PENDING), 202, {**HEADERS, "Location": LOCATION}, media_type="application/json")


async def task_show(request: Request) -> Response:
    return Response(dumps(SUCCESS), 200, HEADERS, media_type="application/json")


app = Starlette(routes=[Route("/v1/ticket", ticket_add, methods=["POST"]), Route("/v1/task/{uuid}", task_show, methods=["GET"])])


def load_live():
    """``portal_mock/http/server.py`` as a standalone module (see the module docstring)."""
    spec = importlib.util.spec_from_file_location("portal_mock_live_settings", LIVE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve the bare Starlette baseline with portal-mock's uvicorn settings.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--loop", help="override uvicorn's event loop (default: portal-mock's setting)")
    parser.add_argument("--http", help="override uvicorn's HTTP parser (default: portal-mock's setting)")
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args()

    import uvicorn

    live = load_live()
    # portal-mock's uvicorn settings, without its connection limits
    # (GuardedProtocol): those are portal-mock's own code, which the
    # comparison is there to measure.
    config = uvicorn.Config(app, access_log=args.access_log, **live.SETTINGS)
    if args.loop:
        config.loop = args.loop
    if args.http:
        config.http = args.http
    sock = live.bind(args.host, args.port)
    print(f"bare Starlette serving at {live.url_of(sock)}/v1", flush=True)
    signal.signal(signal.SIGINT, _exit_cleanly)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
