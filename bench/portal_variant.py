"""``portal-mock serve`` with uvicorn's event loop and HTTP parser forced.

``portal-mock serve`` always runs with ``portal_mock.live.uvicorn_config``
(uvloop and httptools where installed) and has no flag to change that, by
design.  The bench still has to show what that choice is worth, so this
script serves the same app with the loop and parser overridden; everything
else (seed, key, task delay, socket, banner) is as ``serve`` does it.
"""

from __future__ import annotations

import argparse
import signal
import sys

import uvicorn

from portal_mock import Settings, create_app
from portal_mock.live import bind, url_of, uvicorn_config


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", action="append", default=[])
    parser.add_argument("--task-delay", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--loop", default="asyncio", help="uvicorn event loop: auto, asyncio, uvloop")
    parser.add_argument("--http", default="h11", help="uvicorn HTTP parser: auto, h11, httptools")
    args = parser.parse_args()

    app = create_app(Settings(seed=args.seed, task_delay=args.task_delay, keys=args.key))
    config = uvicorn_config(app)
    config.loop = args.loop
    config.http = args.http
    sock = bind(args.host, args.port)
    print(f"portal-mock ({args.loop}, {args.http}) serving the Portal API at {url_of(sock)}/v1", flush=True)
    signal.signal(signal.SIGINT, _exit_cleanly)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
