"""``portal-mock serve`` with one thing changed, for the bench to measure it.

``portal-mock serve`` always runs with ``portal_mock.http.server.uvicorn_config``
(uvloop and httptools where installed) and has no flag to change that, by
design.  The bench still has to show what that choice is worth, and where
the time goes that a sampling profiler cannot see, so this script serves the
same app, with the same key, task delay and banner as ``serve``, and:

* ``--loop`` / ``--http`` force uvicorn's event loop and HTTP parser;
* ``--gc-report`` times every garbage collection by generation; on SIGUSR1
  it writes a JSON summary line to standard error and starts over.  py-spy
  charges a collection to whichever function happened to allocate, so this
  is the only honest view of what the collector costs;
* ``--no-gc-freeze`` serves without ``serve``'s collector policy
  (``portal_mock.engine.gc_policy.freeze_survivors``: ``gc.freeze()`` after
  start-up and after every collection of generation 1 or 2), to show what the policy is worth.
"""

from __future__ import annotations

import argparse
import gc
import json
import signal
import sys
import time

import uvicorn

from portal_mock import Settings, create_app
from portal_mock.engine.gc_policy import freeze_survivors
from portal_mock.http.server import bind, url_of, uvicorn_config


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


class GcReport:
    """Collections and their durations per generation since the last report."""

    def __init__(self) -> None:
        self.started = 0.0
        self.reset()
        gc.callbacks.append(self._callback)
        signal.signal(signal.SIGUSR1, self._report)

    def reset(self) -> None:
        self.since = time.perf_counter()
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]
        self.longest = [0.0, 0.0, 0.0]

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        elapsed = time.perf_counter() - self.started
        generation = info["generation"]
        self.count[generation] += 1
        self.total[generation] += elapsed
        self.longest[generation] = max(self.longest[generation], elapsed)

    def _report(self, signum: int, frame: object) -> None:
        wall = time.perf_counter() - self.since
        summary = {"wall_s": wall, "count": self.count, "total_s": self.total, "longest_s": self.longest, "tracked": len(gc.get_objects())}
        print(json.dumps(summary), file=sys.stderr, flush=True)
        self.reset()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", action="append", default=[])
    parser.add_argument("--task-delay", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--loop", default="auto", help="uvicorn event loop: auto, asyncio, uvloop (default: auto)")
    parser.add_argument("--http", default="auto", help="uvicorn HTTP parser: auto, h11, httptools (default: auto)")
    parser.add_argument("--gc-report", action="store_true", help="time collections; SIGUSR1 prints a summary to stderr")
    parser.add_argument("--no-gc-freeze", dest="gc_freeze", action="store_false", help="leave out serve's gc.freeze() policy")
    args = parser.parse_args()

    app = create_app(Settings(seed=args.seed, task_delay=args.task_delay, keys=args.key))
    config = uvicorn_config(app)
    config.loop = args.loop
    config.http = args.http
    sock = bind(args.host, args.port)
    if args.gc_freeze:
        freeze_survivors()
    if args.gc_report:
        GcReport()
    print(f"portal-mock ({args.loop}, {args.http}) serving the Portal API at {url_of(sock)}/v1", flush=True)
    signal.signal(signal.SIGINT, _exit_cleanly)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
