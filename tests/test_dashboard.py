"""The dashboard at /__mock/ui, in a real headless Chromium against a real
``portal-mock serve`` process: requests appear without a reload, filters
and row details work, clicks steer the mock, the admin token is honoured,
and the page logs no console errors.  Skipped where Debian's chromium and
chromium-driver are not installed (``.ci/run`` installs them)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import TICKET, TLS, start, stop

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SCREENSHOT = Path(__file__).parent.parent / "docs" / "dashboard.png"
TOKEN = "dashboard-admin-token"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("the browser tests need Debian's chromium and chromium-driver (.ci/run installs them)", allow_module_level=True)

os.environ.setdefault("SE_OFFLINE", "1")  # never let Selenium Manager look for a driver online
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    profile = tempfile.mkdtemp(prefix="portal-mock-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,800", f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """A real ``serve`` process with a manual clock and a scenario directory
    the reload test edits."""
    directory = tmp_path_factory.mktemp("scenarios")
    rule = "  - name: teapot\n    match: {action: ticket:list}\n    respond: {status: 418}\n"
    (directory / "mine.yaml").write_text(f"name: mine\ndescription: A file of this test's.\nrules:\n{rule}")
    process, url, _ = start("--clock", "manual", "--scenarios", str(directory))
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture
def page(browser: webdriver.Chrome, served: str) -> Iterator[webdriver.Chrome]:
    browser.get(f"{served}/__mock/ui")
    wait(browser, lambda: browser.find_element(By.ID, "active").text != "…", "the first poll")
    yield browser
    assert console_errors(browser) == []


def console_errors(browser: webdriver.Chrome, allowed: str = "\0") -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE" and allowed not in entry["message"]]


def wait(browser: webdriver.Chrome, check, what: str, seconds: float = 10) -> None:
    """Wait for ``check``; a row repainted or not there yet is a "not yet"."""
    ignored = (IndexError, StaleElementReferenceException)
    WebDriverWait(browser, seconds, poll_frequency=0.05, ignored_exceptions=ignored).until(lambda _: check(), f"still waiting for {what}")


def mint(url: str, **fields) -> tuple[str, int, httpx.Client]:
    """A fresh key (manual clock) and an httpx client on it."""
    minted = httpx.post(f"{url}/__mock/keys", json={"clock": "manual", **fields}).json()
    return minted["key"], minted["account"], httpx.Client(base_url=url, headers={"Authorization": f"Bearer {minted['key']}"}, verify=TLS)


def choose(browser: webdriver.Chrome, select: str, value: str) -> None:
    """Pick ``value`` in the select ``select`` once a poll has listed it."""
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, f'#{select} option[value="{value}"]'), f"{value} in #{select}")
    Select(browser.find_element(By.ID, select)).select_by_value(value)


def rows(browser: webdriver.Chrome) -> list[WebElement]:
    return browser.find_elements(By.CSS_SELECTOR, "#requests tr.request")


def row_texts(browser: webdriver.Chrome) -> list[str]:
    """The request rows' text, read in one go (a poll may repaint between two reads)."""
    return browser.execute_script("return [...document.querySelectorAll('#requests tr.request')].map((row) => row.innerText)")


def task_status(browser: webdriver.Chrome, uuid: str) -> str:
    found = browser.find_elements(By.CSS_SELECTOR, f'li.task[data-uuid="{uuid}"] .status')
    return found[0].text if found else ""


def test_requests_appear_live_and_filter(page, served):
    key, account, http = mint(served, label="live requests")
    with http:
        http.post("/v1/ticket", json=TICKET)
        http.get("/v1/ticket/999999")
        http.get("/v1/live-tickets")
    wait(page, lambda: "/v1/live-tickets" in row_texts(page)[0], "the requests, newest first, without a reload")
    second = row_texts(page)[1]
    assert "/v1/ticket/999999" in second and "404" in second and f"…{key[-4:]}" in second

    choose(page, "filter-account", str(account))
    wait(page, lambda: len(rows(page)) == 2, "the account filter (an unknown path has no account)")
    page.find_element(By.ID, "filter-action").send_keys("ticket:add")
    wait(page, lambda: row_texts(page) and len(row_texts(page)) == 1 and "ticket:add" in row_texts(page)[0], "the action filter")
    page.find_element(By.ID, "filter-action").clear()
    choose(page, "filter-status", "4xx")
    wait(page, lambda: len(row_texts(page)) == 1 and "ticket:show" in row_texts(page)[0], "the status class filter")
    page.find_element(By.ID, "filter-key").send_keys("…0000")
    wait(page, lambda: rows(page) == [], "the key filter")
    page.find_element(By.ID, "filter-key").clear()
    page.find_element(By.ID, "filter-rule").send_keys("no such rule")
    wait(page, lambda: rows(page) == [], "the rule filter")


