"""The banner's quality in a real browser: accessibility, keyboard, layout, CSP, Consent Mode."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import (
    ARTIFACTS,
    BAR,
    DIALOG,
    FOCUSED,
    RECORD_CSP_VIOLATIONS,
    RECORD_WARNINGS,
    SCRIPT_TRACKERS,
    Live,
    assert_accessible,
    claim,
    consent_entries,
    open_demo,
    wait_loaded,
)

pytestmark = pytest.mark.browser

GPC_AND_DNT = """
Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});
Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'});
"""


def test_no_axe_violations_in_either_layer(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    assert_accessible(page)
    page.locator(BAR).get_by_role("button", name="Customize").click()
    page.locator(DIALOG).locator("summary").first.click()
    assert_accessible(page)


def test_no_layout_shift(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).wait_for()
    page.locator(BAR).get_by_role("button", name="Customize").click()
    page.keyboard.press("Escape")
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, SCRIPT_TRACKERS)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__cls") == 0


def test_keyboard_only_flow(page: Any, context: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).wait_for()
    assert page.evaluate(FOCUSED)["inBar"] is True
    _tab_to(page, "Customize")
    page.keyboard.press("Enter")
    assert page.locator(DIALOG).is_visible()
    assert page.evaluate(FOCUSED)["cls"] == "prefs"
    for _ in range(25):  # focus stays in the dialog, wrapping around
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED)["inDialog"] is True
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).is_hidden()
    page.locator(BAR).wait_for(state="visible", timeout=10_000)  # the dialog's close event brings it back

    page.keyboard.press("Shift+Tab")  # from the first layer's container back into the page
    _tab_to(page, "Customize")
    page.keyboard.press("Enter")
    _tab_to(page, "", element_id="consent-service-analytics")
    page.keyboard.press("Space")
    _tab_to(page, "Save choices")
    page.keyboard.press("Enter")
    wait_loaded(page, ["ga4"])
    assert claim(context)["c"]["analytics"] == 1
    assert claim(context)["c"]["advertising"] == 0


def _tab_to(page: Any, text: str, element_id: str = "") -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and (focused["id"] == element_id if element_id else focused["text"] == text):
            return
    raise AssertionError(f"could not reach {text or element_id} with Tab")


def test_consent_mode_entries(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    first = page.evaluate("() => Array.from(dataLayer[0])")
    assert first[:2] == ["consent", "default"]
    assert first[2] == {
        "ad_storage": "denied",
        "analytics_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
        "functionality_storage": "denied",
        "personalization_storage": "denied",
        "security_storage": "granted",
        "wait_for_update": 500,
    }
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, SCRIPT_TRACKERS)
    update = consent_entries(page)[-1]
    assert update[:2] == ["consent", "update"]
    assert set(update[2].values()) == {"granted"}
    event = page.evaluate("() => dataLayer.filter((e) => e.event === 'consent_update').pop()")
    assert event == {"event": "consent_update", "consent": update[2]}


def test_dnt_and_gpc_notices_and_gpc_denies_ad_networks(context: Any, live: Live) -> None:
    context.add_init_script(GPC_AND_DNT)
    page = context.new_page()
    open_demo(page, live.origin + "/")
    text = page.locator(BAR).inner_text()
    assert "do not honor Do Not Track" in text
    assert "Global Privacy Control: advertising is off" in text
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, ["ga4", "ima", "inline_ad"])
    page.wait_for_timeout(300)
    loaded = page.evaluate("() => window.demoLoaded")
    assert "doubleclick" not in loaded
    assert "xandr" not in loaded
    decision = page.evaluate("() => consent.decision")
    assert decision["denied"]["ad_network"] == ["doubleclick", "xandr"]
    assert decision["google_consent_mode"]["ad_storage"] == "denied"
    assert decision["google_consent_mode"]["analytics_storage"] == "granted"
    assert decision["signals"]["dnt"] == {
        "present": True,
        "honored": False,
        "policy_version": "2015-02-01",
        "note": decision["signals"]["dnt"]["note"],
    }


def test_strict_csp_page(page: Any, live: Live) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    response = page.goto(live.origin + "/demo/strict")
    assert "'strict-dynamic'" in response.headers["content-security-policy"]
    page.wait_for_function("() => window.consent && window.consent.decision")
    bar = page.locator(BAR)
    assert bar.is_visible()
    assert bar.evaluate("(el) => getComputedStyle(el).position") == "fixed"
    bar.get_by_role("button", name="Accept all").click()
    wait_loaded(page, [*SCRIPT_TRACKERS, "pixel", "youtube"])
    assert page.evaluate("() => window.__csp || []") == []
    assert violations == []


#: Markup an attacker can get into a page without running script: held scripts with no nonce.
INJECTED_HELD_SCRIPTS = """
<script type="text/plain" data-consent-category="necessary">window.injected = "inline";</script>
<script type="text/plain" data-consent-category="necessary" data-consent-src="/demo/t/ga4.js"></script>
"""


def test_strict_csp_never_lends_the_nonce_to_injected_held_scripts(page: Any, live: Live) -> None:
    page.add_init_script(RECORD_WARNINGS)
    open_demo(page, live.origin + "/demo/strict")
    page.evaluate("(html) => document.body.insertAdjacentHTML('beforeend', html)", INJECTED_HELD_SCRIPTS)
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, [*SCRIPT_TRACKERS, "pixel", "youtube"])
    handled = "() => document.querySelectorAll('[data-consent-category=necessary][data-consent-done]').length == 2"
    page.wait_for_function(handled)
    assert page.evaluate("() => window.injected") is None
    assert page.evaluate("() => window.demoLoaded.filter((name) => name == 'ga4').length") == 1
    warnings = page.evaluate("() => window.__warnings")
    assert len(warnings) == 2
    assert 'window.injected = "inline"' in warnings[0]
    assert 'data-consent-src="/demo/t/ga4.js"' in warnings[1]


def test_reduced_motion(browser: Any, live: Live) -> None:
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        open_demo(page, live.origin + "/")
        assert page.locator(BAR).evaluate("(el) => getComputedStyle(el).animationName") == "none"
    finally:
        context.close()


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 800), ("phone", 390, 844)])
def test_both_layers_fit_the_viewport(browser: Any, live: Live, name: str, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        page = context.new_page()
        open_demo(page, live.origin + "/")
        ARTIFACTS.mkdir(exist_ok=True)
        for layer, selector in (("first", BAR), ("second", DIALOG)):
            if layer == "second":
                page.locator(BAR).get_by_role("button", name="Customize").click()
            box = page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0
            assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
            for button in page.locator(selector).get_by_role("button").all():
                assert button.bounding_box()["height"] >= 44 or button.get_attribute("class") == "x"
            page.screenshot(path=str(ARTIFACTS / f"banner-{name}-{layer}.png"))
        equal = page.locator(DIALOG).get_by_role("button", name="Accept all").bounding_box()
        other = page.locator(DIALOG).get_by_role("button", name="Reject all").bounding_box()
        assert abs(equal["width"] - other["width"]) < 1
        assert equal["height"] == other["height"]
    finally:
        context.close()
