"""Names of the daily counters kept per site, and which ones a consent or request bumps.

The dashboard reads exactly these fields back, so both sides share this module. Fields are
``name`` or ``name:value``; storage grows with sites x days x distinct values, never visitors.
"""

from __future__ import annotations

from banner.core.consent import ConsentRecord
from banner.core.signals import Signals

VIEWS = "views"  # banner shown (sendBeacon 'shown' events)
REQUESTS = "requests"  # banner, consent and decision requests
CONSENTS = "consents"
WITHDRAWALS = "withdrawals"  # also bumped by the withdraw script (banner.store.scripts)
BOT_CONSENTS = "bot_consents"
#: Names of the ``name:value`` counters: one field per distinct value.
ACTION, EVENT, GRANT, DEVICE, BROWSER, OS, REGION = "action", "event", "grant", "device", "browser", "os", "region"
#: Prefix of the per-variant counters of a site that runs an A/B test (see :func:`variant_field`).
VARIANT = "variant"


def field(name: str, value: str) -> str:
    """A ``name:value`` counter field, e.g. ``grant:analytics`` or ``requests:dnt``."""
    return f"{name}:{value}"


REQUESTS_DNT, REQUESTS_GPC, BOT_REQUESTS = (field(REQUESTS, value) for value in ("dnt", "gpc", "bot"))


def request_counts(signals: Signals) -> dict[str, int]:
    """What one request adds to its site-day: volume and the privacy signals it carried."""
    counts = {REQUESTS: 1}
    if signals.dnt:
        counts[REQUESTS_DNT] = 1
    if signals.gpc:
        counts[REQUESTS_GPC] = 1
    if signals.device.bot:
        counts[BOT_REQUESTS] = 1
    return counts


def consent_counts(record: ConsentRecord, required: frozenset[str]) -> dict[str, int]:
    """What one recorded consent adds. Bots are counted apart so rates stay human."""
    if record.device == "bot":
        return {BOT_CONSENTS: 1}
    counts = {
        CONSENTS: 1,
        field(ACTION, record.action): 1,
        field(EVENT, record.event): 1,
        field(DEVICE, record.device): 1,
        field(BROWSER, record.browser): 1,
        field(OS, record.os): 1,
        field(REGION, record.region or "unknown"): 1,
    }
    for category, granted in record.choices.items():
        if granted and category not in required:
            counts[field(GRANT, category)] = 1
    for signal, seen in record.signals.items():
        if seen["present"]:
            counts[field(CONSENTS, signal)] = 1
    return counts


def variant_field(variant: str, name: str) -> str:
    """A counter of one A/B variant, e.g. ``variant:b:views`` or ``variant:b:grant:analytics``."""
    return f"{VARIANT}:{variant}:{name}"
