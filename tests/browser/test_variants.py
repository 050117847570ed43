"""A/B variants in a real browser: two variants at 50/50, drawn per session, kept across its pages,
drawn as fairly as each other, named in the consent record and counted on the dashboard as sent."""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from banner.core.client_config import client_configs
from banner.core.config_parse import parse_config
from banner.core.regimes import Regime
from banner.core.variants import banner_versions
from tests.support import SHIPPED_CONFIG
from tests.support.browser import ARTIFACTS, BAR, Live, assert_accessible, claim, open_demo
from tests.support.dashboard import PASSWORD, USER
from tests.support.variants import TWO_VARIANTS

#: Public keys stand in: they are in every bundle, and left out of every version hash.
KEYS = ["k" * 43]

pytestmark = pytest.mark.browser

TITLES = {"a": "Your privacy choices", "b": "Cookies on this site"}
ACCEPT = {"a": "Accept all", "b": "Allow all"}
STORED = "() => sessionStorage.getItem('consentVariant')"
#: What makes a button prominent, read from the drawn banner.
LOOK = """(bar) => [...bar.querySelectorAll('.buttons button')].slice(0, 2).map((b) => {
  const s = getComputedStyle(b), r = b.getBoundingClientRect();
  return {tag: b.tagName, cls: b.className, width: Math.round(r.width), height: Math.round(r.height),
          look: [s.backgroundColor, s.color, s.fontSize, s.fontWeight, s.borderTopWidth, s.borderTopColor]};
})"""


@pytest.fixture()
def fresh(browser: Any) -> Iterator[Any]:
    """Opens pages in new browser contexts (new sessions), each closed after the test."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def visit(page: Any, live: Live, path: str = "/") -> str:
    """Open a demo page; the variant this session shows (a stored id not configured: a), checked
    against what the banner says."""
    open_demo(page, live.origin + path)
    stored = page.evaluate(STORED)
    variant = stored if stored in TITLES else "a"
    assert page.locator(BAR).inner_text().startswith(TITLES[variant]), stored
    return variant


def test_fresh_sessions_see_both_variants_and_a_session_keeps_its_own(fresh: Any, live_ab: Live) -> None:
    seen: dict[str, Any] = {}
    for _ in range(40):  # both at 50 %: missing one 40 times has odds of 2 in a trillion
        page = fresh()
        service_calls: list[str] = []
        page.on("request", lambda r, calls=service_calls: calls.append(r.url) if "/api/" in r.url else None)
        variant = visit(page, live_ab)
        page.wait_for_timeout(200)  # time for a request the banner should not make
        assert [url.split("?")[0] for url in service_calls] == [f"{live_ab.origin}/api/v1/events"]
        # no cookie before consent, for the variant or anything: only the demo's required session cookie
        assert {c["name"] for c in page.context.cookies()} == {"session"}
        seen.setdefault(variant, page)
        if len(seen) == 2:
            break
    assert set(seen) == {"a", "b"}
    for variant, page in seen.items():
        for path in ("/?page=2", "/demo/strict", "/"):
            assert visit(page, live_ab, path) == variant


@pytest.mark.parametrize("width", [1280, 360])
def test_each_variant_draws_reject_as_it_draws_accept(fresh: Any, live_ab: Live, width: int) -> None:
    for variant in ("a", "b"):
        page = fresh(viewport={"width": width, "height": 800})
        page.add_init_script(f"sessionStorage.setItem('consentVariant', '{variant}')")
        assert visit(page, live_ab) == variant
        accept, reject = page.locator(BAR).evaluate(LOOK)
        assert accept.pop("cls") == reject.pop("cls") == ""
        assert accept == reject, (variant, width)
        assert page.locator(BAR).get_by_role("button", name=ACCEPT[variant]).is_visible()


def expected_versions() -> dict[Any, str]:
    text = SHIPPED_CONFIG.read_text().replace(*TWO_VARIANTS)
    config = parse_config(tomllib.loads(text), "config.toml", {}, require_secret=False)
    return banner_versions(config, client_configs(config, KEYS))


@pytest.mark.parametrize(("stored", "variant"), [("b", "b"), ("a", "a"), ("zzz", "a")])
def test_the_consent_record_names_the_variant_shown(fresh: Any, live_ab: Live, stored: str, variant: str) -> None:
    page = fresh()
    page.add_init_script(f"sessionStorage.setItem('consentVariant', '{stored}')")
    assert visit(page, live_ab) == variant
    page.locator(BAR).get_by_role("button", name=ACCEPT[variant]).click()
    page.wait_for_function("() => !consent.decision.banner_required")
    consent_id = claim(page.context)["i"]
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "consent")
    status, body = page.evaluate(
        "async ([url, token]) => { const r = await fetch(url, {headers: {'X-Consent-Token': token}});"
        " return [r.status, await r.json()]; }",
        [f"{live_ab.origin}/api/v1/consent/{consent_id}?site=demo", token],
    )
    assert status == 200
    assert body["variant"] == variant and body["action"] == "accept_all"
    assert body["banner_version"] == expected_versions()[("demo", "en", Regime.OPT_IN, variant)]


def sign_in(page: Any, live: Live) -> None:
    page.goto(f"{live.origin}/dashboard/login")
    page.get_by_label("User name").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.origin}/dashboard/")


def dashboard_counts(page: Any, live: Live) -> dict[str, tuple[int, int]]:
    """Banner views and consents of each variant today, as the Variants page shows them."""
    page.goto(f"{live.origin}/dashboard/variants?site=demo")
    rows = page.locator("#variant-figures tbody tr").evaluate_all(
        "(rows) => rows.map((r) => [...r.cells].map((c) => c.innerText))"
    )
    return {row[0][0]: (int(row[2].replace(",", "")), int(row[3].replace(",", ""))) for row in rows}


def settled_counts(page: Any, live: Live) -> dict[str, tuple[int, int]]:
    """The counts once what earlier tests sent has been flushed (two reads, half a second apart, agree)."""
    counts = dashboard_counts(page, live)
    for _ in range(20):
        page.wait_for_timeout(500)
        counts, previous = dashboard_counts(page, live), counts
        if counts == previous:
            break
    return counts


def test_the_dashboard_counts_per_variant_what_the_banners_sent(fresh: Any, live_ab: Live) -> None:
    dashboard = fresh(viewport={"width": 1366, "height": 900})
    sign_in(dashboard, live_ab)
    before = settled_counts(dashboard, live_ab)
    views: Counter[str] = Counter()
    consents: Counter[str] = Counter()
    for i in range(12):
        page = fresh()
        with page.expect_request(lambda r: "/api/v1/events" in r.url) as beacon:
            variant = visit(page, live_ab)
        assert beacon.value.post_data_json == {"site": "demo", "type": "shown", "variant": variant}
        views[variant] += 1
        if i % 3:
            page.locator(BAR).get_by_role("button", name="Reject all").click()
            page.wait_for_function("() => !consent.decision.banner_required")
            consents[variant] += 1
    expected = {v: (before[v][0] + views[v], before[v][1] + consents[v]) for v in ("a", "b")}
    for _ in range(50):  # the service flushes its counters every 0.2 s
        if dashboard_counts(dashboard, live_ab) == expected:
            break
        dashboard.wait_for_timeout(200)
    assert dashboard_counts(dashboard, live_ab) == expected
    ARTIFACTS.mkdir(exist_ok=True)
    dashboard.screenshot(path=str(ARTIFACTS / "dashboard-variants-live.png"), full_page=True)
    assert_accessible(dashboard)
