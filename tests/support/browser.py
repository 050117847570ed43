"""Helpers shared by the browser tests: finding the banner in the page and reading the page state."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
COUNTRY_HEADER = "X-Country"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--host-resolver-rules=MAP *.test 127.0.0.1",
]

#: Sums layout-shift entries from the first paint on, as the Web Vitals CLS does.
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({ type: 'layout-shift', buffered: true });
"""


def secure_origin_args(*origins: str) -> list[str]:
    """Chromium treats these http origins as secure contexts, as https pages are: WebCrypto works."""
    return [*CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={','.join(origins)}"]


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BANNER = "#consent-service-banner"
BAR = f"{BANNER} .first"
DIALOG = f"{BANNER} .prefs"
PLACEHOLDER = ".consent-placeholder"
#: Stand-in trackers that run as scripts, in document order on the demo page.
SCRIPT_TRACKERS = ["ga4", "prefs", "doubleclick", "inline_ad", "xandr", "ima", "social_buttons"]
NON_ESSENTIAL_COOKIES = {
    "_ga",
    "_ga_DEMO",
    "prefs",
    "player_volume",
    "IDE",
    "test_cookie",
    "__gads",
    "uuid2",
    "anj",
    "__gpi",
    "_fbp",
    "__qca",
    "personalization_id",
    "VISITOR_INFO1_LIVE",
    "YSC",
}

FOCUSED = """() => {
  const root = document.getElementById('consent-service-banner');
  const el = document.activeElement;
  if (!root || !root.contains(el)) return null;
  return {id: el.id, cls: el.className, text: el.textContent.trim(),
          inDialog: root.querySelector('.prefs').contains(el), inBar: root.querySelector('.first').contains(el)};
}"""

#: Records console warnings in ``window.__warnings``, elements as their markup.
RECORD_WARNINGS = """
window.__warnings = [];
const warn = console.warn;
console.warn = (...args) => {
  window.__warnings.push(args.map((a) => (a instanceof Element ? a.outerHTML : String(a))).join(' '));
  warn(...args);
};
"""
#: Records Content Security Policy violations in ``window.__csp``.
RECORD_CSP_VIOLATIONS = (
    "document.addEventListener('securitypolicyviolation', (e) => "
    "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
)


def open_demo(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.consent && window.consent.decision")


def loaded(page: Any) -> list[str]:
    return list(page.evaluate("() => window.demoLoaded || []"))


def cookie_names(context: Any) -> set[str]:
    return {c["name"] for c in context.cookies()}


def claim(context: Any) -> dict[str, Any]:
    """The payload of the visitor's consent cookie, read as the banner reads it."""
    token = next(c["value"] for c in context.cookies() if c["name"] == "consent")
    body = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def consent_entries(page: Any) -> list[list[Any]]:
    """The ``gtag('consent', ...)`` calls in dataLayer, as lists."""
    return list(page.evaluate("() => dataLayer.filter((e) => e && e[0] === 'consent').map((e) => Array.from(e))"))


def wait_loaded(page: Any, names: list[str]) -> None:
    page.wait_for_function("(names) => names.every((n) => (window.demoLoaded || []).includes(n))", arg=names)


@dataclass(frozen=True)
class Live:
    port: int

    @property
    def origin(self) -> str:
        return f"http://consent.test:{self.port}"

    @property
    def publisher(self) -> str:
        return f"http://publisher.test:{self.port}"


def assert_accessible(page: Any, within: str | None = None) -> None:
    """No axe-core violations on the page as it is now (or in the elements ``within`` selects)."""
    results = Axe().run(page, context=within)
    assert results.violations_count == 0, results.generate_report()
