"""The pure policy: (site, consent, signals) -> Decision."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from banner.core.config import GCM_KEYS, Config
from banner.core.config_parse import load_config
from banner.core.devices import Device
from banner.core.policy import decide
from banner.core.signals import Signals, read_signals
from banner.core.tokens import ConsentClaim, TokenStatus, Verified
from tests.support import DESKTOP_UA, SHIPPED_CONFIG

CONFIG = load_config(str(SHIPPED_CONFIG), {}, require_secret=False)
SITE = CONFIG.sites["demo"]
HUMAN = Signals(device=Device(device="desktop", browser="Chrome", os="Windows"))
BOT = Signals(device=Device(bot=True, device="bot"))
OPTIONAL = [c.id for c in CONFIG.categories if not c.required]


def consent(config: Config = CONFIG, trackers: dict[str, bool] | None = None, **choices: bool) -> Verified:
    claim = ConsentClaim(
        id="AbCdEfGhIjKlMnOp",
        site="demo",
        policy_version=config.policy.version,
        choices=choices,
        trackers=trackers or {},
        issued_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return Verified(TokenStatus.VALID, claim)


def all_ids(by_kind: dict[str, list[str]]) -> set[str]:
    return {i for ids in by_kind.values() for i in ids}


@pytest.mark.parametrize("status", [TokenStatus.MISSING, TokenStatus.INVALID, TokenStatus.EXPIRED])
def test_without_valid_consent_only_required_trackers_and_a_banner(status: TokenStatus) -> None:
    d = decide(CONFIG, SITE, Verified(status), HUMAN)
    assert d.banner_required is True
    assert all_ids(d.allowed) == {"session"}
    assert d.categories == {c.id: c.required for c in CONFIG.categories}
    assert d.google_consent_mode["ad_storage"] == "denied"
    assert d.google_consent_mode["security_storage"] == "granted"
    assert d.to_json()["consent"] is None


def test_outdated_consent_shows_the_banner_again() -> None:
    outdated = Verified(TokenStatus.OUTDATED, consent(analytics=True).claim)
    d = decide(CONFIG, SITE, outdated, HUMAN)
    assert d.banner_required is True and d.categories["analytics"] is False


def test_valid_consent_allows_exactly_the_chosen_categories() -> None:
    d = decide(CONFIG, SITE, consent(analytics=True, advertising=False), HUMAN)
    assert d.banner_required is False
    assert d.allowed == {"first_party": ["session", "ga4"], "ad_network": [], "beacon": [], "vast": []}
    assert d.denied["ad_network"] == ["doubleclick", "xandr"] and d.denied["vast"] == ["ima"]
    assert d.google_consent_mode["analytics_storage"] == "granted"
    assert d.to_json()["consent"]["expires_at"] == "2027-01-26T00:00:00Z"


def test_tracker_overrides_narrow_and_widen() -> None:
    d = decide(CONFIG, SITE, consent(advertising=True, trackers={"xandr": False, "pixel": True}), HUMAN)
    assert d.allows("doubleclick") and not d.allows("xandr")
    assert d.allows("pixel") and not d.allows("quantcast")


def test_bots_get_nothing_non_essential_and_no_banner() -> None:
    d = decide(CONFIG, SITE, consent(**dict.fromkeys(OPTIONAL, True)), BOT)
    assert d.banner_required is False
    assert all_ids(d.allowed) == {"session"}


def test_dnt_is_logged_not_honored_by_the_shipped_policy() -> None:
    signals = replace(HUMAN, dnt=True)
    d = decide(CONFIG, SITE, consent(analytics=True), signals)
    assert (d.dnt.present, d.dnt.honored) == (True, False)
    assert d.allows("ga4")
    dnt = d.to_json()["signals"]["dnt"]
    assert dnt["policy_version"] == "2015-02-01" and "do not honor" in dnt["note"]


def test_honor_dnt_switch_refuses_every_optional_category() -> None:
    config = replace(CONFIG, policy=replace(CONFIG.policy, honor_dnt=True))
    d = decide(config, SITE, consent(config, analytics=True, trackers={"pixel": True}), replace(HUMAN, dnt=True))
    assert (d.dnt.present, d.dnt.honored) == (True, True)
    assert all_ids(d.allowed) == {"session"}
    without = decide(config, SITE, consent(config, analytics=True), HUMAN)
    assert without.allows("ga4") and without.dnt.present is False


@pytest.mark.parametrize(("honor", "expected"), [(True, False), (False, True)])
def test_gpc_switch_denies_ad_networks_both_ways(honor: bool, expected: bool) -> None:
    config = replace(CONFIG, policy=replace(CONFIG.policy, honor_gpc=honor))
    d = decide(config, SITE, consent(config, advertising=True), replace(HUMAN, gpc=True))
    assert d.gpc.honored is honor
    assert d.allows("doubleclick") is expected and d.allows("xandr") is expected
    assert d.allows("ima")  # VAST is its own kind: GPC denies sale/share by ad networks
    assert (d.google_consent_mode["ad_storage"] == "granted") is expected


@given(st.dictionaries(st.sampled_from(OPTIONAL), st.booleans()))
def test_every_tracker_is_either_allowed_or_denied_once(choices: dict[str, bool]) -> None:
    d = decide(CONFIG, SITE, consent(**choices), HUMAN)
    ids = [i for by_kind in (d.allowed, d.denied) for ids in by_kind.values() for i in ids]
    assert sorted(ids) == sorted(t.id for t in CONFIG.trackers)
    assert set(d.google_consent_mode) == set(GCM_KEYS)
    for tracker in CONFIG.trackers:
        assert d.allows(tracker.id) == d.categories[tracker.category]


def test_signals_from_headers() -> None:
    headers = {"DNT": "1", "Sec-GPC": "1", "User-Agent": DESKTOP_UA, "CF-IPCountry": "fr"}
    signals = read_signals(headers, "CF-IPCountry")
    assert signals.dnt and signals.gpc and signals.region == "FR"
    assert signals.device == Device(bot=False, device="desktop", browser="Chrome", os="Windows")
    assert read_signals({"CF-IPCountry": "XX"}, "CF-IPCountry").region is None
    assert read_signals({"CF-IPCountry": "FR"}).region is None  # header not trusted unless configured
    assert read_signals({"DNT": "0", "User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}).device.bot