def test_a_row_expands_with_redacted_headers_body_and_near_misses(page, served):
    key, account, http = mint(served, label="expanded row")
    with http:
        http.post("/v1/ticket", json={**TICKET, "subject": "Expand me"})
        http.get("/v1/expand-tickets")
    wait(page, lambda: "/v1/expand-tickets" in row_texts(page)[0], "the requests")
    rows(page)[0].click()
    choose(page, "filter-account", str(account))
    wait(page, lambda: len(rows(page)) == 1, "this account's request")
    rows(page)[0].click()
    choose(page, "filter-account", "")
    wait(page, lambda: len(page.find_elements(By.CSS_SELECTOR, "#requests tr.detail")) == 2, "both details")
    details = page.find_element(By.ID, "requests").text
    assert f"authorization: Bearer …{key[-4:]}" in details
    assert key not in page.page_source
    assert '"subject": "Expand me"' in details and "answered 202" in details and "no scenario rule matched" in details
    assert "near misses" in details and "(ticket:list): segment 2 is 'ticket'" in details


def test_a_truncated_body_shows_as_the_text_kept_and_says_so(page, served):
    _, account, http = mint(served, label="truncated body")
    sent = '{"department": "nowhere", "subject": "' + "t" * 40_000 + '"}'
    with http:
        assert http.post("/v1/ticket", content=sent, headers={"Content-Type": "application/json"}).status_code == 422
    choose(page, "filter-account", str(account))
    wait(page, lambda: len(rows(page)) == 1, "the truncated request")
    rows(page)[0].click()
    wait(page, lambda: page.find_elements(By.CSS_SELECTOR, "#requests tr.detail"), "its detail")
    details = page.find_element(By.CSS_SELECTOR, "#requests tr.detail").text
    choose(page, "filter-account", "")
    assert f"truncated: the start of {len(sent)} bytes sent" in details
    assert '{"department": "nowhere", "subject": "ttt' in details and '\\"' not in details


def test_advancing_the_clock_by_a_click_resolves_a_task(page, served):
    _, account, http = mint(served, label="clock click")
    uuid = http.post("/v1/ticket", json=TICKET).json()["uuid"]
    wait(page, lambda: task_status(page, uuid) == "pending", "the pending task")
    assert "resolves at" in page.find_element(By.CSS_SELECTOR, f'li.task[data-uuid="{uuid}"]').text
    choose(page, "steer-account", str(account))
    seconds = page.find_element(By.ID, "advance-seconds")
    seconds.clear()
    seconds.send_keys("5")
    page.find_element(By.ID, "advance").click()
    wait(page, lambda: task_status(page, uuid) == "success", "the task to succeed")
    assert http.get(f"/v1/task/{uuid}").json()["status"] == "success"
    http.close()


def test_a_task_resolves_with_the_outcome_clicked(page, served):
    _, _, http = mint(served, label="resolve click")
    with http:
        uuid = http.post("/v1/ticket", json=TICKET).json()["uuid"]
    wait(page, lambda: task_status(page, uuid) == "pending", "the pending task")
    page.find_element(By.CSS_SELECTOR, f'li.task[data-uuid="{uuid}"] button[data-outcome="failure"]').click()
    wait(page, lambda: task_status(page, uuid) == "failure", "the task to fail")


def test_switching_a_keys_scenario_by_a_click_answers_the_next_request(page, served):
    key, account, http = mint(served, label="scenario click")
    ref = next(a for a in httpx.get(f"{served}/__mock/accounts").json()["accounts"] if a["account"] == account)["keys"][0]["ref"]
    wait(page, lambda: any(o.get_attribute("value") == ref for o in page.find_elements(By.CSS_SELECTOR, "#steer-key option")), "the key")
    choose(page, "steer-key", ref)
    choose(page, "steer-scenario", "mine")
    page.find_element(By.ID, "bind").click()
    wait(page, lambda: "(mine)" in page.find_element(By.CSS_SELECTOR, f'tr.account[data-account="{account}"]').text, "the key's new scenario")
    with http:
        assert http.get("/v1/ticket").status_code == 418
    wait(page, lambda: any("mine: teapot" in text and "418" in text for text in row_texts(page)), "the request the rule answered")
    hits = page.find_element(By.CSS_SELECTOR, '.scenario[data-name="mine"] .hits')
    assert int(hits.text) >= 1


