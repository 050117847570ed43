"""Reading and validating the dashboard's query parameters: site, date range, paging.

Every problem is an :class:`InvalidInput` naming the parameter, so the JSON API answers a clear
4xx and the pages show the message; nothing here can turn bad input into a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from banner.core.config import Config, Site
from banner.core.consent import site_of
from banner.core.errors import InvalidInput
from banner.core.stats import SIGNALS

DEFAULT_DAYS = 30
MAX_DAYS = 366
DEFAULT_LIMIT = 25
MAX_LIMIT = 500
STREAM_ID_RE = re.compile(r"\d{1,20}-\d{1,20}\Z")


@dataclass(frozen=True)
class DateRange:
    """A site and an inclusive range of UTC days."""

    site: Site
    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def args(self) -> dict[str, str]:
        """The query parameters that select this range again (for links and forms)."""
        return {"site": self.site.id, "from": self.start.isoformat(), "to": self.end.isoformat()}


def parse_site(config: Config, args: Mapping[str, str]) -> Site:
    """``site``, or the first configured site when the parameter is absent."""
    site_id = args.get("site", "")
    return site_of(config, site_id) if site_id else next(iter(config.sites.values()))


def parse_range(config: Config, args: Mapping[str, str], today: date) -> DateRange:
    """``from`` and ``to`` as YYYY-MM-DD, inclusive; by default the last 30 days up to today."""
    site = parse_site(config, args)
    end = _date(args, "to") or today
    start = _date(args, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput("'from' must not be after 'to'", "from")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"the range covers more than {MAX_DAYS} days; choose a shorter one", "from")
    return DateRange(site, start, end)


def parse_limit(args: Mapping[str, str], default: int = DEFAULT_LIMIT) -> int:
    raw = args.get("limit", "")
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput(f"'limit' must be a whole number from 1 to {MAX_LIMIT}", "limit")
    return int(raw)


def parse_before(args: Mapping[str, str]) -> str | None:
    """The paging cursor: the log entry id after which the next page starts."""
    raw = args.get("before", "")
    if not raw:
        return None
    if not STREAM_ID_RE.match(raw):
        raise InvalidInput("'before' must be a log entry id such as 1700000000000-0", "before")
    return raw


def parse_signal(args: Mapping[str, str]) -> str:
    raw = args.get("signal", "dnt")
    if raw not in SIGNALS:
        raise InvalidInput("'signal' must be dnt or gpc", "signal")
    return raw


def _date(args: Mapping[str, str], name: str) -> date | None:
    raw = args.get(name, "")
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"'{name}' must be a date as YYYY-MM-DD", name) from None
