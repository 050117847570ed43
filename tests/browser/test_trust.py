"""The page acts only on a consent it can trust: a cookie anyone could have written (a sibling
subdomain, any script) shows the banner and runs nothing non-essential.

On a secure page the banner verifies the token's Ed25519 signature itself, with no request; on
plain http (no WebCrypto) it asks the service once per browsing session instead.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from itsdangerous import URLSafeTimedSerializer

from banner.core.clock import utc_now
from banner.core.tokens import ConsentClaim, TokenSigner
from tests.support import SECRET
from tests.support.browser import (
    BANNER,
    BAR,
    NON_ESSENTIAL_COOKIES,
    SCRIPT_TRACKERS,
    Live,
    consent_entries,
    cookie_names,
    loaded,
    open_demo,
    wait_loaded,
)

pytestmark = pytest.mark.browser

MAX_AGE = 390 * 86400  # policy.consent_max_age_days in the shipped config
VERSION = "2015-02-01"
EVERYTHING = dict.fromkeys(["necessary", "preferences", "analytics", "advertising", "beacons", "social"], True)
DECISION_API = "/api/v1/decision"


def claim(site: str = "demo", age: timedelta = timedelta(0)) -> ConsentClaim:
    return ConsentClaim(
        id="TrustTestConsentId0001",
        site=site,
        policy_version=VERSION,
        choices=EVERYTHING,
        issued_at=(utc_now() - age).replace(microsecond=0),
    )


def genuine(site: str = "demo", age: timedelta = timedelta(0)) -> str:
    return TokenSigner([SECRET], MAX_AGE).sign(claim(site, age))


def claims_only() -> str:
    """Accept-all claims as the service would encode them, with a signature nobody made."""
    payload = json.dumps(claim().payload(), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode() + ".AAAAAA.x"


def another_key() -> str:
    return TokenSigner(["another-deployment-key-0123456789"], MAX_AGE).sign(claim())


def swapped_payload() -> str:
    """A genuine token that refused everything, carrying the payload of one that accepted everything."""
    refused = TokenSigner([SECRET], MAX_AGE).sign(
        ConsentClaim(id="x" * 22, site="demo", policy_version=VERSION, choices={}, issued_at=claim().issued_at)
    )
    return genuine().split(".")[0] + "." + refused.split(".", 1)[1]


def legacy() -> str:
    """A token of the former scheme (HMAC-SHA1, 27-character signature) that the service still accepts."""
    serializer = URLSafeTimedSerializer([SECRET], salt=TokenSigner.legacy_salt)
    return serializer.dumps(claim().payload())


FORGED = {
    "bad signature": claims_only,
    "signed with another key": another_key,
    "payload of another token": swapped_payload,
    "expired": lambda: genuine(age=timedelta(days=391)),
    "another site's": lambda: genuine(site="other"),
}


@pytest.fixture()
def secure_context(secure_browser: Any) -> Iterator[Any]:
    context = secure_browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def visit_with(context: Any, live: Live, token: str) -> tuple[Any, list[str]]:
    """Open the demo page with ``token`` as the consent cookie; also answers the decision requests made."""
    context.add_cookies([{"name": "consent", "value": token, "url": live.origin}])
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if DECISION_API in r.url else None)
    open_demo(page, live.origin + "/")
    return page, asked


def assert_nothing_non_essential(page: Any, context: Any) -> None:
    page.locator(BAR).wait_for()
    assert page.evaluate("() => consent.decision.banner_required") is True
    wait_loaded(page, ["session"])
    page.wait_for_timeout(300)  # time for a tracker to (wrongly) run
    assert loaded(page) == ["session"]
    assert cookie_names(context) & NON_ESSENTIAL_COOKIES == set()
    mode = consent_entries(page)[-1][2]
    assert {key: mode[key] for key in ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")} == {
        "ad_storage": "denied",
        "analytics_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
    }


@pytest.mark.parametrize("forge", FORGED.values(), ids=FORGED.keys())
def test_a_forged_cookie_shows_the_banner_and_runs_nothing(secure_context: Any, live: Live, forge: Any) -> None:
    page, asked = visit_with(secure_context, live, forge())
    assert_nothing_non_essential(page, secure_context)
    assert page.evaluate("() => consent.decision.token_status") in ("invalid", "expired")
    assert asked == []  # judged on the page


def test_a_genuine_cookie_applies_without_asking_the_service(secure_context: Any, live: Live) -> None:
    page, asked = visit_with(secure_context, live, genuine())
    wait_loaded(page, [*SCRIPT_TRACKERS, "pixel", "youtube"])
    assert page.evaluate("() => [consent.decision.token_status, consent.decision.banner_required]") == ["valid", False]
    assert page.locator(BANNER).count() == 0
    assert consent_entries(page)[-1][2]["ad_storage"] == "granted"
    page.reload()
    wait_loaded(page, SCRIPT_TRACKERS)
    assert asked == []


def test_a_token_of_the_former_scheme_is_confirmed_once_per_session(secure_context: Any, live: Live) -> None:
    page, asked = visit_with(secure_context, live, legacy())
    wait_loaded(page, SCRIPT_TRACKERS)
    assert page.locator(BANNER).count() == 0
    page.reload()
    wait_loaded(page, SCRIPT_TRACKERS)
    assert len(asked) == 1


def test_on_plain_http_the_service_confirms_once_and_nothing_runs_until_it_answers(context: Any, live: Live) -> None:
    held: list[Any] = []
    context.route(f"**{DECISION_API}*", lambda route: held.append(route))
    context.add_cookies([{"name": "consent", "value": genuine(), "url": live.origin}])
    page = context.new_page()
    page.goto(live.origin + "/")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    assert held[0].request.headers["x-consent-token"] == genuine_token(context)
    wait_loaded(page, ["session"])
    page.wait_for_timeout(300)  # the service has not answered: nothing else may run
    assert loaded(page) == ["session"]
    assert page.evaluate("() => consent.decision") is None
    assert page.locator(BANNER).count() == 0

    held[0].continue_()
    wait_loaded(page, SCRIPT_TRACKERS)
    assert page.evaluate("() => consent.decision.token_status") == "valid"
    page.reload()
    wait_loaded(page, SCRIPT_TRACKERS)
    assert len(held) == 1  # the answer is kept for the browsing session


def test_on_plain_http_a_forged_cookie_is_refused_by_the_service(context: Any, live: Live) -> None:
    page, asked = visit_with(context, live, another_key())
    assert_nothing_non_essential(page, context)
    assert len(asked) == 1


def test_a_choice_made_on_plain_http_needs_no_confirming(page: Any, context: Any, live: Live) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if DECISION_API in r.url else None)
    open_demo(page, live.origin + "/")
    page.locator(BAR).get_by_role("button", name="Accept all").click()
    wait_loaded(page, SCRIPT_TRACKERS)
    page.reload()
    wait_loaded(page, SCRIPT_TRACKERS)
    assert asked == []


def genuine_token(context: Any) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "consent")