def test_resetting_an_account_by_a_click(page, served):
    _, account, http = mint(served, label="reset click")
    with http:
        uuid = http.post("/v1/ticket", json=TICKET).json()["uuid"]
    wait(page, lambda: task_status(page, uuid) == "pending", "the pending task")
    choose(page, "steer-account", str(account))
    page.find_element(By.ID, "reset-account").click()
    wait(page, lambda: task_status(page, uuid) == "", "the task to be gone")


def test_webhook_deliveries_show_each_attempt(page, served):
    _, account, http = mint(served, label="deliveries")
    with http:
        http.post("/v1/task/webhook", json={"name": "nobody home", "url": "http://127.0.0.1:9/hook"})
    choose(page, "steer-account", str(account))
    page.find_element(By.ID, "advance").click()
    deliveries = lambda: page.find_elements(By.CSS_SELECTOR, "#deliveries tr.delivery")  # noqa: E731
    wait(page, lambda: len(deliveries()) >= 2, "a failed attempt and its retry")
    assert "http://127.0.0.1:9/hook" in deliveries()[0].text


def test_a_bad_scenario_edit_shows_where(page, served):
    mine = next(s for s in httpx.get(f"{served}/__mock/scenarios").json() if s["name"] == "mine")
    directory = Path(mine["origin"]).parent
    broken = directory / "broken.yaml"
    broken.write_text("name: broken\nrules:\n  - match: {action: ticket:nope}\n")
    try:
        banner = page.find_element(By.ID, "reload-error")
        wait(page, lambda: banner.is_displayed() and "broken.yaml:3:" in banner.text, "the reload error")
    finally:
        broken.unlink()
    wait(page, lambda: not page.find_element(By.ID, "reload-error").is_displayed(), "the error to clear", seconds=15)


def test_the_screenshot_is_a_1280x800_png(page, served, tmp_path):
    """The README's screenshot, from this browser: written to ``docs/`` when
    ``PORTAL_MOCK_UPDATE_SCREENSHOT=1``, else only checked."""
    _, account, http = mint(served, label="screenshot")
    with http:
        for _ in range(2):
            http.post("/v1/ticket", json=TICKET)
        http.get("/v1/ticket")
        http.get("/v1/tickets")
    choose(page, "steer-account", str(account))
    page.find_element(By.ID, "advance").click()
    time.sleep(1)
    target = SCREENSHOT if os.environ.get("PORTAL_MOCK_UPDATE_SCREENSHOT") == "1" else tmp_path / "dashboard.png"
    assert page.save_screenshot(str(target))
    head = target.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (1280, 800)


def test_the_admin_token_is_asked_for_kept_and_required(browser):
    process, url, _ = start("--clock", "manual", "--admin-token", TOKEN)
    try:
        assert httpx.get(f"{url}/__mock/ui").status_code == 401
        assert httpx.get(f"{url}/__mock/ui", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        browser.get(f"{url}/__mock/ui")
        assert browser.find_elements(By.ID, "login") and not browser.find_elements(By.ID, "dashboard")
        browser.find_element(By.ID, "token").send_keys("wrong")
        browser.find_element(By.CSS_SELECTOR, "form button").click()
        wait(browser, lambda: browser.find_elements(By.ID, "refused"), "the refusal")
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "form button").click()
        wait(browser, lambda: browser.find_elements(By.ID, "dashboard") and browser.find_element(By.ID, "active").text == "default", "the dashboard's data")
        assert "token" not in browser.current_url
        browser.refresh()  # the page keeps the token for the tab
        wait(browser, lambda: browser.find_elements(By.ID, "dashboard") and browser.find_element(By.ID, "active").text == "default", "the dashboard again")
        assert console_errors(browser, allowed="status of 401") == []
    finally:
        stop(process)


def test_no_dashboard_without_the_control_plane():
    process, url, _ = start("--no-admin")
    try:
        assert httpx.get(f"{url}/__mock/ui").status_code == 404
        assert httpx.get(f"{url}/__mock/ui/static/dashboard.js").status_code == 404
    finally:
        stop(process)


def test_the_banner_prints_the_dashboards_address():
    process = subprocess.Popen([sys.executable, "-m", "portal_mock", "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[str] = []
        while not lines or lines[-1] not in ("", "Press Ctrl-C to stop.\n"):
            lines.append(process.stdout.readline())
        banner = "".join(lines)
        url = re.search(r"dashboard:\s+(http://\S+/__mock/ui)\n", banner)
        assert url, banner
        assert "portal-mock dashboard" in httpx.get(url.group(1)).text
    finally:
        stop(process)
