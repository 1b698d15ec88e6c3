"""Benchmark portal-mock against a bare Starlette app on loopback (issue 7).

One run starts ``portal-mock serve`` and ``bench/bare_app.py`` (the same task
JSON, headers and uvicorn settings, and nothing else) and measures, for both:

* throughput and latency with wrk, at each connection count, for
  ``POST /v1/ticket`` (ticket:add) and ``GET /v1/task/{uuid}`` (task:show);
* start-up, from exec to the first 200, and what is imported on the way;
* idle RSS, and portal-mock's RSS after ``--requests`` ticket:adds each
  polled once;
* what uvicorn's loop/parser choice and the access log are worth;
* where portal-mock's time goes (py-spy, when installed).

Every comparison is a ratio taken in the same run, because absolute numbers
on a shared machine drift from one hour to the next.  The two servers are
measured alternately, round by round, so drift hits both alike.  On a
machine with two or more CPUs the servers are pinned to one CPU and the load
generator (and this script) to another, so that they do not fight.

``--smoke`` is a few-seconds run with a built-in Python load generator
instead of wrk, for the test suite: it proves the harness works, and its
numbers mean nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import http.client
import importlib.util
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
KEY = "bench-key"
TICKET = b'{"department":"support","subject":"x"}'
WRK_MISSING = (
    "wrk is not installed; it is the load generator of the real bench.\n"
    "  Debian/Ubuntu: apt-get install -y wrk\n"
    "  macOS:         brew install wrk\n"
    "`python bench/run.py --smoke` runs without it (its numbers mean nothing)."
)
PYSPY_MISSING = "py-spy is not installed (`pip install py-spy`): no profile taken."
TARGETS = {"ticket:add": 0.80, "task:show": 0.90}
P99_FACTOR = 2.0
STARTUP_FACTOR = 1.5
IDLE_RSS_FACTOR = 1.5
RSS_LIMIT_MIB = 300


# -- CPUs ---------------------------------------------------------------------


@dataclass
class Cores:
    """Which CPU the servers get and which the load generator gets; ``None``
    (a one-CPU machine) leaves scheduling to the kernel."""

    server: set[int] | None
    load: set[int] | None

    @classmethod
    def plan(cls) -> Cores:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            return cls(None, None)
        return cls({cpus[0]}, {cpus[1]})

    def describe(self) -> str:
        if self.server is None:
            return "one CPU: servers and load generator share it (no pinning)"
        return f"servers pinned to CPU {min(self.server)}, load generator and this script to CPU {min(self.load)} (sched_setaffinity, as taskset)"


def pinned(cpus: set[int] | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that pins the child before it execs: the server's
    first instruction already runs on its own CPU."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


# -- servers ------------------------------------------------------------------


def rss_kib(pid: int, field_name: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field_name} for process {pid}")


def portal_mock_command() -> list[str]:
    """``portal-mock`` as a user runs it: the console script of this
    interpreter's environment, else the module."""
    script = Path(sys.executable).with_name("portal-mock")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "portal_mock"]


def first_200(url: str, process: subprocess.Popen, log: Path, deadline: float) -> str:
    """Open a ticket and poll its task until both answer; returns the task's
    Location.  Connection refusals before the server listens are retried
    every millisecond."""
    parts = urlsplit(url)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering:\n{log.read_text()}")
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request("POST", "/v1/ticket", TICKET, headers)
            accepted = connection.getresponse()
            accepted.read()
            if accepted.status != 202:
                raise RuntimeError(f"POST /v1/ticket answered {accepted.status}, expected 202")
            location = accepted.getheader("Location")
            connection.request("GET", location, headers=headers)
            shown = connection.getresponse()
            shown.read()
            if shown.status == 200:
                return location
            raise RuntimeError(f"GET {location} answered {shown.status}, expected 200")
        except (ConnectionRefusedError, ConnectionResetError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"server at {url} did not answer in time:\n{log.read_text()}") from None
            time.sleep(0.001)
        finally:
            connection.close()


class Server:
    """One server process: started, timed to its first 200, measured, stopped."""

    def __init__(self, name: str, argv: list[str], workdir: Path, cores: Cores, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.argv = argv
        self.cores = cores
        self.env = env
        self.log = workdir / f"{name.replace(' ', '-')}-{time.monotonic_ns()}.log"
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.location = ""
        self.ready_after = 0.0
        self.tasks_added = 1

    def start(self) -> Server:
        with open(self.log, "w") as log:
            started = time.perf_counter()
            self.process = subprocess.Popen(
                self.argv, stdout=subprocess.PIPE, stderr=log, text=True, preexec_fn=pinned(self.cores.server), env=self.env, cwd=ROOT
            )
        deadline = time.monotonic() + 30
        try:
            for line in self.process.stdout:
                found = re.search(r" at (http://\S+)/v1", line)
                if found:
                    self.url = found.group(1)
                    break
            else:
                raise RuntimeError(f"{self.name} printed no URL:\n{self.log.read_text()}")
            self.location = first_200(self.url, self.process, self.log, deadline)
        except BaseException:
            self.stop()
            raise
        self.ready_after = time.perf_counter() - started
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mib(self, field_name: str = "VmRSS") -> float:
        return rss_kib(self.pid, field_name) / 1024

    def gc_summary(self) -> dict:
        """Ask a ``portal_variant.py --gc-report`` server for its collector
        summary since the last one (SIGUSR1; it answers on its log)."""
        before = self.log.read_text().count("\n")
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            lines = self.log.read_text().splitlines()
            if len(lines) > before and lines[-1].startswith("{"):
                return json.loads(lines[-1])
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} sent no GC summary:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


