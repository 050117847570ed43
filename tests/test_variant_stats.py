"""A/B figures: the confidence interval against published values, and verdicts a marketer can read."""

from __future__ import annotations

from datetime import date

import pytest

from banner.core.variant_stats import MIN_CONSENTS, Z95, compare, difference, figures, wilson


@pytest.mark.parametrize(
    ("x1", "n1", "x0", "n0", "low", "high"),
    [
        # Newcombe (1998), "Interval estimation for the difference between independent proportions",
        # Statistics in Medicine 17:873-890, table II, method 10
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
        # worked by hand from the two Wilson intervals (0.4869-0.9743 and 0.0822-0.6411)
        (6, 7, 2, 7, 0.0582, 0.8062),
    ],
)
def test_the_interval_matches_newcombes_table(x1: int, n1: int, x0: int, n0: int, low: float, high: float) -> None:
    interval = difference(x1, n1, x0, n0)
    assert interval.estimate == pytest.approx(x1 / n1 - x0 / n0)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_wilson_by_hand() -> None:
    # 81 of 263 (Newcombe 1998b's example): 0.2553 to 0.3662
    assert tuple(round(v, 4) for v in wilson(81, 263)) == (0.2553, 0.3662)
    assert wilson(0, 0) == (0.0, 1.0)
    assert round(Z95, 6) == 1.959964


def day(**variants: tuple[int, int, int, int]) -> dict[str, int]:
    """Counters of one day: per variant (views, consents, accept_all, analytics grants)."""
    fields = {}
    for v, (views, consents, accepts, grants) in variants.items():
        fields |= {
            f"variant:{v}:views": views,
            f"variant:{v}:consents": consents,
            f"variant:{v}:action:accept_all": accepts,
            f"variant:{v}:action:reject_all": consents - accepts,
            f"variant:{v}:grant:analytics": grants,
        }
    return fields


def test_figures_read_one_variant_only() -> None:
    fields = {**day(a=(10, 8, 4, 5), b=(20, 10, 9, 9)), "views": 30, "variant:bb:views": 7}
    b = figures(fields, "b", ["analytics"])
    assert (b.views, b.consents, b.actions["accept_all"], b.grants["analytics"]) == (20, 10, 9, 9)
    assert b.opt_in("analytics") == 0.9 and b.action_share("reject_all") == 0.1 and b.consent_rate == 0.5
    nothing = figures({}, "c", ["analytics"])
    assert nothing.opt_in("analytics") is None and nothing.consent_rate is None


def test_a_clear_rise_is_said_with_its_interval() -> None:
    daily = {date(2025, 3, 1): day(a=(2000, 1000, 500, 400)), date(2025, 3, 2): day(b=(2000, 1000, 600, 500))}
    report = compare(daily, ["a", "b"], {"analytics": "Analytics"})
    assert [t.variant for t in report.totals] == ["a", "b"]
    [comparison] = report.comparisons
    assert comparison.interval is not None and comparison.interval.clear
    assert comparison.verdict == "b raises analytics opt-in by 10.0 points, 95% CI 5.6 to 14.3."
    assert [d for d, _ in report.days] == [date(2025, 3, 1), date(2025, 3, 2)]
    assert report.days[0][1][1].consents == 0  # b had no traffic on the first day


def test_a_clear_fall_and_no_clear_difference() -> None:
    falls = compare(
        {date(2025, 3, 1): day(a=(0, 1000, 0, 500), b=(0, 1000, 0, 400))}, ["a", "b"], {"analytics": "Analytics"}
    )
    assert falls.comparisons[0].verdict == "b lowers analytics opt-in by 10.0 points, 95% CI 5.6 to 14.3."
    same = compare(
        {date(2025, 3, 1): day(a=(0, 200, 0, 100), b=(0, 200, 0, 104))}, ["a", "b"], {"analytics": "Analytics"}
    )
    assert same.comparisons[0].interval is not None and not same.comparisons[0].interval.clear
    assert same.comparisons[0].verdict == (
        "No clear difference in analytics opt-in between b and a: +2.0 points, 95% CI -7.7 to 11.7."
    )


def test_no_verdict_before_each_variant_has_enough_consents() -> None:
    few = MIN_CONSENTS - 1
    report = compare(
        {date(2025, 3, 1): day(a=(500, 400, 0, 400), b=(500, few, 0, 0))}, ["a", "b"], {"analytics": "Analytics"}
    )
    [comparison] = report.comparisons
    assert comparison.interval is None
    assert comparison.verdict == f"Not enough data yet: b has {few} consents, a 400; each needs {MIN_CONSENTS}."
