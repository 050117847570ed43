"""The pure stats module: plain dicts in, figures out."""

from __future__ import annotations

from datetime import date

from banner.core import stats

CATEGORIES = ["analytics", "advertising"]
D1, D2 = date(2025, 3, 1), date(2025, 3, 2)


def test_rates_are_fractions_and_none_without_a_denominator() -> None:
    summary = stats.summarize(
        {
            D1: {"views": 10, "consents": 4, "grant:analytics": 3, "action:accept_all": 1, "action:custom": 3},
            D2: {"views": 0, "consents": 0, "bot_consents": 2},
        },
        CATEGORIES,
        D1,
        D2,
    )
    total = summary.total
    assert [(o.category, o.grants, o.of_consents, o.of_views) for o in total.opt_in] == [
        ("analytics", 3, 0.75, 0.3),
        ("advertising", 0, 0.0, 0.0),
    ]
    assert total.action_share("custom") == 0.75 and total.action_share("reject_all") == 0.0
    assert total.bot_consents == 2
    day2 = summary.days[1][1]
    assert day2.opt_in[0].of_consents is None and day2.action_share("accept_all") is None


def test_signal_share_is_of_human_requests() -> None:
    period = stats.period({"requests": 100, "requests:bot": 20, "requests:dnt": 8, "requests:gpc": 4}, [])
    assert period.human_requests == 80
    assert period.signals["dnt"]["requests"].rate == 0.1
    assert period.signals["gpc"]["requests"].to_json() == {"count": 4, "base": 80, "rate": 0.05}
    assert period.signals["dnt"]["consents"].rate is None


def test_breakdown_is_biggest_first_and_top_folds_the_rest() -> None:
    fields = {"browser:Chrome": 5, "browser:Firefox": 2, "browser:Edge": 2, "browser:Opera": 1, "device:mobile": 9}
    rows = stats.breakdown(fields, "browser")
    assert rows == (("Chrome", 5), ("Edge", 2), ("Firefox", 2), ("Opera", 1))
    assert stats.top(rows, 3) == [("Chrome", 5), ("Edge", 2), ("All others", 3)]
    assert stats.top(rows, 4) == list(rows)


def test_summary_json_is_what_the_api_returns() -> None:
    summary = stats.summarize({D1: {"consents": 3, "grant:advertising": 1, "region:FR": 3}}, CATEGORIES, D1, D1)
    body = summary.to_json()
    assert body["from"] == body["to"] == "2025-03-01"
    assert body["totals"]["opt_in"]["advertising"] == {"grants": 1, "of_consents": 0.3333, "of_views": None}
    assert body["breakdowns"]["region"] == {"FR": 3}
    assert body["days"][0]["date"] == "2025-03-01"