def bare_server(workdir: Path, cores: Cores, *flags: str, env: dict[str, str] | None = None) -> Server:
    return Server("bare" + "".join(f" {f}" for f in flags), [sys.executable, str(BENCH / "bare_app.py"), *flags], workdir, cores, env)


def portal_server(workdir: Path, cores: Cores, *flags: str, env: dict[str, str] | None = None) -> Server:
    argv = [*portal_mock_command(), "serve", "--port", "0", "--key", KEY, "--task-delay", "0", "--seed", "0", *flags]
    return Server("portal-mock" + "".join(f" {f}" for f in flags), argv, workdir, cores, env)


def portal_variant(workdir: Path, cores: Cores, *flags: str) -> Server:
    argv = [sys.executable, str(BENCH / "portal_variant.py"), "--key", KEY, "--task-delay", "0", *flags]
    return Server("portal-mock" + "".join(f" {f}" for f in flags), argv, workdir, cores)


# -- load generators ----------------------------------------------------------


@dataclass
class Sample:
    """One measured run of one load on one server."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int = 0
    server_cpu: float = 0.0
    foreign_cpu: float = 0.0
    gc: dict | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


class Wrk:
    """wrk with one thread (it has one CPU), driven by ``bench/wrk.lua``."""

    name = "wrk"

    def __init__(self, cores: Cores) -> None:
        self.binary = shutil.which("wrk")
        self.cores = cores

    def version(self) -> str:
        result = subprocess.run([self.binary, "-v"], capture_output=True, text=True)
        return (result.stdout or result.stderr).split(" Copyright")[0].strip()

    def run(self, url: str, kind: str, connections: int, seconds: int) -> Sample:
        argv = [
            self.binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(BENCH / "wrk.lua"), "-H", f"Authorization: Bearer {KEY}", url, "--", kind,
        ]  # fmt: skip
        result = subprocess.run(argv, capture_output=True, text=True, preexec_fn=pinned(self.cores.load), timeout=seconds + 60)
        line = next((text for text in result.stdout.splitlines() if text.startswith("{")), None)
        if result.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
        data = json.loads(line)
        if data["bad_status"]:
            raise RuntimeError(f"{data['bad_status']} of {data['requests']} answers to {kind} {url} were errors: the bench would measure error paths")
        return Sample(data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1e3, data["p99_us"] / 1e3, data["max_us"] / 1e3, data["socket_errors"])


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when installed (it is, with uvicorn[standard]): the Python load
    generator is then cheaper per request and disturbs less."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run_async(coroutine):
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(coroutine)


def http_request(method: str, url: str, body: bytes = b"") -> bytes:
    parts = urlsplit(url)
    lines = [f"{method} {parts.path} HTTP/1.1", f"Host: {parts.netloc}", f"Authorization: Bearer {KEY}"]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.I)
_LOCATION = re.compile(rb"\r\nlocation: *(\S+)", re.I)


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes, bytes]:
    """One request/response on a keep-alive connection: (status, head, body)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = _LENGTH.search(head)
    body = await reader.readexactly(int(length.group(1))) if length else b""
    return int(head[9:12]), head, body


class PyLoad:
    """A closed-loop load generator on asyncio and raw keep-alive sockets.

    Used by ``--smoke`` only, where wrk may be missing (CI installs with pip
    alone).  It is several times slower than wrk per request, so its
    numbers are not comparable with wrk's and the report says which ran.
    """

    name = "built-in Python load generator (--smoke)"

    def __init__(self, cores: Cores) -> None:
        self.cores = cores

    def version(self) -> str:
        return f"Python {platform.python_version()} asyncio"

    def run(self, url: str, kind: str, connections: int, seconds: float) -> Sample:
        request = http_request("POST", url, TICKET) if kind == "post" else http_request("GET", url)
        parts = urlsplit(url)
        latencies: list[float] = []
        bad: list[int] = []

        async def connection(deadline: float) -> None:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            try:
                while time.perf_counter() < deadline:
                    sent = time.perf_counter()
                    status, _, _ = await exchange(reader, writer, request)
                    latencies.append(time.perf_counter() - sent)
                    if status >= 400:
                        bad.append(status)
            finally:
                writer.close()

        async def drive() -> float:
            started = time.perf_counter()
            await asyncio.gather(*(connection(started + seconds) for _ in range(connections)))
            return time.perf_counter() - started

        with affinity(self.cores.load):
            elapsed = run_async(drive())
        if bad:
            raise RuntimeError(f"{len(bad)} answers to {kind} {url} were errors ({Counter(bad)})")
        latencies.sort()
        return Sample(len(latencies), elapsed, percentile(latencies, 50) * 1e3, percentile(latencies, 99) * 1e3, latencies[-1] * 1e3)


class affinity:
    """Run a block on some CPUs, then restore the old affinity."""

    def __init__(self, cpus: set[int] | None) -> None:
        self.cpus = cpus
        self.saved = os.sched_getaffinity(0)

    def __enter__(self) -> None:
        if self.cpus is not None:
            os.sched_setaffinity(0, self.cpus)

    def __exit__(self, *exc: object) -> None:
        os.sched_setaffinity(0, self.saved)


TICK = os.sysconf("SC_CLK_TCK")


def _machine_ticks() -> int:
    """CPU time spent by all processes (user, nice, system), every CPU."""
    with open("/proc/stat") as stat:
        user, nice, system = stat.readline().split()[1:4]
    return int(user) + int(nice) + int(system)


