"""A long run of one ``portal-mock serve``: is memory bounded in bytes, and
does the server keep its state and keep answering?

Three phases against one server (task delay 0, the journal at serve's
default bounds), RSS sampled throughout:

* **soak**: ``--requests`` mixed Portal requests (``bench/soak.lua``: adds,
  lists, shows) over ``--keys`` keys, each its own account, in chunks of
  wrk runs; every answer must be a success;
* **storm**: ``--storm-connections`` connections adding tickets to one
  account for ``--storm-seconds``; afterwards the account must hold a
  ticket for every 202 wrk counted (none lost) and at most one more per
  connection, the requests wrk left in flight when it stopped (none phantom);
* **journal**: ``--big`` requests with ~1 MiB bodies that are answered 422,
  which the journal must hold in bounded bytes.

The target is the issue's: RSS ≤ 400 MB (10⁶ bytes) at the end of the
soak's million requests, with no error in any phase and the server still
answering at the end.  The storm and journal phases come after it and
their RSS is reported beside it: the storm's tickets are the account's
own data, which the mock keeps, so how far it grows depends on how many
tickets the machine can take in its seconds.  Writes its section of
``bench/RESULTS.md``; ``--smoke`` runs a few thousand requests with a
Python client instead of wrk, prints, and writes nothing (the test suite
runs that).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from run import KEY, Cores, pinned, portal_server  # noqa: E402  (scripts beside this one)
from sections import commit, write  # noqa: E402

TARGET_MB = 400
MB_PER_MIB = (1 << 20) / 1e6
TICKET = b'{"department":"support","subject":"soak"}'


@dataclass
class Phase:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    rss_mib: list[float] = field(default_factory=list)
    note: str = ""


class Portal:
    """Plain requests to the server under test, one keep-alive connection."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def call(self, method: str, path: str, key: str | None = KEY, body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()


def mint(portal: Portal, count: int, prefix: str = "soak") -> list[str]:
    keys = []
    for number in range(count):
        status, _, body = portal.call("POST", "/__mock/keys", None, json.dumps({"label": f"{prefix}-{number}", "clock": "real"}).encode())
        assert status in (200, 201), body
        keys.append(json.loads(body)["key"])
    return keys


