"""Dashboard figures from the daily counters: pure arithmetic over ``{day: {field: n}}``.

Bots never enter a rate: their consents are kept under ``bot_consents`` by
:func:`banner.core.counters.consent_counts`, so every per-consent field here is human. Request
counters (``requests:dnt``, ``requests:gpc``) are per request; the signal shares are computed on
human requests (all requests minus ``requests:bot``).

Rates are fractions (0.25 = 25 %) or ``None`` when the denominator is zero: "no data" is not 0 %.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from banner.core import counters, optouts
from banner.core.devices import browser_label, os_label

ACTIONS: tuple[str, ...] = ("accept_all", "custom", "reject_all")
BREAKDOWNS: tuple[str, ...] = (counters.DEVICE, counters.BROWSER, counters.OS, counters.REGION)
SIGNALS: tuple[str, ...] = ("dnt", "gpc")
#: Names counted before they came from a fixed list are shown as their label now ("Other" if none).
LABELS: dict[str, Callable[[str], str]] = {counters.BROWSER: browser_label, counters.OS: os_label}
#: The plain counts of a period, in the order exports and the JSON list them.
COUNTS = ("views", "requests", "bot_requests", "consents", "given", "updated", "withdrawals", "bot_consents")


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Share:
    """How many of a base carried something, and the fraction."""

    count: int
    base: int

    @property
    def rate(self) -> float | None:
        return ratio(self.count, self.base)

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "base": self.base, "rate": _round(self.rate)}


@dataclass(frozen=True)
class OptIn:
    """Opt-in to one category: grants over consents given, and over banner views."""

    category: str
    grants: int
    consents: int
    views: int

    @property
    def of_consents(self) -> float | None:
        return ratio(self.grants, self.consents)

    @property
    def of_views(self) -> float | None:
        return ratio(self.grants, self.views)

    def to_json(self) -> dict[str, Any]:
        return {
            "grants": self.grants,
            "of_consents": _round(self.of_consents),
            "of_views": _round(self.of_views),
        }


@dataclass(frozen=True)
class SaleOptOuts:
    """Consents under the opt_out regime that opted out of sale and sharing, in all and by source."""

    consents: int
    opted_out: Share
    by_source: Mapping[str, Share]  # button, gpc, choices; one consent may have two

    @classmethod
    def of(cls, fields: Mapping[str, int]) -> SaleOptOuts:
        base = fields.get(optouts.CONSENTS, 0)
        by_source = {s: Share(fields.get(counters.field(optouts.SOURCE, s), 0), base) for s in optouts.SOURCES}
        return cls(base, Share(fields.get(optouts.OPTED_OUT, 0), base), by_source)

    def to_json(self) -> dict[str, Any]:
        return {
            "consents": self.consents,
            "opted_out": self.opted_out.to_json(),
            "by_source": {source: share.to_json() for source, share in self.by_source.items()},
        }


@dataclass(frozen=True)
class Period:
    """Figures of one day or of a whole range; the same arithmetic serves both."""

    views: int
    requests: int
    bot_requests: int
    consents: int
    given: int
    updated: int
    withdrawals: int
    bot_consents: int
    actions: Mapping[str, int]
    opt_in: tuple[OptIn, ...]
    signals: Mapping[str, Mapping[str, Share]]  # signal -> {"requests": Share, "consents": Share}
    sale_opt_outs: SaleOptOuts

    @property
    def human_requests(self) -> int:
        return max(self.requests - self.bot_requests, 0)

    def action_share(self, action: str) -> float | None:
        return ratio(self.actions.get(action, 0), self.consents)

    @property
    def withdrawal_share(self) -> float | None:
        return ratio(self.withdrawals, self.consents)

    def to_json(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in COUNTS},
            "actions": {a: {"count": n, "rate": _round(self.action_share(a))} for a, n in self.actions.items()},
            "opt_in": {o.category: o.to_json() for o in self.opt_in},
            "signals": {
                name: {base: share.to_json() for base, share in shares.items()} for name, shares in self.signals.items()
            },
            "sale_opt_outs": self.sale_opt_outs.to_json(),
        }


@dataclass(frozen=True)
class Summary:
    """A site's range: totals, one :class:`Period` per day, and the breakdowns of consents."""

    start: date
    end: date
    total: Period
    days: tuple[tuple[date, Period], ...]
    breakdowns: Mapping[str, tuple[tuple[str, int], ...]]  # biggest first

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "totals": self.total.to_json(),
            "breakdowns": {name: dict(rows) for name, rows in self.breakdowns.items()},
            "days": [{"date": day.isoformat(), **period.to_json()} for day, period in self.days],
        }


def summarize(daily: Mapping[date, Mapping[str, int]], categories: Sequence[str], start: date, end: date) -> Summary:
    """Summarise counters of the days ``start..end`` (missing days count as zero)."""
    days = tuple(sorted(daily.items()))
    combined: Counter[str] = Counter()
    for _, fields in days:
        combined.update(fields)
    return Summary(
        start=start,
        end=end,
        total=period(combined, categories),
        days=tuple((day, period(fields, categories)) for day, fields in days),
        breakdowns={name: breakdown(combined, name) for name in BREAKDOWNS},
    )


def period(fields: Mapping[str, int], categories: Sequence[str]) -> Period:
    """The figures of one set of counters (a day's hash, or a sum of them)."""
    get = fields.get
    views, consents = get(counters.VIEWS, 0), get(counters.CONSENTS, 0)
    requests, bot_requests = get(counters.REQUESTS, 0), get(counters.BOT_REQUESTS, 0)
    human_requests = max(requests - bot_requests, 0)
    return Period(
        views=views,
        requests=requests,
        bot_requests=bot_requests,
        consents=consents,
        given=get(counters.field(counters.EVENT, "given"), 0),
        updated=get(counters.field(counters.EVENT, "updated"), 0),
        withdrawals=get(counters.WITHDRAWALS, 0),
        bot_consents=get(counters.BOT_CONSENTS, 0),
        actions={action: get(counters.field(counters.ACTION, action), 0) for action in ACTIONS},
        opt_in=tuple(OptIn(c, get(counters.field(counters.GRANT, c), 0), consents, views) for c in categories),
        signals={
            name: {
                "requests": Share(min(get(counters.field(counters.REQUESTS, name), 0), human_requests), human_requests),
                "consents": Share(get(counters.field(counters.CONSENTS, name), 0), consents),
            }
            for name in SIGNALS
        },
        sale_opt_outs=SaleOptOuts.of(fields),
    )


def breakdown(fields: Mapping[str, int], name: str) -> tuple[tuple[str, int], ...]:
    """Values of ``name:<value>`` counters, biggest first (ties by name, for a stable order)."""
    prefix = counters.field(name, "")
    label = LABELS.get(name, str)
    rows: Counter[str] = Counter()
    for field, n in fields.items():
        if field.startswith(prefix) and n > 0:
            rows[label(field[len(prefix) :])] += n
    return tuple(sorted(rows.items(), key=lambda row: (-row[1], row[0])))


def top(rows: Iterable[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` biggest rows, the remainder folded into one "All others" row."""
    rows = list(rows)
    if len(rows) <= limit:
        return rows
    kept, folded = rows[: limit - 1], sum(n for _, n in rows[limit - 1 :])
    return [*kept, ("All others", folded)]


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None