def _process_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def _own_ticks() -> float:
    """CPU time of this script and of its reaped children (wrk, py-spy)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime) * TICK


class CpuMeter:
    """How busy the server was during a run, and how much CPU other
    processes took meanwhile (in CPUs: 1.0 is one CPU all the time).

    The machine may be shared; a run during which others used a noticeable
    share is not a measurement of the server, and ``measure`` repeats it.
    """

    def __init__(self, server_pid: int) -> None:
        self.pid = server_pid

    def __enter__(self) -> CpuMeter:
        self.started = time.monotonic()
        self.machine, self.server, self.own = _machine_ticks(), _process_ticks(self.pid), _own_ticks()
        return self

    def __exit__(self, *exc: object) -> None:
        elapsed = (time.monotonic() - self.started) * TICK
        server = _process_ticks(self.pid) - self.server
        own = _own_ticks() - self.own
        self.server_cpu = server / elapsed
        self.foreign_cpu = max(0.0, (_machine_ticks() - self.machine - server - own) / elapsed)


def percentile(ordered: Sequence[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def add_and_poll(url: str, count: int, connections: int) -> tuple[float, Counter]:
    """``count`` ticket:adds, each followed by one task:show of its Location,
    over ``connections`` keep-alive connections.  Returns the seconds taken
    and the statuses the polls reported."""
    parts = urlsplit(url)
    post = http_request("POST", url + "/v1/ticket", TICKET)
    remaining = [count]
    outcomes: Counter = Counter()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while remaining[0] > 0:
                remaining[0] -= 1
                status, head, _ = await exchange(reader, writer, post)
                if status != 202:
                    raise RuntimeError(f"ticket:add answered {status}")
                location = _LOCATION.search(head).group(1).decode()
                status, _, body = await exchange(reader, writer, http_request("GET", url + location))
                if status != 200:
                    raise RuntimeError(f"task:show answered {status}")
                outcomes[json.loads(body)["status"]] += 1
        finally:
            writer.close()

    async def drive() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(connection() for _ in range(connections)))
        return time.perf_counter() - started

    return run_async(drive()), outcomes


# -- the measurements ---------------------------------------------------------

LOADS = (("ticket:add", "post"), ("task:show", "get"))


@dataclass
class Throughput:
    action: str
    connections: int
    bare: list[Sample] = field(default_factory=list)
    portal: list[Sample] = field(default_factory=list)

    @staticmethod
    def median(samples: list[Sample], attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in samples)


def target_url(server: Server, kind: str) -> str:
    return server.url + ("/v1/ticket" if kind == "post" else server.location)


def measure(load, server: Server, kind: str, connections: int, args: argparse.Namespace, gc_report: bool = False) -> Sample:
    """Warm up, then measure; a measured run during which other processes
    used more than ``--quiet`` CPUs is repeated (``--retries`` times at most)
    and the least disturbed run is kept.  With ``gc_report`` (a server
    started with ``--gc-report``) each run also records the collector's work."""
    if kind == "get":
        # A task of its own, just finished: the one start-up polled may be
        # past --task-bytes by now, forgotten after the ticket:adds since.
        server.location = first_200(server.url, server.process, server.log, time.monotonic() + 10)
    url = target_url(server, kind)
    runs = [load.run(url, kind, connections, args.warmup)] if args.warmup else []
    measured = []
    for _ in range(1 + args.retries):
        if gc_report:
            server.gc_summary()
        with CpuMeter(server.pid) as meter:
            sample = load.run(url, kind, connections, args.duration)
        sample.server_cpu, sample.foreign_cpu = meter.server_cpu, meter.foreign_cpu
        if gc_report:
            sample.gc = server.gc_summary()
        measured.append(sample)
        if sample.foreign_cpu <= args.quiet:
            break
    if kind == "post":
        server.tasks_added += sum(run.requests for run in runs + measured)
    return min(measured, key=lambda run: run.foreign_cpu)


def throughput(load, bare: Server, portal: Server, args: argparse.Namespace, say: Callable[[str], None]) -> list[Throughput]:
    """Each (action, connections) case, round by round, alternating which
    server goes first so slow drift of the machine hits both alike."""
    results = []
    for action, kind in LOADS:
        for connections in args.connections:
            case = Throughput(action, connections)
            for round_ in range(args.rounds):
                order = [(bare, case.bare), (portal, case.portal)]
                if round_ % 2:
                    order.reverse()
                for server, samples in order:
                    sample = measure(load, server, kind, connections, args)
                    samples.append(sample)
                    say(
                        f"  {action:<10} c={connections:<3} round {round_ + 1}: {server.name:<12} {sample.rps:9.0f} req/s"
                        f"  p50 {sample.p50_ms:6.2f} ms  p99 {sample.p99_ms:7.2f} ms  server CPU {sample.server_cpu:4.0%}  others {sample.foreign_cpu:4.0%}"
                    )
            results.append(case)
    return results


@dataclass
class ImportProfile:
    total_ms: float
    top: list[tuple[str, float]]


