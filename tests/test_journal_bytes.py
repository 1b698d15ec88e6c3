"""The journal is bounded in bytes as well as in entries: big bodies are
kept truncated (and say so), old entries go when either bound is hit, and
the journal says how much it holds and how much it dropped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from helpers import TLS, control_of, start, stop

from portal_mock import Settings, create_app
from portal_mock.domain.clock import ClockSpec
from portal_mock.http.server import LiveServer

MIB = 1 << 20
KEPT = 16 * 1024
BIG = json.dumps({"department": "nowhere", "subject": "x" * (MIB - 100)}).encode()
"""A body just under the 1 MiB limit that ticket:add refuses with a 422."""
CAPACITY = 512 * 1024


@pytest.fixture(scope="module")
def served():
    with LiveServer(create_app(Settings(clock=ClockSpec("manual"), keys=["main-key"], journal_bytes=CAPACITY))) as server:
        yield server


@pytest.fixture
def control(served):
    with control_of(served) as client:
        client.reset()
        yield client


def post(url: str, body: bytes, key: str = "main-key", content_type: str = "application/json") -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": content_type}
    return httpx.post(f"{url}/v1/ticket", content=body, headers=headers, verify=TLS)


def journal(url: str) -> dict:
    return httpx.get(f"{url}/__mock/requests", verify=TLS).json()


def test_big_bodies_keep_the_journal_within_its_bytes_and_count_what_went(served, control):
    for _ in range(40):
        assert post(served.url, BIG).status_code == 422
    shown = journal(served.url)
    assert shown["capacity_bytes"] == CAPACITY
    assert 0 < shown["bytes"] <= shown["capacity_bytes"]
    assert shown["total"] < 40, "512 KiB cannot hold forty entries of 16 KiB and more each"
    assert shown["dropped"] == 40 - shown["total"]
    assert shown["capacity"] == 10_000


def test_a_big_body_is_kept_truncated_and_says_so(served, control):
    assert post(served.url, BIG).status_code == 422
    (entry,) = journal(served.url)["requests"]
    assert entry["body_truncated"] is True
    assert entry["body_bytes"] == len(BIG)
    assert entry["body"] == BIG[:KEPT].decode()


def test_a_small_body_is_kept_whole(served, control):
    body = {"department": "nowhere", "subject": "short"}
    assert post(served.url, json.dumps(body).encode()).status_code == 422
    (entry,) = journal(served.url)["requests"]
    assert entry["body"] == body
    assert entry["body_truncated"] is False
    assert entry["body_bytes"] == len(json.dumps(body))


def test_a_truncated_body_shows_no_secret(served, control):
    sent = {"department": "nowhere", "password": "hunter2-long", "tokens": ["tok-one"], "card_number": "4111111111111111", "subject": "x" * 40_000}
    assert post(served.url, json.dumps(sent).encode()).status_code == 422
    form = "department=nowhere&auth%5Bpassword%5D=hunter2-form&subject=" + "y" * 40_000
    assert post(served.url, form.encode(), content_type="application/x-www-form-urlencoded").status_code == 422
    first, second = journal(served.url)["requests"]
    assert first["body_truncated"] and second["body_truncated"]
    shown = json.dumps([first, second])
    assert "hunter2" not in shown and "tok-one" not in shown and "4111111111111111" not in shown
    assert '"password": "****"' in first["body"] and '"card_number": "************1111"' in first["body"]
    assert "auth%5Bpassword%5D=****&" in second["body"]


def test_a_big_body_that_is_not_json_is_kept_truncated_too(served, control):
    body = b"{" + b"y" * MIB
    assert post(served.url, body[: MIB - 10]).status_code == 422
    (entry,) = journal(served.url)["requests"]
    assert entry["body_truncated"] is True and entry["body"] == body[:KEPT].decode()


def test_a_body_over_the_limit_is_refused_before_it_is_held(served, control):
    assert post(served.url, b"{" + b" " * MIB + b"}").status_code == 413
    (entry,) = journal(served.url)["requests"]
    assert entry["status"] == 413 and entry["body"] is None and entry["body_truncated"] is False


def test_verification_over_a_truncated_body_says_why_it_cannot_match(served, control):
    assert post(served.url, BIG).status_code == 422
    found = control.count(action="ticket:add")
    assert found["count"] == 1, "conditions that do not look at the body still count a truncated entry"
    found = control.count(action="ticket:add", body={"department": "nowhere"})
    assert found["count"] == 0
    (miss,) = found["near_misses"]
    assert "truncated" in miss["reason"] and str(len(BIG)) in miss["reason"]
    found = control.count(action="ticket:add", body={"department": {"present": False}})
    assert found["count"] == 0, "an absent field cannot be told from one cut off"
    found = control.count(action="ticket:list", body={"department": "nowhere"})
    assert found["near_misses"][0]["reason"].startswith("action is ticket:add")


def test_the_fixture_sees_truncation(served, control):
    from portal_mock.testing.fixture import PortalRequest

    assert post(served.url, BIG).status_code == 422
    request = PortalRequest.from_entry(journal(served.url)["requests"][0])
    assert request.body_truncated is True and request.body_bytes == len(BIG)


def test_small_bodies_that_decode_to_many_objects_cost_what_they_hold(served, control):
    """A 3 KB body of empty lists becomes a thousand Python objects: the
    journal's estimate counts them, so its bytes bound still holds."""
    body = b'{"department":"nowhere","subject":[' + b",".join([b"[]"] * 1000) + b"]}"
    for _ in range(20):
        assert post(served.url, body).status_code == 422
    shown = journal(served.url)
    assert shown["requests"][-1]["body_truncated"] is False
    assert shown["bytes"] <= shown["capacity_bytes"]
    assert shown["total"] * 1000 * 64 <= shown["capacity_bytes"], f"{shown['total']} entries of a thousand objects each"


def test_clearing_the_journal_frees_its_bytes(served, control):
    post(served.url, BIG)
    control.clear_requests()
    shown = journal(served.url)
    assert shown["bytes"] == 0 and shown["total"] == 0


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_serve_honours_journal_bytes():
    process, url, keys = start("--journal-bytes", "256K")
    try:
        for _ in range(30):
            assert post(url, BIG, keys[0]).status_code == 422
        shown = journal(url)
    finally:
        stop(process)
    assert shown["capacity_bytes"] == 256 * 1024
    assert shown["bytes"] <= 256 * 1024
    assert shown["dropped"] == 30 - shown["total"] > 0


@pytest.mark.parametrize("flag", ["0", "-1", "12X", "K", "1.5M"])
def test_serve_refuses_a_journal_bytes_that_is_not_a_size(flag):
    done = subprocess.run([sys.executable, "-m", "portal_mock", "serve", "--journal-bytes", flag], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "--journal-bytes" in done.stderr and "size" in done.stderr


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS from /proc")
def test_a_serve_process_stays_small_under_big_refused_bodies():
    process, url, keys = start()
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys[0]}", "Content-Type": "application/json"}) as client:
            for _ in range(300):
                assert client.post("/v1/ticket", content=BIG).status_code == 422
        rss = _rss_mib(process.pid)
        shown = journal(url)
    finally:
        stop(process)
    assert rss < 200, f"RSS {rss:.0f} MiB after 300 refused 1 MiB bodies"
    assert shown["total"] == 300 and all(entry["body_truncated"] for entry in shown["requests"])
