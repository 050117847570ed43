"""The consent policy: (site, consent, signals) -> :class:`Decision`.

Pure and deterministic. Order of precedence, from strongest to weakest:

1. required categories are always on;
2. bots get nothing non-essential (and no banner);
3. an honored DNT signal refuses every non-required category;
4. the visitor's valid consent (category choices, then per-tracker overrides), whatever the
   regime it was given under;
5. without a valid consent the visitor's regime decides: ``opt_in`` allows nothing
   non-essential, ``opt_out`` and ``notice`` allow everything; the banner is required either way;
6. sale/share refused, by an honored GPC signal or by overriding every ``ad_network`` tracker
   off ("Do not sell or share"): every ``ad_network`` tracker and the ad keys of Google Consent
   Mode are denied.

On a TCF site an ``opt_in`` visitor's consent also has to cover the site's current vendors and
TCF policy version, or it is ``outdated`` and asked again. The IAB strings that say the same as
the decision are issued by :mod:`banner.core.iab.signals`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from banner.core.clock import utc_iso
from banner.core.config import GCM_KEYS, Config, Site, TrackerKind
from banner.core.iab.signals import NO_SIGNALS, IabSignals, issue
from banner.core.regimes import Regime
from banner.core.signals import Signals
from banner.core.tokens import ConsentClaim, TokenStatus, Verified

#: Google Consent Mode keys that GPC ("do not sell or share") turns off.
GCM_AD_KEYS = ("ad_storage", "ad_user_data", "ad_personalization")


@dataclass(frozen=True)
class SignalDecision:
    """Whether a privacy signal was present and whether the policy honored it."""

    present: bool
    honored: bool


@dataclass(frozen=True)
class Decision:
    site: str
    policy_version: str
    policy_url: str
    token_status: TokenStatus
    banner_required: bool
    claim: ConsentClaim | None
    expires_at: datetime | None
    categories: dict[str, bool]
    allowed: dict[str, list[str]]
    denied: dict[str, list[str]]
    google_consent_mode: dict[str, str]
    dnt: SignalDecision
    gpc: SignalDecision
    dnt_note: str
    signals: Signals
    regime: Regime = Regime.OPT_IN
    refuses_sale: bool = False  # "Do not sell or share": every ad network refused by name
    iab: IabSignals = NO_SIGNALS

    def allows(self, tracker_id: str) -> bool:
        return any(tracker_id in ids for ids in self.allowed.values())

    def to_json(self) -> dict[str, Any]:
        """The SPEC's decision document."""
        consent = None
        if self.token_status is TokenStatus.VALID and self.claim is not None:
            consent = {
                "id": self.claim.id,
                "given_at": _iso(self.claim.issued_at),
                "expires_at": _iso(self.expires_at),
                "choices": self.claim.choices,
                "trackers": self.claim.trackers,
            }
        return {
            "site": self.site,
            "regime": str(self.regime),
            "region": self.signals.region,
            "policy": {"version": self.policy_version, "url": self.policy_url},
            "token_status": str(self.token_status),
            "banner_required": self.banner_required,
            "consent": consent,
            "categories": self.categories,
            "allowed": self.allowed,
            "denied": self.denied,
            "google_consent_mode": self.google_consent_mode,
            "signals": {
                "dnt": {
                    "present": self.dnt.present,
                    "honored": self.dnt.honored,
                    "policy_version": self.policy_version,
                    "note": self.dnt_note,
                },
                "gpc": {"present": self.gpc.present, "honored": self.gpc.honored},
            },
            "visitor": {
                "bot": self.signals.device.bot,
                "device": self.signals.device.device,
                "region": self.signals.region,
            },
            "iab": self.iab.to_json(),
        }


