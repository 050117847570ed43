"""The banner in the page's own DOM: found by privacy tools, unbroken by hostile page CSS, in every
layout the config can ask for."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.browser import (
    ARTIFACTS,
    BANNER,
    BAR,
    DIALOG,
    Live,
    assert_accessible,
    claim,
    open_demo,
)

pytestmark = pytest.mark.browser

#: What a heuristic privacy tool does: walk the document (no shadow roots), take the visible
#: fixed-position or dialog element that talks about cookies, and sort its buttons by their text.
FIND_BANNER = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  const found = [];
  for (let el = walker.currentNode; el; el = walker.nextNode()) {
    const dialog = el.tagName === 'DIALOG' || el.getAttribute('role') === 'dialog';
    if ((dialog || getComputedStyle(el).position === 'fixed') && el.checkVisibility() && /cookie/i.test(el.innerText)) {
      found.push(el);
    }
  }
  if (found.length !== 1) return {count: found.length};
  const buttons = [...found[0].querySelectorAll('button')].filter((b) => b.checkVisibility());
  window.__reject = buttons.find((b) => /^(reject|refuse|deny|decline|tout refuser)/i.test(b.innerText.trim()));
  return {count: 1, container: found[0].closest('[id]').id, text: found[0].innerText,
          buttons: buttons.map((b) => b.innerText.trim())};
}"""

#: A theme that styles everything, some of it with !important, as real themes do.
HOSTILE_CSS = """
* { box-sizing: content-box !important; font-family: "Comic Sans MS", cursive !important; letter-spacing: .2em;
    line-height: 2.5 !important; }
*::before { content: "» "; }
div { display: block !important; padding: 20px; margin: 10px !important; width: 90%; color: #aaa !important;
      background: #fafafa; border: 3px dashed red; }
button { display: inline !important; width: 20px !important; height: 200px !important; padding: 30px !important;
         font-size: 28px !important; color: #ccc !important; background: #fff !important; border: 0 !important;
         text-transform: uppercase !important; float: right; }
p, h2, a, span, label, b { font-size: 30px !important; color: #eee !important; text-decoration: none !important; }
dialog { position: static !important; display: block !important; max-width: none !important; }
input { display: none !important; }
img { display: none !important; }
"""

GEOMETRY = f"""() => {{
  const first = document.querySelector('{BAR}');
  const box = (el) => {{ const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }};
  return {{first: box(first), buttons: [...first.querySelectorAll('button')].map(box)}};
}}"""

#: Elements of the banner whose content is wider or taller than their box.
OVERFLOWING = f"""() => [...document.querySelectorAll('{BANNER} *')]
  .filter((el) => el.checkVisibility() && !['DIALOG', 'DIV'].includes(el.tagName)
    && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
  .map((el) => el.outerHTML.slice(0, 80))"""


def with_layout(page: Any, live: Live, layout: str) -> None:
    """Serve the banner with another layout in its client config, as an A/B variant would."""

    def handle(route: Any) -> None:
        path = route.request.url.removeprefix(live.origin)
        with urllib.request.urlopen(f"http://127.0.0.1:{live.port}{path}") as response:  # the test host only
            body = response.read().decode()
        assert '"layout":"bar"' in body
        route.fulfill(body=body.replace('"layout":"bar"', f'"layout":"{layout}"'), content_type="text/javascript")

    page.route("**/banner.js*", handle)


@pytest.mark.parametrize(("locale", "reject"), [("en-US", "Reject all"), ("fr-FR", "Tout refuser")])
def test_a_document_tree_walk_finds_the_banner_and_its_reject_button(
    browser: Any, live: Live, locale: str, reject: str
) -> None:
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        open_demo(page, live.origin + "/")
        page.locator(BAR).wait_for()
        found = page.evaluate(FIND_BANNER)
        assert found["count"] == 1
        assert found["container"] == "consent-service-banner"
        assert "cookies" in found["text"]
        assert reject in found["buttons"]
        with page.expect_request(lambda r: r.url.endswith("/api/v1/consent?site=demo") and r.method == "POST") as sent:
            page.evaluate("() => window.__reject.click()")
        assert sent.value.post_data_json["action"] == "reject_all"
        page.wait_for_function("() => !consent.decision.banner_required")
        assert set(claim(context)["c"].values()) == {0, 1}
        assert claim(context)["c"]["advertising"] == 0
        assert page.locator(BAR).is_hidden()
    finally:
        context.close()


def test_hostile_page_css_changes_nothing(page: Any, live: Live) -> None:
    open_demo(page, live.origin + "/")
    page.locator(BAR).wait_for()
    plain = page.evaluate(GEOMETRY)
    page.add_style_tag(content=HOSTILE_CSS)
    hostile = page.evaluate(GEOMETRY)
    assert len(hostile["buttons"]) == len(plain["buttons"]) == 3
    for before, after in zip([plain["first"], *plain["buttons"]], [hostile["first"], *hostile["buttons"]], strict=True):
        assert all(abs(a - b) <= 2 for a, b in zip(before, after, strict=True)), (before, after)
    accept, reject = hostile["buttons"][:2]
    assert abs(accept[2] - reject[2]) < 1 and accept[3] == reject[3]  # equal prominence: the same size
    assert page.locator(DIALOG).is_hidden()  # `dialog { display: block !important }` does not open it
    assert page.evaluate(OVERFLOWING) == []
    assert_accessible(page, within=BANNER)  # the hostile theme makes its own page illegible, not the banner
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "banner-hostile-css.png"))

    page.locator(BAR).get_by_role("button", name="Customize").click()
    dialog = page.locator(DIALOG)
    assert dialog.evaluate("(el) => getComputedStyle(el).position") == "fixed"
    assert dialog.get_by_role("switch", name="Analytics").is_visible()
    assert_accessible(page, within=BANNER)
    page.screenshot(path=str(ARTIFACTS / "banner-hostile-css-second.png"))


LAYOUTS: dict[str, Callable[[list[float]], bool]] = {
    "bar": lambda box: box[2] > 1000,  # along the bottom, nearly full width
    "box": lambda box: box[2] <= 420 and box[0] > 640,  # in the bottom right corner
    "modal": lambda box: abs(box[0] + box[2] / 2 - 640) < 2 and box[1] > 12,  # centred
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_keeps_reject_as_prominent_as_accept(page: Any, live: Live, layout: str) -> None:
    with_layout(page, live, layout)
    open_demo(page, live.origin + "/")
    first = page.locator(BAR)
    first.wait_for()
    geometry = page.evaluate(GEOMETRY)
    assert LAYOUTS[layout](geometry["first"]), geometry["first"]
    accept = first.get_by_role("button", name="Accept all").bounding_box()
    reject = first.get_by_role("button", name="Reject all").bounding_box()
    assert abs(accept["width"] - reject["width"]) < 1 and accept["height"] == reject["height"]
    assert accept["height"] >= 44
    assert first.evaluate("(el) => el.matches(':modal')") is (layout == "modal")
    x, y, width, height = geometry["first"]
    assert x >= 0 and y >= 0 and x + width <= 1280 and y + height <= 800
    assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"banner-layout-{layout}.png"))
    first.get_by_role("button", name="Reject all").click()
    page.wait_for_function("() => !consent.decision.banner_required")
    assert first.is_hidden()
