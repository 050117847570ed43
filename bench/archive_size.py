"""Bytes per consent record: in Redis (``MEMORY USAGE``) against in the archive on disk.

Seeds a month of demo traffic through the real consent path into a throw-away redis-server,
reads every record back as the store keeps it, archives each day with ``banner.archive`` and
verifies the result. Run: ``.venv/bin/python bench/archive_size.py [--volume N] [--days N]``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import servers

from banner.archive import Sealer, verify, write_day
from banner.store import keys
from banner.web import create_app
from banner.web.context import services
from banner.web.dashboard.exports import consent_lines

SITE = "demo"


def services_of(app: Any) -> Any:
    with app.app_context():
        return services()


def seeded_records(app: Any, days: int, volume: int) -> dict[date, list[dict[str, Any]]]:
    """Seed ``days`` days of traffic; answers each stored record (as the audit export reads) by day given."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--days", str(days), "--volume", str(volume)])
    assert result.exit_code == 0, result.output
    end = datetime.now(UTC) + timedelta(minutes=1)
    by_day: dict[date, dict[str, dict[str, Any]]] = defaultdict(dict)
    for line in consent_lines(services_of(app).store, SITE, end - timedelta(days=days + 1), end):
        record = json.loads(line)
        by_day[date.fromisoformat(record["given_at"][:10])][record["id"]] = record
    return {day: list(records.values()) for day, records in sorted(by_day.items())}


def redis_bytes(app: Any, records: dict[date, list[dict[str, Any]]]) -> int:
    redis = services_of(app).store.redis
    pipe = redis.pipeline(transaction=False)
    for day_records in records.values():
        for record in day_records:
            pipe.memory_usage(keys.record(SITE, record["id"]), samples=0)
    return sum(int(n or 0) for n in pipe.execute())


def archive(root: Path, records: dict[date, list[dict[str, Any]]]) -> dict[str, int]:
    sealer = Sealer.from_secret("bench-archive-secret")
    for day, day_records in records.items():
        write_day(root, SITE, day, day_records, sealer)
    sizes = {"day files": 0, "indexes": 0, "manifest and root file": 0}
    for path in root.rglob("*"):
        if path.is_file():
            kinds = {".gz": "day files", ".idx": "indexes"}
            sizes[kinds.get(path.suffix, "manifest and root file")] += path.stat().st_size
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--volume", type=int, default=800, help="average consents per weekday")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, servers.redis_server(Path(tmp)) as redis_url:
        environ = {
            "SECRET_KEY": "bench-secret-key-0123456789",
            "REDIS_URL": redis_url,
            "BANNER_CONFIG": str(servers.ROOT / "config.toml"),
            "DATA_DIR": str(Path(tmp) / "var"),
        }
        app = create_app({"ENVIRON": environ, "SPOOL": False, "DEMO": True})
        records = seeded_records(app, args.days, args.volume)
        count = sum(len(day) for day in records.values())
        in_redis = redis_bytes(app, records)
        sizes = archive(Path(tmp) / "archive", records)
        started = time.perf_counter()
        report = verify(Path(tmp) / "archive")
        took = time.perf_counter() - started
    total = sum(sizes.values())
    print(f"{count} records over {len(records)} days ({count // max(1, len(records))} a day)")
    print(f"redis, record keys (MEMORY USAGE): {in_redis / count:7.1f} B/record")
    for kind, size in sizes.items():
        print(f"archive, {kind + ':':27} {size / count:7.1f} B/record")
    print(f"archive, all files:                  {total / count:7.1f} B/record ({in_redis / total:.1f}x smaller)")
    print(f"verify: {'OK' if report.ok else 'FAILED'} in {took:.2f} s")


if __name__ == "__main__":
    main()
