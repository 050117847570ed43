"""Consent records for the archive tests, and ways to look into an archive from outside."""

from __future__ import annotations

import base64
import gzip
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from banner.archive import Sealer, write_day
from banner.core.consent import ConsentRecord

SECRET = "archive-test-secret-0123456789"
SITE = "demo"
INSTANT = "%Y-%m-%dT%H:%M:%SZ"
START = date(2020, 3, 1)
CATEGORIES = ("preferences", "analytics", "advertising", "beacons", "social")
BROWSERS = (
    ("desktop", "Chrome", "Windows"),
    ("mobile", "Mobile Safari", "iOS"),
    ("mobile", "Chrome Mobile", "Android"),
)


def sealer(secret: str = SECRET) -> Sealer:
    return Sealer.from_secret(secret)


def consent_records(day: date, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` consents given on ``day``, in time order, in the form ``ConsentRecord.to_json`` gives."""
    start = datetime.combine(day, time(), UTC)
    seconds = sorted(rng.randrange(86400) for _ in range(count))
    return [_record(start + timedelta(seconds=s), rng) for s in seconds]


def _record(given: datetime, rng: random.Random) -> dict[str, Any]:
    action = rng.choice(("accept_all", "reject_all", "custom"))
    device, browser, os_name = rng.choice(BROWSERS)
    dnt, gpc = rng.random() < 0.2, rng.random() < 0.05
    return ConsentRecord(
        id=base64.urlsafe_b64encode(rng.randbytes(12)).decode(),
        site=SITE,
        event="given",
        action=action,
        given_at=given.strftime(INSTANT),
        expires_at=(given + timedelta(days=390)).strftime(INSTANT),
        policy_version="2015-02-01",
        banner_version="3f2a9c0d1e4b5a69",
        lang=rng.choice(("en", "fr")),
        choices={"necessary": True, **{c: action == "accept_all" or rng.random() < 0.3 for c in CATEGORIES}},
        trackers={"xandr": False} if action == "custom" and rng.random() < 0.2 else {},
        signals={"dnt": {"present": dnt, "honored": False}, "gpc": {"present": gpc, "honored": gpc}},
        device=device,
        browser=browser,
        os=os_name,
        region=rng.choice(("FR", "DE", "US", None)),
    ).to_json()


def archive_days(root: Path, days: int, per_day: int, seed: int = 2015) -> dict[date, list[dict[str, Any]]]:
    """Archive ``days`` days of ``per_day`` consents from :data:`START`; answers what was archived."""
    rng, written = random.Random(seed), {}
    for n in range(days):
        day = START + timedelta(days=n)
        written[day] = consent_records(day, per_day, rng)
        write_day(root, SITE, day, written[day], sealer())
    return written


def archive_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def everything_stored(root: Path) -> bytes:
    """Every byte the archive holds, day files decompressed: to prove an erased record is gone."""
    files = archive_files(root)
    return b"".join(gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes() for p in files)


def problems_of(report: Any) -> Iterator[str]:
    for problem in report.all_problems:
        yield f"{problem.file}: {problem.what}"
