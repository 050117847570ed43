"""What the dashboard shows, gathered in one place for the pages, the JSON API and the exports.

A range of N days is read with one ``store.days`` call: N hashes in one round trip, however many
visitors there were. Nothing here scans consent records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup

from banner.core import stats
from banner.core.clock import day_key
from banner.core.config import Config
from banner.core.devices import browser_label
from banner.core.stats import Summary
from banner.web.context import services
from banner.web.dashboard import charts
from banner.web.dashboard.charts import Series
from banner.web.dashboard.params import DateRange

ACTION_NAMES = {"accept_all": "Accept all", "custom": "Custom", "reject_all": "Reject all"}
ACTION_COLOURS = {"accept_all": "#047857", "custom": "#1d4ed8", "reject_all": "#c2410c"}
BREAKDOWN_NAMES = {"device": "Device class", "browser": "Browser", "os": "Operating system", "region": "Region"}
BREAKDOWN_ROWS = 7
SIGNAL_NAMES = {"dnt": "Do Not Track", "gpc": "Global Privacy Control"}
SALE_SOURCES = {
    "button": '"Do not sell or share" button',
    "gpc": "Global Privacy Control",
    "choices": "Other choices (advertising refused)",
}


def category_labels(config: Config) -> dict[str, str]:
    """The categories a visitor can refuse, by id, with their English labels."""
    return {c.id: c.text.get("en", next(iter(c.text.values()))).label for c in config.categories if not c.required}


def load_days(selection: DateRange) -> dict[date, dict[str, int]]:
    """The counters of every day of the range, in one round trip (an empty day: no counters)."""
    days = selection.days
    keys = [day_key(day) for day in days]
    counts = services().store.days(selection.site.id, keys)
    return {day: counts.get(key, {}) for day, key in zip(days, keys, strict=True)}


def load_summary(selection: DateRange) -> Summary:
    labels = category_labels(services().config)
    return stats.summarize(load_days(selection), list(labels), selection.start, selection.end)


def signal_policy(config: Config) -> dict[str, dict[str, Any]]:
    """Whether the current policy honors each signal, in the policy's own words."""
    policy = config.policy
    texts = config.texts.get("en", {})
    gpc_note = texts.get("gpc_notice", "") if policy.honor_gpc else "Global Privacy Control is not honored."
    return {
        "dnt": {"honored": policy.honor_dnt, "policy_version": policy.version, "note": policy.dnt_notice},
        "gpc": {"honored": policy.honor_gpc, "policy_version": policy.version, "note": gpc_note},
    }


def overview_charts(summary: Summary, labels: dict[str, str]) -> dict[str, Markup]:
    days = [day for day, _ in summary.days]
    opt_in = charts.styled(
        [
            (labels[o.category], [p.opt_in[i].of_consents for _, p in summary.days])
            for i, o in enumerate(summary.total.opt_in)
        ]
    )
    choices = [
        Series(name, [p.actions[action] for _, p in summary.days], ACTION_COLOURS[action])
        for action, name in ACTION_NAMES.items()
    ]
    result = {
        "opt_in": charts.line_chart(
            "chart-opt-in",
            "Opt-in rate per category by day",
            "Share of consents that granted each category, per day, from 0 to 100 percent.",
            days,
            opt_in,
            maximum=1.0,
        ),
        "choices": charts.stacked_bars(
            "chart-choices",
            "Choices per day",
            "Consents per day split into accept all, custom and reject all.",
            days,
            choices,
        ),
    }
    for name, title in BREAKDOWN_NAMES.items():
        rows = [(_value_label(name, value), n) for value, n in stats.top(summary.breakdowns[name], BREAKDOWN_ROWS)]
        result[name] = charts.horizontal_bars(
            f"chart-{name}",
            f"Consents by {title.lower()}",
            f"Number and share of consents for each {title.lower()}.",
            rows,
            summary.total.consents,
        )
    return {name: Markup(svg) for name, svg in result.items()}


def signal_charts(summary: Summary) -> dict[str, Markup]:
    """Share of human requests, and of consents, that carried each signal, per day."""
    days = [day for day, _ in summary.days]
    result = {}
    for base, title, description in (
        (
            "requests",
            "Share of requests sending DNT and GPC by day",
            "Percentage of human banner, consent and decision requests that carried each signal, per day.",
        ),
        (
            "consents",
            "Share of consents given with DNT and GPC by day",
            "Percentage of consents recorded while the browser sent each signal, per day.",
        ),
    ):
        shares = charts.styled(
            [
                (f"{SIGNAL_NAMES[s]} ({s.upper()})", [p.signals[s][base].rate for _, p in summary.days])
                for s in stats.SIGNALS
            ]
        )
        result[base] = Markup(charts.line_chart(f"chart-signals-{base}", title, description, days, shares))
    return result


def _value_label(breakdown: str, value: str) -> str:
    if value == "unknown":
        return "Unknown"
    return value.capitalize() if breakdown == "device" else value


def load_signal_log(site: str, signal: str, limit: int, before: str | None) -> tuple[list[dict[str, str]], str | None]:
    """One page of the log, newest first, and the cursor of the next (older) page if any."""
    store = services().store
    rows = store.signal_log(site, signal, limit + 1, before)
    page = [{**entry, "browser": browser_label(entry.get("browser", ""))} for entry in rows[:limit]]
    return page, page[-1]["entry_id"] if len(rows) > limit else None
