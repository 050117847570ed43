"""Opting out of the sale and sharing of personal data, counted per site and day for the dashboard.

Under the ``opt_out`` regime (the United States by default) a consent opts out when no ad network
may load, which is also what its usnat and US Privacy strings say
(:func:`banner.core.iab.signals.sale_opted_out`). Each opt-out is counted by where it came from:
the "Do not sell or share" button (every ad network refused by name), Global Privacy Control
(when honored), or the visitor's other choices (a refused advertising category). One consent can
have two sources (the button pressed while GPC is on); the total counts it once. The fields are
a fixed set, so storage grows with sites x days, never with visitors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from banner.core.counters import field
from banner.core.iab.signals import sale_opted_out
from banner.core.regimes import Regime

if TYPE_CHECKING:
    from banner.core.policy import Decision

CONSENTS = "opt_out_consents"  # human consents recorded under the opt_out regime
OPTED_OUT = "sale_opt_outs"  # of those, the ones that opted out of sale and sharing
SOURCE = "sale_opt_out"
SOURCES = ("button", "gpc", "choices")


def opt_out_counts(decision: Decision) -> dict[str, int]:
    """What one recorded consent adds: nothing outside the opt_out regime, nothing for bots."""
    if decision.regime is not Regime.OPT_OUT or decision.signals.device.bot:
        return {}
    if not sale_opted_out(decision):
        return {CONSENTS: 1}
    sources = {"button": decision.refuses_sale, "gpc": decision.gpc.honored}
    sources["choices"] = not any(sources.values())
    return {CONSENTS: 1, OPTED_OUT: 1, **{field(SOURCE, name): 1 for name, on in sources.items() if on}}
