"""The banner in a real browser: choices, gating, persistence and withdrawal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import (
    BANNER,
    BAR,
    DIALOG,
    NON_ESSENTIAL_COOKIES,
    SCRIPT_TRACKERS,
    Live,
    claim,
    cookie_names,
    loaded,
    open_demo,
    wait_loaded,
)

pytestmark = pytest.mark.browser


def test_banner_appears_and_counts_a_view(page: Any, live: Live) -> None:
    with page.expect_request(lambda r: "/api/v1/events" in r.url) as beacon:
        open_demo(page, live.origin + "/")
    bar = page.locator(BAR)
    assert bar.is_visible()
    assert bar.get_attribute("role") == "dialog"
    assert "Your privacy choices" in bar.inner_text()
    assert beacon.value.post_data_json == {"site": "demo", "type": "shown", "variant": "a"}
    assert page.evaluate("() => consent.decision.banner_required") is True
    assert loaded(page) == ["session"]  # the required tracker runs before any choice


def test_reject_all_keeps_trackers_inert_and_reload_shows_no_banner(page: Any, context: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).get_by_role("button", name="Reject all").click()
    page.wait_for_function("() => !consent.decision.banner_required")
    assert page.locator(BAR).is_hidden()
    wait_loaded(page, ["session"])
    page.wait_for_timeout(300)  # time for a denied tracker to (wrongly) run
    assert loaded(page) == ["session"]  # the required tracker runs before any choice
    assert page.locator("img[data-consent-tracker]").first.get_attribute("src") is None
    assert cookie_names(context) & NON_ESSENTIAL_COOKIES == set()
    assert claim(context)["c"] == {
        "necessary": 1,
        "preferences": 0,
        "analytics": 0,
        "advertising": 0,
        "beacons": 0,
        "social": 0,
    }

    page.reload()
    page.wait_for_function("() => window.consent && window.consent.decision")
    assert page.locator(BANNER).count() == 0
    assert page.evaluate("() => consent.decision.token_status") == "valid"
    wait_loaded(page, ["session"])
    page.wait_for_timeout(300)  # time for a denied tracker to (wrongly) run
    assert loaded(page) == ["session"]  # the required tracker runs before any choice


def test_accept_all_runs_trackers_in_document_order(page: Any, context: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, [*SCRIPT_TRACKERS, "pixel", "quantcast", "youtube"])
    scripts = [name for name in loaded(page) if name in SCRIPT_TRACKERS]
    assert scripts == SCRIPT_TRACKERS
    assert {"_ga", "_ga_DEMO", "IDE", "uuid2", "__gpi", "_fbp", "__qca", "YSC"} <= cookie_names(context)
    tag = "https://pubads.g.doubleclick.net/gampad/ads?iu=/demo"
    allows = "(tag) => [consent.allows('vast'), consent.allows('doubleclick'), consent.vastUrl(tag)]"
    assert page.evaluate(allows, tag) == [True, True, tag + "&gdpr=1&gdpr_consent="]
    page.reload()
    wait_loaded(page, SCRIPT_TRACKERS)
    assert page.locator(BANNER).count() == 0


def test_customize_enables_exactly_the_chosen_categories(page: Any, context: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).get_by_role("button", name="Customize").click()
    dialog = page.locator(DIALOG)
    assert dialog.is_visible()
    assert dialog.get_by_role("switch", name="Strictly necessary").is_disabled()
    assert dialog.get_by_role("switch", name="Strictly necessary").is_checked()
    dialog.get_by_role("switch", name="Analytics").check()
    dialog.get_by_role("switch", name="Web beacons and pixel tags").check()
    dialog.get_by_role("button", name="Save choices").click()
    wait_loaded(page, ["ga4", "pixel", "quantcast"])
    page.wait_for_timeout(300)
    assert sorted(loaded(page)) == ["ga4", "pixel", "quantcast", "session"]
    assert claim(context)["c"] == {
        "necessary": 1,
        "preferences": 0,
        "analytics": 1,
        "advertising": 0,
        "beacons": 1,
        "social": 0,
    }
    assert page.evaluate("() => [consent.allows('ga4'), consent.allows('vast'), consent.vastUrl('u')]") == [
        True,
        False,
        None,
    ]
    assert "Video ads (VAST) are not allowed" in page.locator("#player").inner_text()


def test_tracker_list_shows_name_kind_hosts_and_cookies(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.evaluate("() => consent.show()")
    dialog = page.locator(DIALOG)
    dialog.locator("summary").nth(2).click()
    text = dialog.locator(".cat").nth(2).inner_text()
    assert "Google Analytics" in text
    assert "www.googletagmanager.com" in text
    assert "_ga_*" in text
    assert "First-party" in text


def test_withdrawal_deletes_tracker_cookies(page: Any, context: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, [*SCRIPT_TRACKERS, "pixel", "youtube"])
    assert {"_ga", "IDE", "_fbp", "YSC", "consent"} <= cookie_names(context)

    with page.expect_response(lambda r: "/api/v1/consent" in r.url and r.request.method == "DELETE") as answer:
        page.locator("#withdraw").click()
    assert answer.value.status == 200
    page.wait_for_function("() => consent.decision.banner_required")
    assert cookie_names(context) & (NON_ESSENTIAL_COOKIES | {"consent"}) == set()
    assert page.locator(BAR).is_visible()
    page.reload()
    page.wait_for_function("() => window.consent && window.consent.decision")
    assert page.locator(BAR).is_visible()


def test_data_consent_open_reopens_the_choices(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).get_by_role("button", name="Reject all").click()
    page.get_by_role("navigation").get_by_role("link", name="Privacy choices").click()
    dialog = page.locator(DIALOG)
    assert dialog.is_visible()
    assert not dialog.get_by_role("switch", name="Analytics").is_checked()
    dialog.get_by_role("button", name="Close").click()
    assert dialog.is_hidden()
    assert page.locator(BAR).is_hidden()


def test_js_api_set_and_change_listener(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    result = page.evaluate("""async () => {
      const seen = [];
      consent.on('change', (d) => seen.push(d.categories.analytics));
      const d = await consent.set({analytics: true});
      const ready = await consent.ready;
      return {seen, analytics: d.categories.analytics, advertising: d.categories.advertising,
              ready: ready.categories.analytics, allows: consent.allows('analytics')};
    }""")
    assert result == {"seen": [True], "analytics": True, "advertising": False, "ready": True, "allows": True}


def test_late_added_elements_are_gated(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    add = """(id) => {
      const s = document.createElement('script');
      s.type = 'text/plain';
      s.dataset.consentCategory = 'analytics';
      s.text = "(window.late = window.late || []).push('" + id + "')";
      document.body.append(s);
    }"""
    page.evaluate(add, "before")
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.late || []") == []
    page.evaluate("() => consent.acceptAll()")
    page.wait_for_function("() => (window.late || []).includes('before')")
    page.evaluate(add, "after")
    page.wait_for_function("() => (window.late || []).includes('after')")
    assert page.evaluate("() => window.late") == ["before", "after"]


def test_update_sends_previous_token(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.evaluate("() => consent.rejectAll()")
    with page.expect_request(lambda r: r.url.endswith("/api/v1/consent?site=demo") and r.method == "POST") as req:
        page.evaluate("() => consent.acceptAll()")
    assert req.value.headers.get("x-consent-token", "").count(".") == 2


def test_works_when_served_from_another_host(page: Any, context: Any, live: Live) -> None:
    open_demo(page, live.publisher + "/")
    assert page.evaluate("() => document.querySelector('script[src*=\"banner.js\"]').src").startswith(live.origin)
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, SCRIPT_TRACKERS)
    consent_cookies = [c for c in context.cookies() if c["name"] == "consent"]
    assert [c["domain"] for c in consent_cookies] == ["publisher.test"]
    assert consent_cookies[0]["sameSite"] == "Lax"
    page.reload()
    page.wait_for_function("() => window.consent && window.consent.decision")
    assert page.locator(BANNER).count() == 0
    assert page.evaluate("() => consent.decision.categories.advertising") is True


def test_language_follows_accept_language(browser: Any, live: Live) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        open_demo(page, live.origin + "/")
        text = page.locator(BAR).inner_text()
        assert "Tout refuser" in text
        assert "Tout accepter" in text
    finally:
        context.close()