def wrk(url: str, script: str, argument: str, connections: int, seconds: int, cores: Cores) -> dict[str, int]:
    argv = [shutil.which("wrk") or "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url, "--", argument]
    result = subprocess.run(argv, capture_output=True, text=True, preexec_fn=pinned(cores.load), timeout=seconds + 60)
    line = next((text for text in result.stdout.splitlines() if text.startswith("{")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
    return json.loads(line)


def soak(server, keys: list[str], args: argparse.Namespace, cores: Cores, workdir: Path) -> Phase:
    phase = Phase("soak")
    keyfile = workdir / "keys.txt"
    keyfile.write_text("\n".join(keys) + "\n")
    started = time.monotonic()
    if args.smoke:
        portal = Portal(server.url)
        for number in range(args.requests):
            key = keys[number % len(keys)]
            status, _, _ = portal.call("POST", "/v1/ticket", key, TICKET) if number % 2 else portal.call("GET", "/v1/ticket", key)
            phase.requests += 1
            phase.errors += status >= 400
            if number % 500 == 0:
                phase.rss_mib.append(server.rss_mib())
    else:
        while phase.requests < args.requests:
            found = wrk(server.url, str(BENCH / "soak.lua"), str(keyfile), args.connections, args.chunk, cores)
            phase.requests += found["requests"]
            phase.errors += found["bad_status"] + found["socket_errors"]
            phase.rss_mib.append(server.rss_mib())
            print(f"  soak: {phase.requests:,} requests, {phase.errors} errors, RSS {phase.rss_mib[-1]:.0f} MiB", flush=True)
    phase.seconds = time.monotonic() - started
    return phase


def storm(server, key: str, args: argparse.Namespace, cores: Cores, workdir: Path) -> Phase:
    phase = Phase("storm")
    started = time.monotonic()
    if args.smoke:
        portal = Portal(server.url)
        for _ in range(200):
            status, _, _ = portal.call("POST", "/v1/ticket", key, TICKET)
            phase.requests += 1
            phase.errors += status != 202
    else:
        keyfile = workdir / "storm-key.txt"
        keyfile.write_text(key + "\n")
        script = workdir / "storm.lua"
        script.write_text((BENCH / "soak.lua").read_text().replace("local pick = math.random(100)", "local pick = 1"))
        found = wrk(server.url, str(script), str(keyfile), args.storm_connections, args.storm_seconds, cores)
        phase.requests, phase.errors = found["requests"], found["bad_status"] + found["socket_errors"]
    phase.seconds = time.monotonic() - started
    portal = Portal(server.url)
    status, headers, _ = portal.call("GET", "/v1/ticket", key)
    held = int(headers.get("content-range", "items 0-0/0").rpartition("/")[2]) if status == 200 else -1
    accepted = phase.requests - phase.errors
    # wrk stops counting with a request in flight on each connection: the
    # server may still accept those, so up to one ticket per connection
    # more than wrk saw answered is not phantom state.  Fewer is lost state.
    unseen = 0 if args.smoke else args.storm_connections
    consistent = accepted <= held <= accepted + unseen
    phase.note = f"{accepted:,} tickets accepted, {held:,} held by the account"
    if consistent and held > accepted:
        phase.note += f" ({held - accepted} answered after wrk stopped counting, at most one per connection)"
    if not consistent:
        phase.note += " — MISMATCH"
        phase.errors += 1
    phase.rss_mib.append(server.rss_mib())
    return phase


def journal(server, args: argparse.Namespace) -> Phase:
    phase = Phase("journal")
    portal = Portal(server.url)
    body = json.dumps({"department": "nowhere", "subject": "x" * ((1 << 20) - 100)}).encode()
    started = time.monotonic()
    for number in range(args.big):
        status, _, _ = portal.call("POST", "/v1/ticket", KEY, body)
        phase.requests += 1
        phase.errors += status != 422
        if number % 100 == 0:
            phase.rss_mib.append(server.rss_mib())
    phase.seconds = time.monotonic() - started
    phase.rss_mib.append(server.rss_mib())
    phase.note = "every body answered 422 and journaled"
    return phase


def report(phases: list[Phase], idle: float, answering: bool, args: argparse.Namespace) -> str:
    final = phases[-1].rss_mib[-1] if phases[-1].rss_mib else idle
    soaked = phases[0].rss_mib[-1] if phases[0].rss_mib else idle
    errors = sum(phase.errors for phase in phases)
    lines = [
        "## Soak: a long run in bounded memory",
        "",
        f"`python bench/soak.py --requests {args.requests} --keys {args.keys} --big {args.big}`: one `portal-mock serve` (task delay 0,"
        " journal at serve's default bounds); RSS sampled through each phase.",
        "",
        "| phase | requests | errors | seconds | RSS at start | RSS peak | RSS at end | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    before = idle
    for phase in phases:
        peak = max(phase.rss_mib, default=before)
        end = phase.rss_mib[-1] if phase.rss_mib else before
        lines.append(
            f"| {phase.name} | {phase.requests:,} | {phase.errors} | {phase.seconds:.0f} | {before:.0f} MiB | {peak:.0f} MiB | {end:.0f} MiB | {phase.note} |"
        )
        before = end
    met = soaked * MB_PER_MIB <= TARGET_MB and errors == 0 and answering
    lines += [
        "",
        f"Target: RSS ≤ {TARGET_MB} MB at the end of the soak, no error, the server still answering at the end:"
        f" **{'met' if met else 'not met'}** (RSS {soaked * MB_PER_MIB:.0f} MB after the soak, {final * MB_PER_MIB:.0f} MB at the end"
        f" of every phase; {errors} errors; {'answering' if answering else 'NOT answering'}).",
        "",
        f"Commit {commit()}; Python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000, help="mixed requests of the soak (default: 1000000)")
    parser.add_argument("--keys", type=int, default=1000, help="keys (accounts) the soak spreads over (default: 1000)")
    parser.add_argument("--connections", type=int, default=32, help="connections of the soak (default: 32)")
    parser.add_argument("--chunk", type=int, default=30, metavar="S", help="seconds per wrk run; RSS is sampled between runs (default: 30)")
    parser.add_argument("--storm-connections", type=int, default=256, help="connections of the storm (default: 256)")
    parser.add_argument("--storm-seconds", type=int, default=30, help="seconds of the storm (default: 30)")
    parser.add_argument("--big", type=int, default=3000, help="~1 MiB requests of the journal phase (default: 3000)")
    parser.add_argument("--smoke", action="store_true", help="a few thousand requests without wrk; print, write nothing")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.keys, args.big = 2000, 20, 20
    elif shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install -y wrk); --smoke runs without it")
    cores = Cores.plan()
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        server = portal_server(workdir, cores).start()
        try:
            idle = server.rss_mib()
            keys = mint(Portal(server.url), args.keys)
            phases = [soak(server, keys, args, cores, workdir)]
            phases.append(storm(server, mint(Portal(server.url), 1, "storm")[0], args, cores, workdir))
            phases.append(journal(server, args))
            status, _, _ = Portal(server.url).call("GET", "/__mock/health", None)
            answering = status == 200
        finally:
            server.stop()
    section = report(phases, idle, answering, args)
    if not args.smoke:
        write("soak.py", section)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
