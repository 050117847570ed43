"""The dashboard in a real headless Chromium: sign in, see the charts, pass axe."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from tests.support.browser import ARTIFACTS, assert_accessible
from tests.support.dashboard import PASSWORD, USER

pytestmark = pytest.mark.browser


@pytest.fixture()
def live_url(app: Flask) -> Iterator[str]:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--days", "30", "--volume", "30"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/dashboard/")
    assert "/dashboard/login" in page.url
    page.get_by_label("User name").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/dashboard/")


def test_overview_shows_charts_and_passes_axe(browser: Browser, live_url: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_url}/dashboard/login")
    assert_accessible(page)
    sign_in(page, live_url)
    assert page.get_by_role("heading", name="Overview").is_visible()
    charts = page.locator("svg[role=img]")
    assert charts.count() == 6
    assert page.get_by_role("img", name="Opt-in rate per category by day").is_visible()
    assert page.locator("#chart-opt-in-title").count() == 1
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 450  # readable at laptop width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)
    assert_accessible(page)


def test_signals_page_pages_the_log_and_passes_axe(browser: Browser, live_url: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, live_url)
    page.get_by_role("link", name="Do Not Track & GPC").click()
    page.wait_for_url("**/dashboard/signals**")
    assert page.get_by_text("Not honored", exact=True).is_visible()
    assert page.locator("table.log tbody tr").count() == 25
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-signals.png"), full_page=True)
    assert_accessible(page)
    first = page.locator("table.log tbody tr").first.inner_text()
    page.get_by_role("link", name="Older entries").click()
    page.wait_for_url("**before=**")
    assert page.locator("table.log tbody tr").first.inner_text() != first
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/dashboard/login?signed_out=1")


def test_variants_page_compares_the_seeded_test_and_passes_axe(browser: Browser, live_url: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, live_url)
    page.get_by_role("link", name="Variants").click()
    page.wait_for_url("**/dashboard/variants**")
    assert page.get_by_role("heading", name="A/B variants").is_visible()
    assert page.locator("#variant-figures tbody tr").count() == 2
    assert page.locator("svg[role=img]").count() == 5
    assert page.get_by_role("img", name="Analytics opt-in by variant per day").is_visible()
    assert page.locator(".verdicts li").count() == 5
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-variants.png"), full_page=True)
    assert_accessible(page)
