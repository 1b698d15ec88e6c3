"""What one page of a list costs as the account grows.

Fills one account with 1,000, 10,000 and 100,000 tickets (their own store)
and SSH keys (the generic store every other kind uses), then times single
requests through the whole application in process (httpx's ASGI
transport: no socket, so the figure is the server's work alone):

* page 1 in the default order (``id``);
* page 1 sorted by another field, the first request after a change (it
  sorts) and the ones after it (they reuse the order);
* page 1 with a ``match[…]`` filter (one pass over the account).

A page in the default order should cost the same at every size, and a
sorted page should cost no more than that once its order is kept.
Writes its section of ``bench/RESULTS.md``; ``--smoke`` prints a small run
and writes nothing (the test suite runs that).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from sections import commit, write  # noqa: E402  (a script beside this one, not a package)

from portal_mock import Settings, create_app  # noqa: E402
from portal_mock.domain.clock import ClockSpec  # noqa: E402
from portal_mock.domain.people import Person  # noqa: E402

KINDS = {"ticket": ("/v1/ticket", "subject"), "ssh-key": ("/v1/ssh-key", "name")}


def fill(account, kind: str, count: int) -> None:
    """``count`` records of ``kind``, made the way their effects make them."""
    author = Person(1, "Bench User", "bench@example.com")
    now = account.clock.now()
    if kind == "ticket":
        for number in range(count):
            account.tickets.add({"department": "support", "subject": f"ticket {number:06d}"}, author, now)
    else:
        store = account.records(kind)
        for number in range(count):
            store.make({"name": f"key {number:06d}"}, now)


async def timed(http: httpx.AsyncClient, path: str, params: dict[str, str], repeat: int) -> float:
    """The median milliseconds of ``repeat`` requests."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = await http.get(path, params=params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(times)


async def measure(sizes: list[int], repeat: int) -> list[tuple[str, int, float, float, float, float]]:
    rows = []
    for kind, (path, field) in KINDS.items():
        for size in sizes:
            app = create_app(Settings(clock=ClockSpec("manual"), keys=["bench"]))
            state = app.state.mock
            fill(state.main_account, kind, size)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers={"Authorization": "Bearer bench"}) as http:
                default = await timed(http, path, {}, repeat)
                sorted_first = []
                for _ in range(max(3, repeat // 5)):
                    state.main_account.collection(kind).changed()  # as any add or edit does
                    sorted_first.append(await timed(http, path, {"sortBy": field}, 1))
                sorted_kept = await timed(http, path, {"sortBy": field}, repeat)
                matched = await timed(http, path, {f"match[{'subject' if kind == 'ticket' else 'name'}]": "000001"}, max(3, repeat // 5))
            rows.append((kind, size, default, statistics.median(sorted_first), sorted_kept, matched))
    return rows


def report(rows: list[tuple[str, int, float, float, float, float]], sizes: list[int], repeat: int) -> str:
    lines = [
        "## List cost as an account grows",
        "",
        f"`python bench/lists.py --sizes {','.join(map(str, sizes))} --repeat {repeat}`: one account, in process (httpx's ASGI transport,"
        " no socket), median milliseconds per request for page 1 (25 items).",
        "",
        "| kind | records | default order | sorted, first after a change | sorted, order kept | `match[…]` filter |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, size, default, first, kept, matched in rows:
        lines.append(f"| {kind} | {size:,} | {default:.2f} ms | {first:.2f} ms | {kept:.2f} ms | {matched:.2f} ms |")
    lines += [
        "",
        f"Commit {commit()}; Python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="records per account, comma-separated (default: 1000,10000,100000)")
    parser.add_argument("--repeat", type=int, default=50, help="requests timed per figure; the median is reported (default: 50)")
    parser.add_argument("--smoke", action="store_true", help="100 and 1,000 records, 5 requests, print, write nothing")
    args = parser.parse_args(argv)
    sizes, repeat = ([100, 1000], 5) if args.smoke else ([int(size) for size in args.sizes.split(",")], args.repeat)
    section = report(asyncio.run(measure(sizes, repeat)), sizes, repeat)
    if not args.smoke:
        write("lists.py", section)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
