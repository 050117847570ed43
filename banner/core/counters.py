"""Names of the daily counters kept per site, and which ones a consent or request bumps.

The dashboard reads exactly these fields back, so both sides share this module. Fields are
``name`` or ``name:value``; storage grows with sites x days x distinct values, never visitors.
"""

from __future__ import annotations

from banner.core.consent import ConsentRecord
from banner.core.signals import Signals

VIEWS = "views"  # banner shown (sendBeacon 'shown' events)
REQUESTS = "requests"  # banner, consent and decision requests
REQUESTS_DNT = "requests:dnt"
REQUESTS_GPC = "requests:gpc"
BOT_REQUESTS = "requests:bot"
CONSENTS = "consents"
WITHDRAWALS = "withdrawals"
BOT_CONSENTS = "bot_consents"


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
        f"action:{record.action}": 1,
        f"event:{record.event}": 1,
        f"device:{record.device}": 1,
        f"browser:{record.browser}": 1,
        f"os:{record.os}": 1,
        f"region:{record.region or 'unknown'}": 1,
    }
    for category, granted in record.choices.items():
        if granted and category not in required:
            counts[f"grant:{category}"] = 1
    for signal, seen in record.signals.items():
        if seen["present"]:
            counts[f"consents:{signal}"] = 1
    return counts
