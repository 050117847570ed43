"""Click-to-load embeds: a held iframe waits behind a placeholder in its own box until the visitor
loads it this time, always allows its tracker, or allows it from the banner; withdrawing puts it
back behind its placeholder."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import (
    ARTIFACTS,
    BAR,
    PLACEHOLDER,
    RECORD_CSP_VIOLATIONS,
    RECORD_WARNINGS,
    Live,
    assert_accessible,
    claim,
    cookie_names,
    loaded,
    open_demo,
    wait_loaded,
)

pytestmark = pytest.mark.browser

VIDEO = "Tonight's featured video"
POST = "A post about tonight's video"
CONSENT_API = "/api/v1/consent"
#: Held iframes as careless or hostile markup writes them.
BAD_EMBEDS = """
<iframe data-consent-tracker="youtube" data-consent-src="/demo/t/youtube.html" title="No size"></iframe>
<iframe data-consent-tracker="youtube" data-consent-src="javascript:window.pwned=1" title="Script URL"
        width="200" height="150"></iframe>
<iframe data-consent-tracker="youtube" data-consent-src="data:text/html,<script>parent.pwned=1</script>"
        title="Data URL" width="200" height="150"></iframe>
<iframe data-consent-tracker="nope" data-consent-src="/demo/post.html" title="Unknown tracker"
        width="200" height="150"></iframe>
<iframe data-consent-tracker="youtube" data-consent-src="/demo/t/youtube.html" title="Foreign poster"
        data-consent-poster="https://i.ytimg.com/vi/x/hq.jpg" width="200" height="150"></iframe>
