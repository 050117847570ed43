"""Jurisdictions in a real browser: the layout and the defaults follow the visitor's country,
GPC turns ad networks off, and ``consent.vastUrl`` fills video ad tags as the server does.

The server sits behind a CDN that sends the visitor's country in ``X-Country`` (``live_geo``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import (
    ARTIFACTS,
    BANNER,
    BAR,
    CLS_OBSERVER,
    COUNTRY_HEADER,
    NON_ESSENTIAL_COOKIES,
    SCRIPT_TRACKERS,
    Live,
    assert_accessible,
    claim,
    cookie_names,
    loaded,
    open_demo,
    wait_loaded,
)

pytestmark = pytest.mark.browser

GPC = "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true});"
AD_NETWORK_COOKIES = {"IDE", "test_cookie", "__gads", "uuid2", "anj"}
DO_NOT_SELL = "Do not sell or share my personal information"
#: A tag as ad servers hand it out: macros in odd cases, percent-encoded, one the player fills
#: itself ([CACHEBUSTING]), parameters we set already present, and a fragment.
TAG = (
    "https://pubads.g.doubleclick.net/gampad/ads?iu=/demo&gdpr=[GDPR]&cons=%5bGDPRCONSENT%5D"
    "&lat=[limitadtracking]&r=[Regulations]&cb=[CACHEBUSTING]&npa=0&us_privacy=x#player"
)


def expected_tag(regime: str, ads_personalized: bool, ad_networks_allowed: bool = True) -> str:
    """The filled TAG, computed here from the rules of banner/core/vast.py: macros filled; our
    parameters set in place when the tag has them (removed when they do not apply), else appended."""
    gdpr = "1" if regime == "opt_in" else "0"
    limited = "0" if ads_personalized else "1"
    regulations = {"opt_in": "gdpr", "opt_out": "ccpa"}.get(regime, "")
    us_privacy = "1Y" + ("N" if ad_networks_allowed else "Y") + "N"
    query = [
        "iu=/demo",
        f"gdpr={gdpr}",
        "cons=",
        f"lat={limited}",
        f"r={regulations}",
        "cb=[CACHEBUSTING]",
        *(["npa=1"] if limited == "1" else []),
        *([f"us_privacy={us_privacy}"] if regime == "opt_out" else []),
        *(["gdpr_consent="] if gdpr == "1" else []),
    ]
    return "https://pubads.g.doubleclick.net/gampad/ads?" + "&".join(query) + "#player"


@pytest.fixture()
def visitor(browser: Any) -> Iterator[Any]:
    """A factory of browser contexts for a visitor from ``country`` (with GPC if asked)."""
    contexts: list[Any] = []

    def make(country: str, gpc: bool = False, width: int = 1280, height: int = 800) -> Any:
        headers = {COUNTRY_HEADER: country}
        if gpc:
            headers["Sec-GPC"] = "1"
        context = browser.new_context(viewport={"width": width, "height": height}, extra_http_headers=headers)
        context.add_init_script(CLS_OBSERVER)
        if gpc:
            context.add_init_script(GPC)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def server_tag(page: Any, live: Live) -> str | None:
    """What GET /api/v1/vast answers this visitor, fetched from the page (same cookie, same headers)."""
    answer = page.evaluate(
        "(api) => fetch(api, {credentials: 'include'}).then((r) => r.json())",
        f"{live.origin}/api/v1/vast?site=demo&url=" + TAG.replace("%", "%25").replace("&", "%26").replace("#", "%23"),
    )
    return answer["url"]


def bar_buttons(page: Any) -> list[str]:
    return [b.inner_text() for b in page.locator(BAR).get_by_role("button").all()]


def test_eu_visitor_gets_opt_in_and_nothing_runs_before_choosing(visitor: Any, live_geo: Live) -> None:
    context = visitor("FR")
    page = context.new_page()
    open_demo(page, live_geo.origin + "/")
    assert bar_buttons(page) == ["Accept all", "Reject all", "Customize"]
    decision = page.evaluate("() => consent.decision")
    assert decision["regime"] == "opt_in" and decision["banner_required"] is True
    wait_loaded(page, ["session"])
    page.wait_for_timeout(300)  # time for a denied tracker to (wrongly) run
    assert loaded(page) == ["session"]
    assert cookie_names(context) & NON_ESSENTIAL_COOKIES == set()
    assert page.evaluate("(tag) => consent.vastUrl(tag)", TAG) is None
    assert server_tag(page, live_geo) is None

    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, SCRIPT_TRACKERS)
    assert page.evaluate("(tag) => consent.vastUrl(tag)", TAG) == expected_tag("opt_in", ads_personalized=True)
    assert server_tag(page, live_geo) == expected_tag("opt_in", ads_personalized=True)


def test_us_visitor_gets_opt_out_and_do_not_sell_turns_ad_networks_off(visitor: Any, live_geo: Live) -> None:
    context = visitor("US")
    page = context.new_page()
    open_demo(page, live_geo.origin + "/")
    assert bar_buttons(page) == ["OK", DO_NOT_SELL, "Customize"]
    assert "opt out of the sale or sharing" in page.locator(BAR).inner_text()
    wait_loaded(page, SCRIPT_TRACKERS)  # everything runs before any choice
    assert AD_NETWORK_COOKIES | {"_ga"} <= cookie_names(context)
    assert page.evaluate("() => consent.decision.banner_required") is True
    before = page.evaluate("(tag) => consent.vastUrl(tag)", TAG)
    assert before == expected_tag("opt_out", ads_personalized=True) == server_tag(page, live_geo)

    page.locator(BAR).get_by_role("button", name=DO_NOT_SELL).click()
    page.wait_for_function("() => !consent.decision.banner_required")
    decision = page.evaluate("() => consent.decision")
    assert decision["denied"]["ad_network"] == ["doubleclick", "xandr"]
    assert decision["allowed"]["first_party"] == ["session", "prefs", "ga4"]
    assert decision["allowed"]["vast"] == ["ima"]
    assert {k: v for k, v in decision["google_consent_mode"].items() if k.startswith("ad_")} == {
        "ad_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
    }
    assert decision["google_consent_mode"]["analytics_storage"] == "granted"
    assert cookie_names(context) & AD_NETWORK_COOKIES == set()
    assert "_ga" in cookie_names(context)
    assert claim(context)["t"] == {"doubleclick": 0, "xandr": 0}
    after = expected_tag("opt_out", ads_personalized=False, ad_networks_allowed=False)
    assert page.evaluate("(tag) => consent.vastUrl(tag)", TAG) == after == server_tag(page, live_geo)

    page.reload()
    wait_loaded(page, ["ga4", "inline_ad", "ima"])
    page.wait_for_timeout(300)
    assert "doubleclick" not in loaded(page) and "xandr" not in loaded(page)
    assert page.locator(BANNER).count() == 0


def test_consent_given_in_one_regime_holds_in_another(visitor: Any, live_geo: Live) -> None:
    page = visitor("DE").new_page()
    open_demo(page, live_geo.origin + "/")
    page.locator(BAR).get_by_role("button", name="Reject all").click()
    page.wait_for_function("() => !consent.decision.banner_required")
    token = page.evaluate("() => document.cookie")
    travelling = visitor("US")
    travelling.add_cookies(
        [{"name": "consent", "value": token.split("consent=")[1].split(";")[0], "url": live_geo.origin}]
    )
    page = travelling.new_page()
    open_demo(page, live_geo.origin + "/")
    wait_loaded(page, ["session"])
    page.wait_for_timeout(300)  # time for a denied tracker to (wrongly) run
    assert page.evaluate("() => [consent.decision.regime, consent.decision.token_status]") == ["opt_out", "valid"]
    assert loaded(page) == ["session"]
    assert page.locator(BANNER).count() == 0


def test_notice_layout_elsewhere(visitor: Any, live_geo: Live) -> None:
    page = visitor("JP").new_page()
    open_demo(page, live_geo.origin + "/")
    assert bar_buttons(page) == ["OK", "Customize"]
    wait_loaded(page, SCRIPT_TRACKERS)
    assert (
        page.evaluate("(tag) => consent.vastUrl(tag)", TAG)
        == expected_tag("notice", True)
        == server_tag(page, live_geo)
    )
    page.locator(BAR).get_by_role("button", name="OK").click()
    page.wait_for_function("() => !consent.decision.banner_required")
    assert page.locator(BAR).is_hidden()


@pytest.mark.parametrize("country", ["US", "FR"])
def test_gpc_shows_the_notice_and_keeps_ad_networks_off(visitor: Any, live_geo: Live, country: str) -> None:
    context = visitor(country, gpc=True)
    page = context.new_page()
    open_demo(page, live_geo.origin + "/")
    assert "Global Privacy Control: advertising is off" in page.locator(BAR).inner_text()
    page.evaluate("() => consent.acceptAll()")
    wait_loaded(page, ["ga4", "inline_ad", "ima"])
    page.wait_for_timeout(300)
    assert "doubleclick" not in loaded(page) and "xandr" not in loaded(page)
    assert cookie_names(context) & AD_NETWORK_COOKIES == set()
    decision = page.evaluate("() => consent.decision")
    assert decision["signals"]["gpc"] == {"present": True, "honored": True}
    assert decision["denied"]["ad_network"] == ["doubleclick", "xandr"]
    assert decision["google_consent_mode"]["ad_personalization"] == "denied"
    regime = "opt_out" if country == "US" else "opt_in"
    expected = expected_tag(regime, ads_personalized=False, ad_networks_allowed=False)
    assert page.evaluate("(tag) => consent.vastUrl(tag)", TAG) == expected == server_tag(page, live_geo)


def test_vast_url_refuses_what_is_not_an_http_tag(visitor: Any, live_geo: Live) -> None:
    page = visitor("US").new_page()
    open_demo(page, live_geo.origin + "/")
    results = page.evaluate("""() => [
      'javascript:alert(1)', 'ftp://pubads.g.doubleclick.net/x', '/relative?x=1', 'not a url', '',
      'https://pubads.g.doubleclick.net/a b',
    ].map((tag) => consent.vastUrl(tag))""")
    assert results == [None] * 6
    plain = page.evaluate("() => consent.vastUrl('https://pubads.g.doubleclick.net/ads')")
    assert plain == "https://pubads.g.doubleclick.net/ads?gdpr=0&us_privacy=1YNN"


#: Tags and whether they are on a configured VAST host, as the server and the page must both judge.
VAST_HOST_CASES = [
    ("https://pubads.g.doubleclick.net/ads", True),
    ("HTTPS://PUBADS.G.DOUBLECLICK.NET/ads", True),
    ("https://pubads.g.doubleclick.net:8443/ads", True),
    ("http://imasdk.googleapis.com/x#t", True),
    ("https://pubads.g.doubleclick.net/ads?contact=a@b.example", True),
    ("https://pubads.g.doubleclick.net:99999/ads", False),
    ("https://pubads.g.doubleclick.net:+80/ads", False),
    ("http://evil/?x=a.b", False),
    ("http://evil.example/?pubads.g.doubleclick.net", False),
    ("https://good@evil/", False),
    ("https://user@pubads.g.doubleclick.net/ads", False),
    ("https://@pubads.g.doubleclick.net/ads", False),
    ("https://pubads.g.doubleclick.net@evil.example/", False),
    ("https://pubads.g.doubleclick.net\\@evil.example/", False),
    ("https://evil.example\\@pubads.g.doubleclick.net/", False),
    ("https://pubads.g.doubleclick.net.evil.example/ads", False),
    ("https://pubads%2Eg.doubleclick.net/ads", False),
    ("https://ib.adnxs.com/vast", False),
]


def test_vast_url_accepts_only_configured_hosts_as_the_server_does(visitor: Any, live_geo: Live) -> None:
    page = visitor("US").new_page()
    open_demo(page, live_geo.origin + "/")
    answers = page.evaluate(
        """(tags) => Promise.all(tags.map((tag) => fetch('/api/v1/vast?site=demo&url=' + encodeURIComponent(tag))
          .then((r) => r.json()).then((server) => [consent.vastUrl(tag), server.url || server.error.code])))""",
        [tag for tag, _ in VAST_HOST_CASES],
    )
    for (tag, accepted), (page_url, server_answer) in zip(VAST_HOST_CASES, answers, strict=True):
        if accepted:
            assert page_url == server_answer, tag
            assert page_url.startswith(tag.split("#")[0]) and "gdpr=0&us_privacy=1YNN" in page_url, tag
        else:
            assert (page_url, server_answer) == (None, "bad_request"), tag


def test_opt_out_layout_is_accessible_and_does_not_shift(visitor: Any, live_geo: Live) -> None:
    page = visitor("US").new_page()
    open_demo(page, live_geo.origin + "/")
    page.locator(BAR).wait_for()
    assert_accessible(page)
    page.locator(BAR).get_by_role("button", name="Customize").click()
    assert_accessible(page)
    page.keyboard.press("Escape")
    page.locator(BAR).get_by_role("button", name=DO_NOT_SELL).click()
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__cls") == 0


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 800), ("phone", 390, 844)])
@pytest.mark.parametrize(("country", "layout"), [("US", "opt-out"), ("JP", "notice")])
def test_layouts_fit_the_viewport(
    visitor: Any, live_geo: Live, country: str, layout: str, name: str, width: int, height: int
) -> None:
    page = visitor(country, gpc=country == "US", width=width, height=height).new_page()
    open_demo(page, live_geo.origin + "/")
    bar = page.locator(BAR)
    box = bar.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
    heights = {button.bounding_box()["height"] for button in bar.get_by_role("button").all()}
    assert min(heights) >= 44
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"banner-{layout}-{name}.png"))