def parse_importtime(text: str, root: str | None = None) -> ImportProfile:
    """Parse ``-X importtime`` output into the total and the own time summed
    per top-level package (``starlette``, ``faker``, ...), which says more
    than nested cumulative times.  With ``root``, only that module and what
    it imported count."""
    entries = []
    for line in text.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|( *)(\S+)", line)
        if match:
            entries.append((int(match.group(1)) / 1e3, len(match.group(2)) // 2, match.group(3)))
    if root is not None:
        end = next(i for i, (_, depth, name) in enumerate(entries) if depth == 0 and name == root)
        start = end
        while start > 0 and entries[start - 1][1] > 0:
            start -= 1
        entries = entries[start : end + 1]
    by_package: Counter = Counter()
    for own_ms, _, name in entries:
        by_package[name.split(".")[0]] += own_ms
    return ImportProfile(sum(by_package.values()), by_package.most_common(8))


def import_time(code: str, root: str, cwd: Path, repeats: int) -> ImportProfile:
    """``python -X importtime -c CODE``: once to fill the bytecode caches,
    then the median of ``repeats`` runs."""
    runs = []
    for _ in range(repeats + 1):
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=cwd, check=True)
        runs.append(parse_importtime(result.stderr, root))
    runs = sorted(runs[1:], key=lambda p: p.total_ms)
    return runs[len(runs) // 2]


@dataclass
class Startup:
    name: str
    ready_s: list[float] = field(default_factory=list)
    idle_rss_mib: list[float] = field(default_factory=list)
    imports: ImportProfile | None = None
    imports_at_start: ImportProfile | None = None


def startups(make: dict[str, Callable[..., Server]], repeats: int, say: Callable[[str], None]) -> dict[str, Startup]:
    """Start each server ``repeats`` times, alternately: exec to first 200,
    and RSS once it has answered.  One extra start with
    ``PYTHONPROFILEIMPORTTIME`` records what it imported on the way."""
    found = {name: Startup(name) for name in make}
    for round_ in range(repeats):
        for name, factory in make.items():
            server = factory().start()
            try:
                time.sleep(0.2)
                found[name].ready_s.append(server.ready_after)
                found[name].idle_rss_mib.append(server.rss_mib())
            finally:
                server.stop()
            say(f"  start-up {round_ + 1}: {name:<12} first 200 after {server.ready_after * 1e3:6.0f} ms, idle RSS {found[name].idle_rss_mib[-1]:5.1f} MiB")
    for name, factory in make.items():
        server = factory(env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}).start()
        server.stop()
        found[name].imports_at_start = parse_importtime(server.log.read_text())
    return found


@dataclass
class Memory:
    requests: int
    idle_mib: float
    after_mib: float
    peak_mib: float
    seconds: float
    outcomes: Counter
    connections: int


def memory(make: Callable[[], Server], count: int, connections: int, cores: Cores) -> Memory:
    """A fresh portal-mock: RSS idle, then after ``count`` ticket:adds each
    polled once (``--task-delay 0``: every poll resolves its task, so every
    task also made its ticket)."""
    server = make().start()
    try:
        time.sleep(0.2)
        idle = server.rss_mib()
        with affinity(cores.load):
            seconds, outcomes = add_and_poll(server.url, count, connections)
        time.sleep(0.2)
        return Memory(count, idle, server.rss_mib(), server.rss_mib("VmHWM"), seconds, outcomes, connections)
    finally:
        server.stop()


def unknown_method(server: Server) -> str:
    """What the server answers to a method no HTTP parser table knows."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("BREW", "/v1/ticket", headers={"Authorization": f"Bearer {KEY}"})
        response = connection.getresponse()
        body = response.read().decode(errors="replace").strip()
        return f"{response.status}, {response.getheader('Content-Type')}: `{body[:70]}`"
    except (http.client.HTTPException, OSError) as error:
        return f"no HTTP answer ({type(error).__name__})"
    finally:
        connection.close()


@dataclass
class Setting:
    name: str
    server: str
    samples: dict[str, Sample]
    unknown_method: str


def settings(load, workdir: Path, cores: Cores, connections: int, args: argparse.Namespace, say: Callable[[str], None]) -> list[Setting]:
    """uvicorn's loop/parser and the access log, one run each at
    ``connections``, next to the default settings measured again now."""
    variants = [
        ("uvloop + httptools (default)", "bare", lambda: bare_server(workdir, cores)),
        ("asyncio + h11", "bare", lambda: bare_server(workdir, cores, "--loop", "asyncio", "--http", "h11")),
        ("uvloop + httptools (default)", "portal-mock", lambda: portal_server(workdir, cores)),
        ("asyncio + h11", "portal-mock", lambda: portal_variant(workdir, cores, "--loop", "asyncio", "--http", "h11")),
        ("uvloop + h11", "portal-mock", lambda: portal_variant(workdir, cores, "--loop", "uvloop", "--http", "h11")),
        ("asyncio + httptools", "portal-mock", lambda: portal_variant(workdir, cores, "--loop", "asyncio", "--http", "httptools")),
        ("default + --access-log", "portal-mock", lambda: portal_server(workdir, cores, "--access-log")),
    ]
    found = []
    for name, kind, factory in variants:
        server = factory().start()
        try:
            samples = {action: measure(load, server, verb, connections, args) for action, verb in LOADS}
            found.append(Setting(name, kind, samples, unknown_method(server)))
        finally:
            server.stop()
        say(f"  settings: {kind:<11} {name:<28} " + "  ".join(f"{a} {s.rps:7.0f} req/s" for a, s in samples.items()))
    return found


@dataclass
class Collector:
    policy: str
    samples: dict[str, Sample]


BARE_REFERENCE = "bare Starlette (reference, no GC report)"
GC_POLICIES = (
    ("as served", ("--gc-report",)),
    ("without serve's `gc.freeze()` policy", ("--gc-report", "--no-gc-freeze")),
)


def collections(load, workdir: Path, cores: Cores, connections: int, args: argparse.Namespace, say: Callable[[str], None]) -> list[Collector]:
    """What the garbage collector costs portal-mock: a fresh server per
    policy, ticket:add then task:show (so task:show runs with the tasks the
    ticket:adds stored), each with the collector's own timing.  A fresh bare
    server first, the same way, so the section has its own baseline."""
    bare = bare_server(workdir, cores).start()
    try:
        found = [Collector(BARE_REFERENCE, {action: measure(load, bare, kind, connections, args) for action, kind in LOADS})]
    finally:
        bare.stop()
    for policy, flags in GC_POLICIES:
        server = portal_variant(workdir, cores, *flags).start()
        try:
            samples = {action: measure(load, server, kind, connections, args, gc_report=True) for action, kind in LOADS}
        finally:
            server.stop()
        found.append(Collector(policy, samples))
        say(f"  gc: {policy[:40]:<40} " + "  ".join(f"{a} {s.rps:7.0f} req/s, GC {sum(s.gc['total_s']) / s.gc['wall_s']:4.0%}" for a, s in samples.items()))
    return found


# -- profile ------------------------------------------------------------------


@dataclass
class Profile:
    server: str
    action: str
    samples: int
    by_package: list[tuple[str, float]]
    self_top: list[tuple[str, float]]
    inclusive_top: list[tuple[str, float]]


def _module_path(frame: str) -> str:
    """The path in a py-spy frame ``function (path)``, relative to its import
    root: py-spy already shortens most paths (``starlette/routing.py``);
    absolute ones are cut at ``site-packages`` or the standard library."""
    path = frame[frame.rfind("(") + 1 : -1]
    path = path.split("/site-packages/")[-1]
    if path.startswith("/"):
        stdlib = re.search(r"/python3\.\d+/(.+)", path)
        path = stdlib.group(1) if stdlib else Path(path).name
    return path


def _package(frame: str) -> str:
    """Which package a py-spy frame belongs to: ``starlette``, ``json``, ..."""
    path = _module_path(frame)
    if path == "<string>":
        return "generated code (dataclass __init__)"
    package = path.split("/")[0].removesuffix(".py")
    return package if package.isprintable() and package.strip() else "(frames py-spy could not name)"


def _short(frame: str) -> str:
    return f"`{frame.partition(' (')[0]}` ({_module_path(frame)})"


def parse_pyspy(text: str, server: str, action: str) -> Profile:
    """Self time by package and by function, and inclusive time by function,
    from py-spy's collapsed stacks (``frame;frame;... count``)."""
    own: Counter = Counter()
    packages: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        frames = stack.split(";")
        n = int(count)
        total += n
        leaf = frames[-1]
        own[leaf] += n
        packages[_package(leaf)] += n
        for frame in set(frames):
            inclusive[frame] += n
    share = lambda counter, k: [(name, 100 * n / total) for name, n in counter.most_common(k)]  # noqa: E731
    return Profile(
        server,
        action,
        total,
        share(packages, 10),
        [(_short(f), s) for f, s in share(own, 12)],
        [
            (_short(f), s)
            for f, s in share(inclusive, len(inclusive))
            if _package(f) in ("portal_mock", "bare_app") and _module_path(f) not in ("portal_mock/cli.py", "portal_mock/__main__.py")
        ][:15],
    )


def pyspy_binary() -> str | None:
    """py-spy on PATH or beside this interpreter (a venv's bin/)."""
    return shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))


