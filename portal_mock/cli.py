"""``portal-mock``: the command line.

``serve`` runs the mock; each other subcommand answers a question about it.
Bad flags are usage errors (exit 2, argparse's convention); a server that
cannot start says why and exits 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portal_mock import __version__
from portal_mock.domain.clock import ClockSpec, parse_clock, parse_duration
from portal_mock.domain.webhooks import is_loopback

if TYPE_CHECKING:
    from portal_mock.http.server import Limits
    from portal_mock.scenarios.rules import Delay, Scenario


def _clock(text: str) -> ClockSpec:
    try:
        return parse_clock(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _duration(text: str) -> float:
    """Seconds, in the scenario files' grammar (``2s``, ``250ms``) or as a
    bare number of seconds."""
    value: object = text
    try:
        value = float(text)
    except ValueError:
        pass
    try:
        return parse_duration(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _timeout(text: str) -> float:
    """A ``_duration`` above zero: a limit of no time would refuse everyone."""
    seconds = _duration(text)
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"expected a duration above zero, got {text!r}")
    return seconds


def _directory(text: str) -> str:
    """A scenario directory must exist when the command starts: a typo is a
    usage error, not a server that silently serves the bundled scenarios."""
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"no directory at {text}")
    return text


def _ready_file(text: str) -> str:
    """A path whose directory exists: a typo is a usage error, not a file
    that never appears."""
    path = Path(text)
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"no directory at {path.parent} for {text}")
    return text


def _url(text: str) -> str:
    from urllib.parse import urlsplit

    url = text if "://" in text else f"http://{text}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"expected an http:// URL, got {text!r}")
    return url


def _host(text: str) -> str:
    """An address to bind; an IPv6 one may come in URL brackets (``[::1]``),
    which name no host for the socket layer."""
    return text[1:-1] if text.startswith("[") and text.endswith("]") else text


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {text!r}")
    return int(text)


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer seed, got {text!r}") from None


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser, which reports the arguments it does not know
    itself: argparse leaves them to the top-level parser, whose usage says
    nothing about the subcommand's flags."""

    def parse_known_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> tuple[Any, list[str]]:  # type: ignore[override]
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal-mock", description="An offline stand-in for the Nexcess/NocWorx Portal API.")
    parser.add_argument("--version", action="version", version=f"portal-mock {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser)

    serve = commands.add_parser("serve", help="run the mock Portal", description="Run the mock Portal on a socket until Ctrl-C.")
    serve.add_argument("--host", type=_host, default="127.0.0.1", help="address to bind, IPv4 or IPv6 (default: 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=_port, default=8080, help="port to bind; 0 picks a free one (default: 8080)")
    _limits(serve)
    serve.add_argument("--seed", type=_seed, default=0, help="seed for every generated id and value (default: 0)")
    serve.add_argument("--clock", type=_clock, default=parse_clock("real"), help="real, manual or scaled:K (default: real)")
    serve.add_argument(
        "--task-delay", type=_duration, default=2.0, metavar="DURATION", help="time until a queued task succeeds: seconds, or 250ms, 2s, 1m (default: 2)"
    )
    serve.add_argument("--key", action="append", default=[], metavar="KEY", help="accept this API key with every permission (repeatable; default: mint one)")
    serve.add_argument("--scenario", default="default", metavar="NAME", help="the active scenario (default: default)")
    _scenario_dirs(serve)
    serve.add_argument(
        "--journal-size", type=_positive, default=10_000, metavar="N", help="requests the journal keeps (default: 10000; older ones are dropped)"
    )
    serve.add_argument(
        "--journal-bytes",
        type=_size,
        metavar="SIZE",
        help="bytes the journal may take, as N, NK, NM or NG (default: 64M; older entries are dropped)",
    )
    serve.add_argument(
        "--task-bytes",
        type=_size,
        metavar="SIZE",
        help="bytes finished tasks may take over every account, as N, NK, NM or NG (default: 32M; the oldest finished are forgotten)",
    )
    serve.add_argument(
        "--admin-token",
        default=os.environ.get("PORTAL_MOCK_ADMIN_TOKEN"),
        metavar="TOKEN",
        help="require 'Authorization: Bearer TOKEN' on /__mock (default: $PORTAL_MOCK_ADMIN_TOKEN; needed off loopback)",
    )
    serve.add_argument("--no-admin", action="store_true", help="serve no control API at all")
    serve.add_argument(
        "--remote-webhooks", action="store_true", help="deliver webhooks to non-loopback hosts too (off: a test run never reaches off the machine)"
    )
    serve.add_argument(
        "--access-log", action="store_true", help="print a line per request on stderr: method, path, status, duration, action, rule, key (redacted)"
    )
    serve.add_argument(
        "--ready-file", type=_ready_file, metavar="PATH", help="write the server's URL into PATH once it serves (and remove it on exit), for scripts to wait on"
    )
    serve.add_argument(
        "--proxy", type=_url, metavar="URL", help="pass requests to paths the mock does not serve on to this Portal (loopback only unless --remote-proxy)"
    )
    serve.add_argument("--remote-proxy", action="store_true", help="allow a --proxy URL that is not loopback")

    recorder = commands.add_parser(
        "record",
        help="record a session with a Portal as a scenario file",
        description="Forward every request to the upstream Portal, answer with its answers, and write what was seen as a scenario file on Ctrl-C.",
    )
    recorder.add_argument("--upstream", type=_url, required=True, metavar="URL", help="the Portal to forward to (the real one, or any compatible server)")
    recorder.add_argument("--out", type=_ready_file, required=True, metavar="FILE", help="the scenario file to write when the recording stops")
    recorder.add_argument("--host", type=_host, default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    recorder.add_argument("--port", type=_port, default=8080, help="port to bind; 0 picks a free one (default: 8080)")
    recorder.add_argument("--name", metavar="NAME", help="the recorded scenario's name (default: the file's name)")
    recorder.add_argument(
        "--key-map", action="append", type=_key_pair, default=[], metavar="REAL=MOCK", help="write key REAL as mock key MOCK (repeatable; default: generated)"
    )
    recorder.add_argument("--max-requests", type=_positive, metavar="N", help="stop after N requests")
    recorder.add_argument("--timeout", type=_duration, default=30.0, metavar="DURATION", help="wait this long for the upstream (default: 30s; then 504)")

    ready = commands.add_parser(
        "wait",
        help="wait until a server answers",
        description="Poll URL/__mock/health (or URL itself, when it has a path) until a server answers, with any status. Exit 0 then, 1 on timeout.",
    )
    ready.add_argument("url", type=_url, metavar="URL", help="the server, as the banner prints it (http://127.0.0.1:8080), or a URL to poll")
    ready.add_argument("--timeout", type=_duration, default=10.0, metavar="DURATION", help="give up after this long: seconds, or 500ms, 30s, 1m (default: 10)")

    listing = commands.add_parser("scenarios", help="list the scenarios available", description="List every scenario (bundled and yours) with its description.")
    _scenario_dirs(listing)

    check = commands.add_parser("validate", help="check scenario files", description="Check scenario files; print every problem as file:line:col: message.")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a scenario file, or a directory of them")

    commands.add_parser("schema", help="print the JSON Schema of scenario files", description="Print the JSON Schema that scenario files follow.")

    document = commands.add_parser(
        "openapi", help="print the OpenAPI document", description="Print the OpenAPI 3.1 document of the Portal surface and the control API."
    )
    document.add_argument("--yaml", action="store_true", help="YAML instead of JSON")

    commands.add_parser(
        "endpoints", help="print the table of Portal actions served", description="Print every Portal action the mock serves as a Markdown table."
    )
    return parser


def _limits(parser: argparse.ArgumentParser) -> None:
    """The flags of ``Limits``: what one client may cost the server."""
    parser.add_argument(
        "--read-timeout", type=_timeout, default=10.0, metavar="DURATION", help="a request's head and body must arrive within this; 408 otherwise (default: 10)"
    )
    parser.add_argument("--keep-alive", type=_timeout, default=5.0, metavar="DURATION", help="close a connection idle this long (default: 5)")
    parser.add_argument(
        "--max-header-bytes", type=_positive, default=64 * 1024, metavar="N", help="largest request line and headers, in bytes; 431 past it (default: 65536)"
    )
    parser.add_argument(
        "--shutdown-grace",
        type=_duration,
        default=5.0,
        metavar="DURATION",
        help="on Ctrl-C or SIGTERM, wait this long for requests in flight, then stop anyway (default: 5)",
    )


def _limits_of(args: argparse.Namespace) -> Limits:
    from portal_mock.http.server import Limits

    return Limits(read_timeout=args.read_timeout, keep_alive=args.keep_alive, max_header_bytes=args.max_header_bytes, shutdown_grace=args.shutdown_grace)


def _key_pair(text: str) -> tuple[str, str]:
    real, _, mock = text.partition("=")
    if not real or not mock:
        raise argparse.ArgumentTypeError("expected REAL=MOCK")
    return real, mock


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
"""``--journal-bytes``' and ``--task-bytes``' suffixes: binary multiples, any case."""


def _size(text: str) -> int:
    """Bytes, as a whole number with an optional K, M or G (``64M``)."""
    digits, unit = (text[:-1], text[-1:].upper()) if text[-1:].upper() in SIZE_UNITS else (text, "")
    if not (digits.isascii() and digits.isdigit()) or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"expected a size in bytes >= 1, as N, NK, NM or NG (64M), got {text!r}")
    return int(digits) * SIZE_UNITS[unit]


def _scenario_dirs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenarios",
        action="append",
        type=_directory,
        default=[],
        metavar="DIR",
        help="also load the scenario files in DIR (repeatable; a name you reuse replaces the bundled one)",
    )


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _print_problems(problems: Iterable[object]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _listen(host: str, port: int) -> socket.socket | None:
    """A listening socket, or ``None`` once the reason it cannot be had is printed."""
    from portal_mock.http.server import bind

    try:
        return bind(host, port)
    except OSError as error:
        print(f"portal-mock: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return None


def serve(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from portal_mock.domain.fakedata import english_only
    from portal_mock.engine.gc_policy import freeze_survivors
    from portal_mock.engine.state import Settings
    from portal_mock.http.app import create_app
    from portal_mock.http.server import AnnouncingServer, MockServer, hold_stop_signals, log_access, url_of, uvicorn_config
    from portal_mock.scenarios.library import CatalogError

    english_only()
    if args.ready_file is not None:
        # Nobody waiting for it may mistake the last run's file for this one's.
        Path(args.ready_file).unlink(missing_ok=True)
    if not is_loopback(args.host) and not args.admin_token and not args.no_admin:
        print(
            f"portal-mock serve: error: refusing to serve the control API on {args.host}, which is not loopback, without a token:"
            " anyone who can reach it could steer the mock. Give --admin-token TOKEN (or PORTAL_MOCK_ADMIN_TOKEN), or --no-admin.",
            file=sys.stderr,
        )
        return 2
    if args.proxy is not None and not args.remote_proxy and not is_loopback(urlsplit(args.proxy).hostname or ""):
        print(f"portal-mock serve: error: --proxy {args.proxy} is not on loopback; give --remote-proxy to pass requests through to it", file=sys.stderr)
        return 2
    settings = Settings(
        seed=args.seed,
        clock=args.clock,
        task_delay=args.task_delay,
        keys=args.key,
        scenario=args.scenario,
        scenario_dirs=args.scenarios,
        journal_size=args.journal_size,
        journal_bytes=Settings.journal_bytes if args.journal_bytes is None else args.journal_bytes,
        task_bytes=Settings.task_bytes if args.task_bytes is None else args.task_bytes,
        admin=not args.no_admin,
        admin_token=args.admin_token or None,
        remote_webhooks=args.remote_webhooks,
        access_log=args.access_log,
        proxy=args.proxy,
        remote_proxy=args.remote_proxy,
    )
    try:
        app = create_app(settings)
    except CatalogError as error:
        _print_problems(error.problems)
        print("portal-mock: not started: fix the scenario files above", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"portal-mock serve: error: {error}", file=sys.stderr)
        return 2
    sock = _listen(args.host, args.port)
    if sock is None:
        return 1
    url = url_of(sock)
    keys = app.state.mock.keys
    catalog = app.state.mock.catalog
    active = catalog.scenarios[settings.scenario]
    print(f"portal-mock serving the Portal API at {url}/v1", flush=False)
    for key in keys:
        print(f"  key:   {key}  (every permission)")
    print(f"  clock: {settings.clock}, {task_sentence(active, settings.task_delay)}, seed {settings.seed}")
    print(f"  scenario: {settings.scenario}: {' '.join(active.description.split())}")
    print(f"    (one of {len(catalog.names)}: portal-mock scenarios lists them)")
    declared = [(token, spec, scenario) for scenario in catalog.scenarios.values() for token, spec in scenario.keys.items()]
    if declared:
        # The user's own keys, from their files: shown in full, like --key's.
        print("  keys the scenario files declare:")
        width = max(len(token) for token, _, _ in declared)
        for token, spec, scenario in declared:
            permissions = ", ".join(spec["permissions"]) if spec.get("permissions") else "every permission"
            bound = spec.get("scenario") or scenario.name
            print(f"    {token:<{width}}  scenario {bound}, account {spec.get('account') or scenario.name}, permissions: {permissions}")
    if settings.admin:
        guarded = " (needs the admin token)" if settings.admin_token else ""
        print(f"  control API: {url}/__mock{guarded}, described at {url}/__mock/openapi.json")
        print(f"  dashboard:   {url}/__mock/ui{guarded}")
    for notice in catalog.notices:
        print(f"  note: {notice}")
    print("Try:")
    print(
        f"  curl -si -X POST {url}/v1/ticket -H 'Authorization: Bearer {keys[0]}'"
        " -H 'Content-Type: application/json' -d '{\"department\": \"support\", \"subject\": \"Site is down\"}'"
    )
    # uvicorn shuts down gracefully, then re-raises the signal it caught;
    # these handlers turn that into a clean exit status 0.  Until uvicorn
    # has started, a stop signal is held for it.
    hold_stop_signals()
    signal.signal(signal.SIGINT, _exit_cleanly)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    print("Press Ctrl-C to stop.", flush=True)
    freeze_survivors()
    config = uvicorn_config(app, limits=_limits_of(args))
    if settings.access_log:
        log_access()
    if args.ready_file is None:
        MockServer(config).run(sockets=[sock])
        return 0
    ready = Path(args.ready_file)
    try:
        AnnouncingServer(config, on_ready=lambda: _write_atomically(ready, url + "\n")).run(sockets=[sock])
    finally:
        ready.unlink(missing_ok=True)
    return 0


def record(args: argparse.Namespace) -> int:
    """Proxy to the upstream until a signal or ``--max-requests``, then
    write the session as a scenario file and check it as ``validate`` does."""
    import datetime

    import uvicorn

    from portal_mock.http.server import MockServer, hold_stop_signals, url_of, uvicorn_config
    from portal_mock.recording.proxy import RecordingProxy, Upstream
    from portal_mock.recording.recorder import Recording, safe_url
    from portal_mock.scenarios.library import CatalogError, load_catalog

    out = Path(args.out)
    recording = Recording(args.name or out.stem, dict(args.key_map))
    servers: list[uvicorn.Server] = []
    upstream = Upstream(args.upstream, args.timeout)
    proxy = RecordingProxy(upstream, recording, stop=lambda: setattr(servers[0], "should_exit", True), max_requests=args.max_requests)
    sock = _listen(args.host, args.port)
    if sock is None:
        return 1
    url = url_of(sock)
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    print(f"portal-mock recording {safe_url(args.upstream)} at {url}/v1")
    print(f"  scenario {recording.name} goes to {out} when the recording stops")
    # uvicorn stops on the signal and raises it again once done: ignored
    # then, so the file is still written.  Until uvicorn has started, a
    # stop signal is held for it.
    hold_stop_signals()
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    print("Press Ctrl-C to stop and write the file.", flush=True)
    servers.append(MockServer(uvicorn_config(proxy)))
    servers[0].run(sockets=[sock])
    _write_atomically(out, recording.text(args.upstream, started))
    try:
        load_catalog([out])
    except CatalogError as error:
        _print_problems(error.problems)
        print(f"portal-mock record: wrote {out}, but it is not a valid scenario file", file=sys.stderr)
        return 1
    print(f"wrote {out}: {len(recording.exchanges)} requests as scenario {recording.name}", flush=True)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so whoever waits for
    ``path`` never reads it half-written."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def wait(args: argparse.Namespace) -> int:
    """Poll until the server answers: any HTTP status counts (a 401 from a
    guarded control API, a 404 with ``--no-admin``: something is serving).
    urllib, not httpx, so the command starts fast; proxies are ignored, as
    a proxy could answer for a server that is not there."""
    import http.client
    import time
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    target = args.url.rstrip("/") + "/__mock/health" if urlsplit(args.url).path in ("", "/") else args.url
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + args.timeout
    while True:
        try:
            opener.open(target, timeout=max(0.05, min(1.0, deadline - time.monotonic()))).close()
            return 0
        except urllib.error.HTTPError as answered:
            answered.close()
            return 0
        except (OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
        if time.monotonic() >= deadline:
            print(f"portal-mock wait: no answer from {target} within {args.timeout:g}s (last: {reason})", file=sys.stderr)
            return 1
        time.sleep(0.05)


_OUTCOMES = {"success": "tasks succeed", "failure": "tasks fail", "rejected": "tasks are rejected"}


def task_sentence(scenario: Scenario, task_delay: float) -> str:
    """What ``scenario`` does to the task of a plain ticket:add, for the
    banner: the outcome and delay of the first rule that scripts it, or the
    server's ``--task-delay`` when no rule does (a rule that answers
    ticket:add itself, such as a forced 422, leaves it to the description)."""
    from portal_mock.scenarios.rules import RequestFacts

    ticket_add = RequestFacts(method="POST", path="/v1/ticket", action="ticket:add", queued=True)
    for rule in scenario.rules:
        script = rule.task
        if script is None or rule.match.mismatch(ticket_add) is not None:
            continue
        if script.after is not None and script.after.kind == "never":
            return f"tasks stay pending forever (rule {rule.label!r})"
        if script.after_polls is not None:
            when = f"after {script.after_polls} polls"
        else:
            when = _after(script.after, task_delay)
        return f"{_OUTCOMES[script.outcome]} {when} (rule {rule.label!r})"
    return f"tasks succeed after {task_delay:g}s"


def _after(delay: Delay | None, task_delay: float) -> str:
    if delay is None:
        return f"after {task_delay:g}s"
    if delay.kind == "uniform":
        return f"after {delay.a:g}-{delay.b:g}s"
    if delay.kind == "lognormal":
        return f"after about {delay.a:g}s"
    return f"after {delay.a:g}s"


def list_scenarios(args: argparse.Namespace) -> int:
    from portal_mock.scenarios.library import CatalogError, load_catalog

    try:
        catalog = load_catalog(args.scenarios)
    except CatalogError as error:
        _print_problems(error.problems)
        return 1
    width = max(map(len, catalog.names))
    for name in catalog.names:
        print(f"{name:<{width}}  {' '.join(catalog.scenarios[name].description.split())}")
    for notice in catalog.notices:
        print(f"note: {notice}", file=sys.stderr)
    return 0


def validate(args: argparse.Namespace) -> int:
    """The check ``serve`` makes of its ``--scenarios`` (the bundled
    scenarios included, so keys and names across files are checked too),
    run on the given files and directories."""
    from portal_mock.scenarios.library import CatalogError, load_catalog

    try:
        catalog = load_catalog(args.paths)
    except CatalogError as error:
        _print_problems(error.problems)
        files = error.files
        invalid = {p.path for p in error.problems} & {str(f) for f in files}
        print(f"{len(files) - len(invalid)} of {len(files)} scenario files valid" if files else "no scenario files found", file=sys.stderr)
        return 1
    for notice in catalog.notices:
        print(f"note: {notice}")
    if not catalog.files:
        print("no scenario files found", file=sys.stderr)
        return 1
    print(f"{len(catalog.files)} of {len(catalog.files)} scenario files valid")
    return 0


def print_schema(args: argparse.Namespace) -> int:
    from portal_mock.scenarios.files import schema_json

    sys.stdout.write(schema_json())
    return 0


def print_endpoints(args: argparse.Namespace) -> int:
    from portal_mock.catalog.table import endpoint_table

    sys.stdout.write(endpoint_table())
    return 0


def print_openapi(args: argparse.Namespace) -> int:
    import json

    from portal_mock.http.openapi import openapi

    document = openapi()
    if args.yaml:
        import yaml

        sys.stdout.write(yaml.safe_dump(document, sort_keys=False))
    else:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return 0


COMMANDS = {
    "serve": serve,
    "record": record,
    "wait": wait,
    "scenarios": list_scenarios,
    "validate": validate,
    "schema": print_schema,
    "openapi": print_openapi,
    "endpoints": print_endpoints,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
