"""A/B test figures from the per-variant daily counters: pure arithmetic, no I/O.

Each variant's views, consents, choices and opt-in per category come from its ``variant:<id>:*``
counters (:func:`banner.core.counters.variant_field`). Opt-in is grants over consents, as on the
overview. A variant is compared with ``a`` by the difference of opt-in rates and its 95 %
confidence interval: Newcombe's hybrid score interval (method 10 of Newcombe 1998), built from
the two Wilson score intervals. Unlike the textbook Wald interval it stays inside -1..1 and
keeps its coverage when a rate is near 0 or 1. Below :data:`MIN_CONSENTS` consents in either
variant there is no verdict: "not enough data yet".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist

from banner.core import counters
from banner.core.config import BASE_VARIANT
from banner.core.stats import ACTIONS, ratio

Z95 = NormalDist().inv_cdf(0.975)
#: Consents each of the two variants needs before a difference is called.
MIN_CONSENTS = 100


@dataclass(frozen=True)
class VariantFigures:
    """One variant's figures over a day or a range."""

    variant: str
    views: int
    consents: int
    actions: Mapping[str, int]
    grants: Mapping[str, int]  # by category

    def action_share(self, action: str) -> float | None:
        return ratio(self.actions.get(action, 0), self.consents)

    def opt_in(self, category: str) -> float | None:
        """Grants of ``category`` over consents."""
        return ratio(self.grants.get(category, 0), self.consents)

    @property
    def consent_rate(self) -> float | None:
        """Consents over banner views."""
        return ratio(self.consents, self.views)


@dataclass(frozen=True)
class Interval:
    """A difference of two rates (``variant`` minus ``a``) and its confidence interval, as fractions."""

    estimate: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """Whether the interval leaves out zero: a difference the data show."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Comparison:
    """Opt-in to one category in one variant against ``a``; ``interval`` None: not enough data yet."""

    variant: str
    category: str
    interval: Interval | None
    verdict: str


@dataclass(frozen=True)
class VariantReport:
    """A site's test over a range: each variant's totals, the comparisons with ``a``, and each day."""

    totals: tuple[VariantFigures, ...]  # a first, then the configured order
    comparisons: tuple[Comparison, ...]
    days: tuple[tuple[date, tuple[VariantFigures, ...]], ...]


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of a proportion."""
    if trials == 0:
        return 0.0, 1.0
    denominator = trials + z * z
    centre = (successes + z * z / 2) / denominator
    half = z * math.sqrt(successes * (trials - successes) / trials + z * z / 4) / denominator
    return max(centre - half, 0.0), min(centre + half, 1.0)


def difference(x1: int, n1: int, x0: int, n0: int, z: float = Z95) -> Interval:
    """``x1/n1 - x0/n0`` with Newcombe's hybrid score interval; both ``n`` above 0."""
    p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson(x1, n1, z)
    l0, u0 = wilson(x0, n0, z)
    estimate = p1 - p0
    low = estimate - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = estimate + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return Interval(estimate, low, high)


def figures(fields: Mapping[str, int], variant: str, categories: Sequence[str]) -> VariantFigures:
    """One variant's figures from a day's counters (or a sum of days)."""

    def get(name: str) -> int:
        return fields.get(counters.variant_field(variant, name), 0)

    return VariantFigures(
        variant=variant,
        views=get(counters.VIEWS),
        consents=get(counters.CONSENTS),
        actions={a: get(counters.field(counters.ACTION, a)) for a in ACTIONS},
        grants={c: get(counters.field(counters.GRANT, c)) for c in categories},
    )


def compare(
    daily: Mapping[date, Mapping[str, int]], variants: Sequence[str], labels: Mapping[str, str]
) -> VariantReport:
    """The test over the days of ``daily``; ``variants`` start with ``a``, ``labels`` name the categories."""
    combined: Counter[str] = Counter()
    for fields in daily.values():
        combined.update(fields)
    totals = tuple(figures(combined, v, list(labels)) for v in variants)
    base = totals[0]
    return VariantReport(
        totals=totals,
        comparisons=tuple(_compare(base, other, c, labels[c]) for other in totals[1:] for c in labels),
        days=tuple(
            (day, tuple(figures(fields, v, list(labels)) for v in variants)) for day, fields in sorted(daily.items())
        ),
    )


def _compare(base: VariantFigures, other: VariantFigures, category: str, label: str) -> Comparison:
    what = f"{label.lower()} opt-in"
    if min(base.consents, other.consents) < MIN_CONSENTS:
        counts = f"{other.variant} has {other.consents} consents, {BASE_VARIANT} {base.consents}"
        verdict = f"Not enough data yet: {counts}; each needs {MIN_CONSENTS}."
        return Comparison(other.variant, category, None, verdict)
    interval = difference(other.grants[category], other.consents, base.grants[category], base.consents)
    return Comparison(other.variant, category, interval, _verdict(other.variant, what, interval))


def _verdict(variant: str, what: str, interval: Interval) -> str:
    points = f"{abs(interval.estimate) * 100:.1f} points"
    if not interval.clear:
        return (
            f"No clear difference in {what} between {variant} and {BASE_VARIANT}: "
            f"{interval.estimate * 100:+.1f} points, 95% CI {interval.low * 100:.1f} to {interval.high * 100:.1f}."
        )
    if interval.estimate > 0:
        return f"{variant} raises {what} by {points}, 95% CI {interval.low * 100:.1f} to {interval.high * 100:.1f}."
    return f"{variant} lowers {what} by {points}, 95% CI {-interval.high * 100:.1f} to {-interval.low * 100:.1f}."