def profiles(load, make: dict[str, Callable[[], Server]], cores: Cores, args: argparse.Namespace, workdir: Path) -> list[Profile]:
    """py-spy sampling each server under the 32-connection load (or the
    largest asked for).  py-spy runs non-blocking, beside wrk, so the
    server is not paused to be sampled."""
    pyspy = pyspy_binary()
    connections = max(args.connections)
    found = []
    for name, factory in make.items():
        server = factory().start()
        try:
            for action, kind in LOADS:
                load.run(target_url(server, kind), kind, connections, max(args.warmup, 1))
                output = workdir / f"{name}-{kind}.txt"
                spy = subprocess.Popen(
                    [pyspy, "record", "--pid", str(server.pid), "--duration", str(args.duration), "--rate", "250",
                     "--nonblocking", "--nolineno", "--format", "raw", "--output", str(output)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=pinned(cores.load),
                )  # fmt: skip
                load.run(target_url(server, kind), kind, connections, args.duration)
                _, err = spy.communicate(timeout=args.duration + 60)
                if not output.exists():
                    raise RuntimeError(f"py-spy failed: {err.decode(errors='replace')}")
                found.append(parse_pyspy(output.read_text(), name, action))
        finally:
            server.stop()
    return found


# -- the report ---------------------------------------------------------------


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory_kib = int(info.readline().split()[1])
    system = platform.platform()
    try:
        release = dict(line.rstrip().split("=", 1) for line in open("/etc/os-release") if "=" in line)
        system += f", {release.get('PRETTY_NAME', '').strip(chr(34))}"
    except OSError:
        pass
    return [f"CPU: {cpu}, {os.cpu_count()} logical CPUs", f"Memory: {memory_kib / 1024 / 1024:.1f} GiB", f"OS: {system}"]


def commit() -> str:
    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], capture_output=True, text=True, cwd=ROOT).stdout.strip()

    sha = git("rev-parse", "--short", "HEAD") or "unknown"
    subject = git("log", "-1", "--format=%s")
    dirty = [line for line in git("status", "--porcelain").splitlines() if not line.endswith("bench/RESULTS.md")]
    return f"`{sha}` ({subject})" + (", with uncommitted changes" if dirty else "")


HAS_JOURNAL = (ROOT / "portal_mock" / "engine" / "journal.py").exists() or (ROOT / "portal_mock" / "journal.py").exists()


def journal_note() -> str:
    if HAS_JOURNAL:
        return (
            "This commit has the bounded request journal, at `portal-mock serve`'s default bound: every number includes it,"
            " and the memory step's requests fill it when they outnumber the bound."
        )
    return "This commit has no request journal: nothing here includes its cost."


