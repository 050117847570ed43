"""Synthetic traffic for the demo: weeks of visitors written through the real consent path.

Every consent goes through the same code as ``POST /api/v1/consent``: the request is validated
by ``parse_consent_request``, ``record_consent`` makes the token, the record, the counter deltas
and the DNT/GPC log entries, and ``ConsentStore.save_consent`` writes them. Their counters, the
withdrawals', banner views and request counts go through ``ConsentStore.add_counts``, as the
flusher does.

A site that declares A/B variants gets an even test of all of them (whatever their weights, so a
stopped test still has its history), in which every variant but ``a`` wins a few more Accept all:
a real difference for the Variants page to find.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from banner.core import counters, variants
from banner.core.clock import day_key, utc_iso
from banner.core.config import BASE_VARIANT, Site
from banner.core.consent import parse_consent_request
from banner.core.devices import classify_user_agent
from banner.core.recording import ConsentWrite, record_consent
from banner.core.signals import Signals
from banner.web.context import Services

# (user agent, weight): roughly the mix of a consumer video site.
USER_AGENTS: tuple[tuple[str, int], ...] = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        26,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1",
        20,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
        16,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Safari/605.1.15",
        9,
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", 7),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
        7,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        5,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1",
        5,
    ),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", 3),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        2,
    ),
)
BOT_AGENT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
REGIONS: tuple[tuple[str | None, int], ...] = (
    ("US", 28),
    ("FR", 15),
    ("DE", 11),
    ("GB", 10),
    ("CA", 6),
    ("ES", 5),
    ("IT", 5),
    ("NL", 4),
    ("BR", 4),
    ("BE", 3),
    ("JP", 2),
    (None, 7),
)
#: Probability that a visitor who customises grants each category.
CUSTOM_GRANTS = {"preferences": 0.78, "analytics": 0.56, "advertising": 0.18, "beacons": 0.14, "social": 0.37}
UPDATE_SHARE, WITHDRAW_SHARE, BOT_SHARE = 0.06, 0.025, 0.012
#: Extra weight of Accept all (out of about 100) in a variant other than a.
VARIANT_LIFT = 14


@dataclass
class SeedReport:
    consents: int = 0
    withdrawals: int = 0
    views: int = 0
    bots: int = 0


@dataclass(frozen=True)
class Visitor:
    user_agent: str
    dnt: bool
    gpc: bool
    region: str | None


class DemoSeeder:
    """Writes one site's synthetic days; ``rng`` makes a run repeatable."""

    def __init__(self, services: Services, rng: random.Random) -> None:
        self.services, self.config, self.store, self.rng = services, services.config, services.store, rng
        self.optional = [c.id for c in self.config.categories if not c.required]
        self.recent: list[str] = []
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.withdrawals: list[tuple[datetime, str]] = []  # (when, consent id), soonest first

    def seed(self, site: Site, days: Sequence[date], volume: int, now: datetime) -> SeedReport:
        report, self.counts = SeedReport(), Counter()
        for index, day in enumerate(days):
            times = self._times(day, self._volume(day, index, len(days), volume), now)
            shown: Counter[str] = Counter()
            for when in times:
                variant = self.rng.choice(site.variant_ids) if site.variants else BASE_VARIANT
                self._consent(site, when, index / max(len(days) - 1, 1), variant, report)
                shown[variant] += 1
            report.views += self._traffic(site, day, shown, self.counts)
        self._withdraw_due(site, datetime.max.replace(tzinfo=UTC))
        self.store.add_counts(dict(self.counts))
        return report

    def _volume(self, day: date, index: int, total: int, volume: int) -> int:
        weekend = 0.72 if day.weekday() >= 5 else 1.0
        growth = 0.9 + 0.2 * index / max(total - 1, 1)
        return max(1, round(volume * weekend * growth * self.rng.uniform(0.88, 1.12)))

    def _times(self, day: date, count: int, now: datetime) -> list[datetime]:
        start = datetime.combine(day, time.min, UTC)
        span = min(86400.0, (now - start).total_seconds())
        if span <= 0:
            return []
        count = max(1, round(count * span / 86400))
        return sorted(start + timedelta(seconds=self.rng.uniform(0, span)) for _ in range(count))

    def _consent(self, site: Site, when: datetime, progress: float, variant: str, report: SeedReport) -> None:
        bot = self.rng.random() < BOT_SHARE
        write = self._write(site, self._bot() if bot else self._visitor(), when, (progress, variant))
        self._withdraw_due(site, when)
        self.store.save_consent(write.record, write.signal_entries, stamp=when)
        self._count(site, write.day, write.counts)
        report.consents += not bot
        report.bots += bot
        self.recent = [*self.recent[-199:], write.record.id]
        if not bot and self.rng.random() < WITHDRAW_SHARE:
            at = min(when + timedelta(minutes=self.rng.uniform(1, 240)), datetime.combine(when.date(), time.max, UTC))
            heapq.heappush(self.withdrawals, (at, write.record.id))
            report.withdrawals += 1

    def _withdraw_due(self, site: Site, until: datetime) -> None:
        """Withdrawals up to ``until``, so every stream is written in time order."""
        while self.withdrawals and self.withdrawals[0][0] <= until:
            at, consent_id = heapq.heappop(self.withdrawals)
            self.store.withdraw(site.id, consent_id, utc_iso(at), stamp=at)
            self._count(site, day_key(at), {counters.WITHDRAWALS: 1})

    def _count(self, site: Site, day: str, counts: dict[str, int]) -> None:
        for field, n in counts.items():
            self.counts[(site.id, day, field)] += n

    def _write(self, site: Site, visitor: Visitor, when: datetime, shown: tuple[float, str]) -> ConsentWrite:
        """``shown``: how far into the period (0 to 1), and the variant the visitor saw."""
        lang = self.rng.choices(site.languages, weights=[3] + [1] * (len(site.languages) - 1))[0]
        body = {"site": site.id, "lang": lang, "variant": shown[1], **self._choice(visitor, *shown)}
        request = parse_consent_request(self.config, body)
        signals = Signals(visitor.dnt, visitor.gpc, classify_user_agent(visitor.user_agent), visitor.region)
        replaces = self.rng.choice(self.recent) if self.recent and self.rng.random() < UPDATE_SHARE else None
        svc = self.services
        return record_consent(self.config, request, signals, replaces, svc.banner_versions, svc.signer, when)

    def _choice(self, visitor: Visitor, progress: float, variant: str) -> dict[str, Any]:
        """Accept-all grows slowly over the period (a banner redesign) and in variants; DNT users refuse more."""
        refuse = 2.0 if visitor.dnt or visitor.gpc else 1.0
        weights = [46 + 10 * progress + (VARIANT_LIFT if variant != BASE_VARIANT else 0), 21, 28 * refuse]
        action = self.rng.choices(("accept_all", "custom", "reject_all"), weights=weights)[0]
        if action != "custom":
            return {"action": action}
        choices = {c: self.rng.random() < CUSTOM_GRANTS.get(c, 0.4) for c in self.optional}
        return {"action": action, "choices": choices}

    def _visitor(self) -> Visitor:
        user_agent = self.rng.choices([ua for ua, _ in USER_AGENTS], weights=[w for _, w in USER_AGENTS])[0]
        firefox = "Firefox" in user_agent
        region = self.rng.choices([r for r, _ in REGIONS], weights=[w for _, w in REGIONS])[0]
        dnt = self.rng.random() < (0.32 if firefox else 0.09)
        gpc = self.rng.random() < (0.24 if firefox else 0.04)
        return Visitor(user_agent, dnt, gpc, region)

    def _bot(self) -> Visitor:
        return Visitor(BOT_AGENT, False, False, "US")

    def _traffic(self, site: Site, day: date, consents: Counter[str], counts: Counter[tuple[str, str, str]]) -> int:
        """Views and request counts of a day, in proportion to its consents (each variant's, if it runs a test)."""
        key = day_key(day)
        views = 0
        for variant, n in consents.items():
            seen = round(n / self.rng.uniform(0.62, 0.72))
            views += seen
            for field, count in variants.view_counts(site, variant).items():
                counts[(site.id, key, field)] += count * seen
        requests = round(views * self.rng.uniform(2.2, 2.6))
        bots = round(requests * self.rng.uniform(0.03, 0.05))
        human = requests - bots
        for name, n in (
            (counters.VIEWS, views),
            (counters.REQUESTS, requests),
            (counters.BOT_REQUESTS, bots),
            (counters.REQUESTS_DNT, round(human * self.rng.uniform(0.10, 0.13))),
            (counters.REQUESTS_GPC, round(human * self.rng.uniform(0.055, 0.075))),
        ):
            counts[(site.id, key, name)] += n
        return views