"""


def placeholder(page: Any, title: str) -> Any:
    return page.get_by_role("group", name=title)


def consent_posts(page: Any) -> list[Any]:
    posts: list[Any] = []
    page.on("request", lambda r: posts.append(r) if CONSENT_API in r.url and r.method == "POST" else None)
    return posts


#: Whether the embed with this title shows its page (the social post's stand-in).
POST_LOADED = """(title) => {
  const frame = [...document.querySelectorAll('iframe')].find((f) => f.title == title);
  const text = frame && frame.contentDocument && frame.contentDocument.body.innerText;
  return !!text && text.includes('stand-in for an embedded social post');
}"""


def test_a_held_embed_becomes_a_placeholder_in_the_same_box(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    video = placeholder(page, VIDEO)
    video.wait_for()
    box = video.bounding_box()
    assert (box["width"], box["height"]) == (480, 270)
    post = placeholder(page, POST).bounding_box()
    assert (post["width"], post["height"]) == (340, 270)
    text = video.inner_text()
    assert "YouTube player" in text and "can set cookies" in text
    assert video.get_by_role("link", name="Privacy policy").get_attribute("href") == "https://example.org/privacy"
    assert video.locator("img").get_attribute("src") == "/demo/poster.svg"
    assert video.get_by_role("button", name="Load this time").is_visible()
    assert video.get_by_role("button", name="Always allow YouTube player").is_visible()
    assert page.locator("iframe[data-consent-tracker]").count() == 0  # held, detached: nothing loads
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__cls") == 0
    assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1400})  # the banner's bar below the embeds
    page.locator(".embeds").screenshot(path=str(ARTIFACTS / "placeholders.png"))


def test_load_this_time_loads_that_embed_and_records_nothing(page: Any, context: Any, live: Live) -> None:
    posts = consent_posts(page)
    open_demo(page, live.origin + "/")
    placeholder(page, VIDEO).get_by_role("button", name="Load this time").click()
    wait_loaded(page, ["youtube"])
    frame = page.locator(f'iframe[title="{VIDEO}"]')
    assert frame.get_attribute("src") == "/demo/t/youtube.html"
    assert frame.bounding_box()["width"] == 480
    assert placeholder(page, POST).is_visible()
    page.wait_for_timeout(300)
    assert posts == []
    assert "consent" not in cookie_names(context)
    assert page.locator(BAR).is_visible()  # no choice was made
    assert page.evaluate("() => window.__cls") == 0


def test_always_allow_records_it_loads_every_embed_of_the_tracker_and_withdrawing_holds_them_again(
    page: Any, context: Any, live: Live
) -> None:
    posts = consent_posts(page)
    open_demo(page, live.origin + "/")
    placeholder(page, VIDEO).wait_for()
    page.evaluate("""() => document.querySelector('.embeds').insertAdjacentHTML('beforeend',
      '<iframe data-consent-tracker="youtube" data-consent-src="/demo/t/youtube.html" title="Second video" '
      + 'width="320" height="180"></iframe>')""")
    placeholder(page, "Second video").wait_for()  # added later, held too
    placeholder(page, VIDEO).get_by_role("button", name="Always allow YouTube player").click()
    page.wait_for_function("() => !consent.decision.banner_required")
    page.wait_for_function("() => (window.demoLoaded || []).filter((n) => n == 'youtube').length == 2")
    assert posts[0].post_data_json["trackers"] == {"youtube": True}
    assert claim(context)["t"] == {"youtube": 1}
    assert page.locator(PLACEHOLDER).count() == 1
    assert placeholder(page, POST).is_visible()
    assert page.evaluate("() => document.activeElement.title") == VIDEO
    assert page.locator(BAR).is_hidden()

    page.locator("#withdraw").click()
    page.wait_for_function("() => consent.decision.banner_required")
    assert page.locator(PLACEHOLDER).count() == 3
    assert page.locator("iframe[data-consent-tracker]").count() == 0
    assert placeholder(page, "Second video").bounding_box()["width"] == 320


def test_allowing_from_the_banner_later_swaps_the_embeds_in_without_a_reload(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    placeholder(page, POST).wait_for()
    page.evaluate("() => { window.sameDocument = true; }")
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, ["youtube"])
    page.wait_for_function(POST_LOADED, arg=POST, timeout=30_000)  # a loaded machine can take seconds
    assert page.locator(PLACEHOLDER).count() == 0
    assert page.evaluate("() => window.sameDocument") is True
    assert page.evaluate("() => window.__cls") == 0


def test_keyboard_alone_loads_an_embed(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    placeholder(page, VIDEO).wait_for()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "Load this time":
            break
    assert page.evaluate("() => document.activeElement.closest('[role=group]').getAttribute('aria-labelledby')")
    page.keyboard.press("Enter")
    wait_loaded(page, ["youtube"])
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"


def test_placeholders_speak_every_shipped_language(browser: Any, live: Live) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        open_demo(page, live.origin + "/")
        video = placeholder(page, VIDEO)
        video.wait_for()
        assert video.get_by_role("button", name="Charger cette fois").is_visible()
        assert video.get_by_role("button", name="Toujours autoriser YouTube player").is_visible()
        assert "peut déposer des cookies" in video.inner_text()
        assert video.get_by_role("link", name="Politique de confidentialité").is_visible()
    finally:
        context.close()


def test_bad_markup_gets_a_placeholder_loads_nothing_unsafe_and_is_named(context: Any, live: Live) -> None:
    context.add_init_script(RECORD_WARNINGS)
    foreign: list[str] = []
    context.route("https://i.ytimg.com/**", lambda route: (foreign.append(route.request.url), route.abort()))
    page = context.new_page()
    open_demo(page, live.origin + "/")
    page.evaluate("(html) => document.querySelector('.embeds').insertAdjacentHTML('beforeend', html)", BAD_EMBEDS)
    for title in ("No size", "Script URL", "Data URL", "Unknown tracker", "Foreign poster"):
        placeholder(page, title).wait_for()
    for title in ("Script URL", "Data URL"):
        assert placeholder(page, title).get_by_role("button").count() == 0
    unknown = placeholder(page, "Unknown tracker")
    assert [b.inner_text() for b in unknown.get_by_role("button").all()] == ["Load this time"]
    assert placeholder(page, "Foreign poster").locator("img").count() == 0
    assert placeholder(page, "No size").bounding_box()["width"] > 0
    warnings = page.evaluate("() => window.__warnings")
    for title in ("No size", "Script URL", "Data URL", "Unknown tracker", "Foreign poster"):
        assert any(f'title="{title}"' in warning for warning in warnings), title

    page.locator(BAR).get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => (window.demoLoaded || []).filter((n) => n == 'youtube').length == 3")
    page.wait_for_timeout(300)
    for title in ("Script URL", "Data URL", "Unknown tracker"):
        assert placeholder(page, title).is_visible(), title
    assert page.evaluate("() => window.pwned") is None
    assert foreign == []
    assert_accessible(page)


def test_strict_csp_page_holds_and_loads_embeds(page: Any, live: Live) -> None:
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    open_demo(page, live.origin + "/demo/strict")
    video = placeholder(page, VIDEO)
    video.wait_for()
    assert video.bounding_box()["width"] == 480
    video.get_by_role("button", name="Load this time").click()
    wait_loaded(page, ["youtube"])
    assert "youtube" in loaded(page)
    assert page.evaluate("() => window.__csp || []") == []
