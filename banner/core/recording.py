"""Recording a consent: from a validated request to everything the store keeps and the visitor gets.

One pure operation shared by ``POST /api/v1/consent`` and the demo seeder, so both write exactly
the same thing: the signed token, the consent record (proof of consent), the decision it gives,
the daily counter deltas and the DNT/GPC log entries, all stamped with one issue time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from banner.core import counters, variants
from banner.core.clock import day_key, utc_iso
from banner.core.config import Config
from banner.core.consent import ConsentRecord, ConsentRequest, new_consent_id
from banner.core.iab.choices import TcfConsent
from banner.core.optouts import opt_out_counts
from banner.core.policy import Decision, decide, signal_reason
from banner.core.signals import Signals
from banner.core.tokens import ConsentClaim, TokenSigner, TokenStatus, Verified


@dataclass(frozen=True)
class ConsentWrite:
    """What one consent produces: ``token`` and ``decision`` for the visitor, the rest for the store."""

    token: str
    record: ConsentRecord
    decision: Decision
    counts: dict[str, int]
    signal_entries: dict[str, dict[str, str]]
    day: str  # the counter day the consent belongs to


def record_consent(
    config: Config,
    request: ConsentRequest,
    signals: Signals,
    replaces: str | None,
    shown: Mapping[variants.ShownKey, str],
    signer: TokenSigner,
    now: datetime,
) -> ConsentWrite:
    """Record ``request`` as given at ``now`` (whole seconds, as the token keeps time).

    ``replaces`` is the id of the visitor's previous consent, if any; ``shown`` maps each banner
    (site, language, regime, A/B variant) to its version hash, the proof of what the visitor saw.
    """
    issued_at = now.replace(microsecond=0)
    tcf_site = config.tcf.get(request.site.id)
    claim = ConsentClaim(
        id=new_consent_id(),
        site=request.site.id,
        policy_version=config.policy.version,
        choices=request.choices,
        trackers=request.trackers,
        issued_at=issued_at,
        tcf=TcfConsent.given(tcf_site, str(request.action), request.lang, request.tcf) if tcf_site else None,
    )
    decision = decide(config, request.site, Verified(TokenStatus.VALID, claim), signals)
    shown_version = shown[(request.site.id, request.lang, decision.regime, request.variant)]
    expires_at = issued_at + timedelta(days=config.policy.consent_max_age_days)
    record = _record(request, claim, (issued_at, expires_at), decision, shown_version, replaces)
    return ConsentWrite(
        token=signer.sign(claim),
        record=record,
        decision=decision,
        counts=counters.consent_counts(record, config.required_ids)
        | variants.consent_counts(request.site, record, config.required_ids)
        | opt_out_counts(decision),
        signal_entries=_signal_log_entries(record, decision),
        day=day_key(issued_at),
    )


def _record(
    request: ConsentRequest,
    claim: ConsentClaim,
    lifetime: tuple[datetime, datetime],
    decision: Decision,
    banner_version: str,
    replaces: str | None,
) -> ConsentRecord:
    device = decision.signals.device
    return ConsentRecord(
        id=claim.id,
        site=request.site.id,
        event="updated" if replaces else "given",
        action=str(request.action),
        given_at=utc_iso(lifetime[0]),
        expires_at=utc_iso(lifetime[1]),
        policy_version=claim.policy_version,
        banner_version=banner_version,
        lang=request.lang,
        choices=claim.choices,
        trackers=claim.trackers,
        signals={
            "dnt": {"present": decision.dnt.present, "honored": decision.dnt.honored},
            "gpc": {"present": decision.gpc.present, "honored": decision.gpc.honored},
        },
        device=device.device,
        browser=device.browser,
        os=device.os,
        region=decision.signals.region,
        replaces=replaces,
        variant=request.variant,
        iab=decision.iab.issued(),
    )


def _signal_log_entries(record: ConsentRecord, decision: Decision) -> dict[str, dict[str, str]]:
    """The DNT (and GPC) log entries this consent adds, with the policy's decision."""
    entries = {}
    for name, signal in (("dnt", decision.dnt), ("gpc", decision.gpc)):
        if signal.present:
            entries[name] = {
                "time": record.given_at,
                "site": record.site,
                "event": f"consent_{record.event}",
                "honored": "true" if signal.honored else "false",
                "policy_version": record.policy_version,
                "reason": signal_reason(name, signal.honored),
                "consent_id": record.id,
                "browser": record.browser,
                "device": record.device,
            }
    return entries