def uvicorn_settings() -> str:
    """What ``portal_mock/http/server.py`` tells uvicorn, read from the config it
    builds (loaded by path, as ``bare_app.py`` does) rather than restated."""
    import uvicorn
    from bare_app import app, load_live

    config = uvicorn.Config(app, access_log=False, **load_live().SETTINGS)
    loop = "uvloop" if config.loop == "auto" and installed("uvloop") else config.loop
    parser = "httptools" if config.http == "auto" and installed("httptools") else config.http
    return (
        f"loop `{config.loop}` ({loop}), HTTP parser `{config.http}` ({parser}), access log {'on' if config.access_log else 'off'},"
        f" lifespan `{config.lifespan}`; portal-mock also reads every request through its connection limits"
        " (`GuardedProtocol`, httptools' protocol with the read timeout and header bound)"
    )


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def ms(value: float) -> str:
    return f"{value:.2f} ms"


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(
    args: argparse.Namespace,
    argv: Sequence[str],
    load,
    cores: Cores,
    cases: list[Throughput],
    started: dict[str, Startup],
    package_import: ImportProfile,
    bare_import: ImportProfile,
    mem: Memory,
    matrix: list[Setting],
    collected: list[Collector],
    profiled: list[Profile] | str,
    stored: int,
) -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    biggest = max(args.connections)
    lines = [
        "# Benchmark results: portal-mock against bare Starlette",
        "",
        f"Written by `python bench/run.py{' ' if argv else ''}{shlex.join(argv)}` on {now:%Y-%m-%d %H:%M} UTC.",
        f"Commit measured: {commit()}.",
        journal_note(),
        "Every ratio compares two numbers taken in this same run. See `bench/README.md` for the method.",
        "",
        "## Machine and versions",
        "",
        *[f"- {line}" for line in machine()],
        f"- Pinning: {cores.describe()}",
        f"- Python {platform.python_version()}; starlette {version_of('starlette')}, uvicorn {version_of('uvicorn')},"
        f" uvloop {version_of('uvloop')}, httptools {version_of('httptools')}, Faker {version_of('Faker')}",
        f"- Load generator: {load.name} ({load.version()}), one thread; {args.duration} s per run after {args.warmup} s of warm-up;"
        f" median of {args.rounds} round(s), the two servers alternating",
        f"- Both servers: `portal_mock.http.server.SETTINGS` ({uvicorn_settings()}), one worker; portal-mock with `--task-delay 0`",
        "",
        "## Throughput and latency",
        "",
        "| request | connections | bare req/s | portal-mock req/s | ratio | bare p50 | portal-mock p50 | bare p99 | portal-mock p99 | p99 / bare"
        " | server CPU, bare / portal-mock |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        m = Throughput.median
        b_rps, p_rps = m(case.bare, "rps"), m(case.portal, "rps")
        b99, p99 = m(case.bare, "p99_ms"), m(case.portal, "p99_ms")
        lines.append(
            f"| {case.action} | {case.connections} | {b_rps:,.0f} | {p_rps:,.0f} | {p_rps / b_rps:.0%} | {ms(m(case.bare, 'p50_ms'))}"
            f" | {ms(m(case.portal, 'p50_ms'))} | {ms(b99)} | {ms(p99)} | {p99 / b99:.1f}×"
            f" | {m(case.bare, 'server_cpu'):.0%} / {m(case.portal, 'server_cpu'):.0%} |"
        )
    errors = sum(s.socket_errors for c in cases for s in c.bare + c.portal)
    worst = max(s.max_ms for c in cases for s in c.portal)
    foreign = sorted(s.foreign_cpu for c in cases for s in c.bare + c.portal)
    lines += [
        "",
        f"Server CPU is the share of its one CPU the server used. Other processes on the machine used a median of"
        f" {statistics.median(foreign):.0%} of a CPU during the measured runs (at most {foreign[-1]:.0%}); a run above"
        f" {args.quiet:.0%} was repeated up to {args.retries} times and the least disturbed kept.",
        f"Socket errors or timeouts over all runs: {errors}. Slowest single portal-mock answer: {worst:.0f} ms."
        f" By the end of these runs portal-mock held about {stored:,} tasks (and as many tickets).",
        "",
        "## Start-up and idle memory",
        "",
        "| | bare | portal-mock | ratio |",
        "|---|---:|---:|---:|",
    ]
    bare, portal = started["bare"], started["portal-mock"]
    b_ready, p_ready = statistics.median(bare.ready_s), statistics.median(portal.ready_s)
    b_rss, p_rss = statistics.median(bare.idle_rss_mib), statistics.median(portal.idle_rss_mib)
    journal = "journal at serve's default bound" if HAS_JOURNAL else "no journal on this commit"
    lines += [
        f"| exec to first 200 (median of {len(bare.ready_s)}) | {b_ready * 1e3:.0f} ms | {p_ready * 1e3:.0f} ms | {p_ready / b_ready:.2f}× |",
        f"| idle RSS after the first 200 | {b_rss:.1f} MiB | {p_rss:.1f} MiB | {p_rss / b_rss:.2f}× |",
        f"| imports until the first 200 (`PYTHONPROFILEIMPORTTIME`) | {bare.imports_at_start.total_ms:.0f} ms | {portal.imports_at_start.total_ms:.0f} ms | |",
        f"| `python -X importtime -c \"import portal_mock\"` / `import bare_app` | {bare_import.total_ms:.0f} ms | {package_import.total_ms:.0f} ms | |",
        "",
        "\"First 200\" is the first task:show answered after a ticket:add, for both servers; the clock starts just before exec.",
        "",
        "Where the import time of `portal-mock serve` goes before its first 200 (own time per top-level package):",
        "",
        *[f"- `{name}` {ms_:.0f} ms" for name, ms_ in portal.imports_at_start.top],
        "",
        "and of the bare app:",
        "",
        *[f"- `{name}` {ms_:.0f} ms" for name, ms_ in bare.imports_at_start.top],
        "",
        "and of `import portal_mock` alone:",
        "",
        *[f"- `{name}` {ms_:.0f} ms" for name, ms_ in package_import.top],
        "",
        "## Memory under load",
        "",
        "| | portal-mock |",
        "|---|---:|",
        f"| ticket:adds, each polled once | {mem.requests:,} |",
        f"| task statuses seen by the polls | {', '.join(f'{k} {v:,}' for k, v in sorted(mem.outcomes.items()))} |",
        f"| RSS idle | {mem.idle_mib:.1f} MiB |",
        f"| RSS after | {mem.after_mib:.1f} MiB |",
        f"| peak RSS (VmHWM) | {mem.peak_mib:.1f} MiB |",
        f"| RSS growth per stored task (its ticket included) | {(mem.after_mib - mem.idle_mib) * 1024 * 1024 / mem.requests:,.0f} bytes |",
        f"| time for the {2 * mem.requests:,} requests (Python client, {mem.connections} connections) | {mem.seconds:.1f} s |",
        "",
    ]
    if matrix:
        lines += [
            f"## Server settings ({biggest} connections, one run each)",
            "",
            "| server | loop + parser | ticket:add req/s | task:show req/s | ticket:add p99 | task:show p99 | unknown method `BREW /v1/ticket` |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for row in matrix:
            add, show = row.samples["ticket:add"], row.samples["task:show"]
            lines.append(f"| {row.server} | {row.name} | {add.rps:,.0f} | {show.rps:,.0f} | {ms(add.p99_ms)} | {ms(show.p99_ms)} | {row.unknown_method} |")
        lines.append("")
    if collected:
        lines += [
            f"## Garbage collection ({biggest} connections, a fresh server per policy)",
            "",
            "`bench/portal_variant.py --gc-report` times every collection (`gc.callbacks`); a fresh bare app, driven the same way"
            " just before, is the section's baseline. A profiler cannot show the collector:"
            " a collection runs inside whichever function allocated when a threshold was crossed, and py-spy charges it there."
            " task:show runs after ticket:add on the same server, so it serves with the tasks those stored.",
            "",
            "| policy | request | req/s | p99 | slowest answer | collections gen 0 / 1 / 2 | time in GC | longest collection"
            " | objects the collector still scans, after |",
            "|---|---|---:|---:|---:|---|---:|---:|---:|",
        ]
        for row in collected:
            for action, sample in row.samples.items():
                g = sample.gc
                collector = (
                    f"{' / '.join(str(n) for n in g['count'])} | {sum(g['total_s']) / g['wall_s']:.1%} | {max(g['longest_s']) * 1e3:.1f} ms | {g['tracked']:,}"
                    if g
                    else "— | — | — | —"
                )
                lines.append(f"| {row.policy} | {action} | {sample.rps:,.0f} | {ms(sample.p99_ms)} | {sample.max_ms:.0f} ms | {collector} |")
        lines.append("")
    lines += ["## Targets", "", "| target | measured | met |", "|---|---:|---|"]
    for case in cases:
        if case.connections != biggest:
            continue
        ratio = Throughput.median(case.portal, "rps") / Throughput.median(case.bare, "rps")
        bare_p99 = Throughput.median(case.bare, "p99_ms")
        p99 = Throughput.median(case.portal, "p99_ms") / bare_p99
        measured = f"{p99:.1f}×"
        fresh = {row.policy: row.samples[case.action] for row in collected}
        if fresh:
            # A full collection may or may not fall inside a measured window;
            # the fresh servers of the GC section are the other half of the evidence.
            fresh_p99 = fresh["as served"].p99_ms / fresh[BARE_REFERENCE].p99_ms
            measured += f" here, {fresh_p99:.1f}× on the fresh servers of the GC section"
            p99 = max(p99, fresh_p99)
        goal = TARGETS[case.action]
        lines.append(f"| {case.action} at {biggest} connections ≥ {goal:.0%} of bare's req/s | {ratio:.0%} | {met(ratio >= goal)} |")
        lines.append(f"| {case.action} p99 at {biggest} connections ≤ {P99_FACTOR:g}× bare's | {measured} | {met(p99 <= P99_FACTOR)} |")
    journal = "journal at serve's default bound" if HAS_JOURNAL else "no journal on this commit"
    lines += [
        f"| exec to first 200 ≤ {STARTUP_FACTOR:g}× bare's | {p_ready / b_ready:.2f}× | {met(p_ready / b_ready <= STARTUP_FACTOR)} |",
        f"| idle RSS ≤ {IDLE_RSS_FACTOR:g}× bare's | {p_rss / b_rss:.2f}× | {met(p_rss / b_rss <= IDLE_RSS_FACTOR)} |",
        f"| RSS ≤ {RSS_LIMIT_MIB} MB after {mem.requests:,} tasks ({journal}) | {mem.after_mib * 1.048576:.0f} MB"
        f" | {met(mem.after_mib * 1.048576 <= RSS_LIMIT_MIB)} |",
        "",
    ]
    lines += ["## Profile", ""]
    if isinstance(profiled, str):
        lines += [profiled, ""]
    else:
        lines += [
            f"py-spy, 250 samples/s, non-blocking, {args.duration} s under {load.name} at {biggest} connections, a fresh server each."
            " A sample counts only while the server runs: time inside uvloop's C event loop and in socket system calls shows as"
            " the Python function that called it (`Runner.run`, `RequestResponseCycle.send`); garbage collection shows as"
            " whatever allocated (see the section above). py-spy cannot follow a coroutine up to the event loop, so inclusive"
            " times are given only for portal-mock's own functions, whose callees it does see.",
            "",
        ]
        for action in dict.fromkeys(p.action for p in profiled):
            pair = [p for p in profiled if p.action == action]
            lines += [f"### {action}: own time by package", "", "| " + " | ".join(f"{p.server} ({p.samples:,} samples)" for p in pair) + " |", "|---|---|"]
            for i in range(max(len(p.by_package) for p in pair)):
                cells = [f"{p.by_package[i][0]} {p.by_package[i][1]:.1f} %" if i < len(p.by_package) else "" for p in pair]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
            portal_profile = next(p for p in pair if p.server == "portal-mock")
            lines += [f"### {action}: portal-mock's own functions, callees included", "", "| function | share of samples |", "|---|---:|"]
            lines += [f"| {name} | {share:.1f} % |" for name, share in portal_profile.inclusive_top]
            lines += ["", f"### {action}: portal-mock, own time by function", "", "| function | share of samples |", "|---|---:|"]
            lines += [f"| {name} | {share:.1f} % |" for name, share in portal_profile.self_top]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- main ---------------------------------------------------------------------


def connection_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected connection counts such as 1,32, got {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="The full run takes about ten minutes with the defaults.")
    parser.add_argument("--duration", type=int, default=10, metavar="S", help="seconds per measured run (default: 10)")
    parser.add_argument("--warmup", type=int, default=3, metavar="S", help="seconds of warm-up before each measured run (default: 3)")
    parser.add_argument("--rounds", type=int, default=3, help="measured runs per case and server; the median is reported (default: 3)")
    parser.add_argument("--connections", type=connection_list, default=[1, 32], metavar="N,N", help="connection counts (default: 1,32)")
    parser.add_argument("--requests", type=int, default=100_000, metavar="N", help="ticket:adds (each polled once) for the memory step (default: 100000)")
    parser.add_argument(
        "--quiet", type=float, default=0.15, metavar="CPUS", help="repeat a measured run if other processes used more CPU than this meanwhile (default: 0.15)"
    )
    parser.add_argument("--retries", type=int, default=2, help="how often a disturbed run is repeated at most (default: 2)")
    parser.add_argument("--startups", type=int, default=5, metavar="N", help="start-ups timed per server (default: 5)")
    parser.add_argument("--no-settings", dest="settings", action="store_false", help="skip the loop/parser/access-log comparison")
    parser.add_argument("--no-gc", dest="gc", action="store_false", help="skip the garbage-collection measurements")
    parser.add_argument("--no-profile", dest="profile", action="store_false", help="skip the py-spy profile")
    parser.add_argument("--output", type=Path, help="where to write the report (default: bench/RESULTS.md; with --smoke, standard output)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few-seconds run to prove the harness works: built-in Python load generator, 0.5 s runs, 1 and 4 connections,"
        " 200 requests for memory, no settings, GC or profile sections. Its numbers mean nothing.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.smoke:
        args.duration, args.warmup, args.rounds, args.startups = 0.5, 0, 1, 1
        args.connections, args.requests, args.settings, args.profile, args.retries = [1, 4], 200, False, False, 0
        args.gc = False
    cores = Cores.plan()
    if args.smoke:
        load = PyLoad(cores)
    elif shutil.which("wrk") is None:
        print(WRK_MISSING, file=sys.stderr)
        return 2
    else:
        load = Wrk(cores)
    if cores.load is not None:
        os.sched_setaffinity(0, cores.load)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="portal-mock-bench-") as tmp:
        workdir = Path(tmp)
        make = {"bare": lambda env=None: bare_server(workdir, cores, env=env), "portal-mock": lambda env=None: portal_server(workdir, cores, env=env)}
        say("start-up and idle memory")
        started = startups(make, args.startups, say)
        package_import = import_time("import portal_mock", "portal_mock", ROOT, 1 if args.smoke else 5)
        bare_import = import_time("import bare_app", "bare_app", BENCH, 1 if args.smoke else 5)

        say("throughput and latency")
        bare, portal = make["bare"]().start(), make["portal-mock"]().start()
        try:
            cases = throughput(load, bare, portal, args, say)
        finally:
            bare.stop()
            portal.stop()
        stored = portal.tasks_added

        say(f"memory after {args.requests:,} ticket:adds and polls")
        mem = memory(make["portal-mock"], args.requests, 32 if not args.smoke else 4, cores)

        matrix = []
        if args.settings:
            say("server settings")
            matrix = settings(load, workdir, cores, max(args.connections), args, say)

        collected = []
        if args.gc:
            say("garbage collection")
            collected = collections(load, workdir, cores, max(args.connections), args, say)

        profiled: list[Profile] | str = "Not taken in this run (--no-profile)."
        if args.profile:
            if pyspy_binary():
                say("profile")
                profiled = profiles(load, make, cores, args, workdir)
            else:
                profiled = PYSPY_MISSING

    text = report(args, argv, load, cores, cases, started, package_import, bare_import, mem, matrix, collected, profiled, stored)
    output = args.output if args.output is not None else (None if args.smoke else BENCH / "RESULTS.md")
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text + kept_sections(output))
        say(f"wrote {output}")
    return 0


def kept_sections(path: Path) -> str:
    """The sections other scripts keep in the same file, each between its
    ``<!-- NAME: begin -->`` and ``<!-- NAME: end -->`` markers
    (``fixture_overhead.py`` writes one): carried over when this report
    replaces the file."""
    if not path.exists():
        return ""
    found = re.finditer(r"<!-- (\S+): begin -->.*?<!-- \1: end -->\n?", path.read_text(), re.S)
    return "".join("\n" + section.group(0) for section in found)


if __name__ == "__main__":
    sys.exit(main())
