"""Jurisdictions: which consent regime applies to a visitor, from their country.

- ``opt_in`` (EU/EEA, UK, Switzerland by default): nothing non-essential before consent.
- ``opt_out`` (United States by default): non-essential trackers run until the visitor refuses;
  "Do not sell or share" (and GPC) refuses the sale/share trackers (``ad_network``).
- ``notice`` (everyone else by default): trackers run; the banner informs and offers choices.

An unknown country gets the configured ``unknown`` regime, the strictest (``opt_in``) by default.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class Regime(enum.StrEnum):
    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"
    NOTICE = "notice"

    @property
    def allows_before_consent(self) -> bool:
        """Whether non-essential trackers run before the visitor has chosen."""
        return self is not Regime.OPT_IN


#: EU and EEA members, the United Kingdom and Switzerland (ISO 3166-1 alpha-2).
EU = tuple("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())  # noqa: SIM905
OPT_IN_COUNTRIES = (*EU, "IS", "LI", "NO", "GB", "CH")  # EU, the rest of the EEA, UK, Switzerland
OPT_OUT_COUNTRIES = ("US",)


@dataclass(frozen=True)
class Jurisdictions:
    """Country -> regime, with the regimes for unknown and unlisted countries."""

    countries: Mapping[str, Regime] = field(default_factory=dict)
    unknown: Regime = Regime.OPT_IN
    other: Regime = Regime.NOTICE

    def regime_for(self, region: str | None) -> Regime:
        if region is None:
            return self.unknown
        return self.countries.get(region, self.other)


def default_countries() -> dict[str, Regime]:
    countries = dict.fromkeys(OPT_IN_COUNTRIES, Regime.OPT_IN)
    countries.update(dict.fromkeys(OPT_OUT_COUNTRIES, Regime.OPT_OUT))
    return countries