def decide(config: Config, site: Site, verified: Verified, signals: Signals) -> Decision:
    """Decide which categories, trackers and Consent Mode keys this visitor allows."""
    policy = config.policy
    regime = config.jurisdictions.regime_for(signals.region)
    verified = _covering_tcf(config, site, verified, regime)
    valid = verified.status is TokenStatus.VALID and verified.claim is not None
    claim = verified.claim if valid else None
    dnt = SignalDecision(signals.dnt, signals.dnt and policy.honor_dnt)
    gpc = SignalDecision(signals.gpc, signals.gpc and policy.honor_gpc)
    bot = signals.device.bot
    refuses_sale = _refuses_sale(config, claim)
    no_sale = gpc.honored or refuses_sale

    categories = {}
    for category in config.categories:
        chosen = claim.choices.get(category.id, False) if claim else regime.allows_before_consent
        categories[category.id] = category.required or (chosen and not bot and not dnt.honored)

    allowed: dict[str, list[str]] = {kind.value: [] for kind in TrackerKind}
    denied: dict[str, list[str]] = {kind.value: [] for kind in TrackerKind}
    for tracker in config.trackers:
        required = tracker.category in config.required_ids
        on = categories[tracker.category]
        if not required and claim is not None and tracker.id in claim.trackers:
            on = claim.trackers[tracker.id] and not bot and not dnt.honored
        if not required and tracker.kind is TrackerKind.AD_NETWORK and no_sale:
            on = False
        (allowed if on else denied)[tracker.kind.value].append(tracker.id)

    decision = Decision(
        site=site.id,
        policy_version=policy.version,
        policy_url=policy.url,
        token_status=verified.status,
        banner_required=claim is None and not bot,
        claim=claim,
        expires_at=_expiry(claim, policy.consent_max_age_days),
        categories=categories,
        allowed=allowed,
        denied=denied,
        google_consent_mode=_consent_mode(config, categories, no_sale),
        dnt=dnt,
        gpc=gpc,
        dnt_note=policy.dnt_notice,
        signals=signals,
        regime=regime,
        refuses_sale=refuses_sale,
    )
    iab = issue(config, decision)
    return decision if iab is NO_SIGNALS else replace(decision, iab=iab)


def _covering_tcf(config: Config, site: Site, verified: Verified, regime: Regime) -> Verified:
    """Under ``opt_in`` on a TCF site, a consent given for other vendors or another TCF policy
    version (or before the site used TCF) is outdated: the banner asks again."""
    tcf_site = config.tcf.get(site.id)
    claim = verified.claim
    if tcf_site is None or regime is not Regime.OPT_IN or verified.status is not TokenStatus.VALID or claim is None:
        return verified
    return verified if claim.tcf is not None and claim.tcf.covers(tcf_site) else Verified(TokenStatus.OUTDATED, claim)


def _refuses_sale(config: Config, claim: ConsentClaim | None) -> bool:
    """ "Do not sell or share": the visitor turned every ad network off by name."""
    if claim is None:
        return False
    return bool(config.ad_network_ids) and all(claim.trackers.get(t) is False for t in config.ad_network_ids)


def _consent_mode(config: Config, categories: dict[str, bool], no_sale: bool) -> dict[str, str]:
    """A key is granted when any allowed category maps to it; refusing sale/share denies the ad keys."""
    granted = {key for category in config.categories if categories[category.id] for key in category.google_consent_mode}
    if no_sale:
        granted -= set(GCM_AD_KEYS)
    return {key: "granted" if key in granted else "denied" for key in GCM_KEYS}


def _expiry(claim: ConsentClaim | None, max_age_days: int) -> datetime | None:
    if claim is None or claim.issued_at is None:
        return None
    return claim.issued_at + timedelta(days=max_age_days)


def _iso(when: datetime | None) -> str | None:
    return utc_iso(when) if when else None


def signal_reason(signal: str, honored: bool) -> str:
    """What a DNT/GPC log entry says of the policy's decision, e.g. ``policy: DNT not honored``."""
    return f"policy: {signal.upper()} {'honored' if honored else 'not honored'}"
