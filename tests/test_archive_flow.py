"""Proof that outlives RAM: old days move from Redis to the sealed archive, and stay findable.

A month and a half of seeded consents with a 30-day hot window: ``flask --app app archive`` moves
the older days to disk, Redis keeps only the hot window (and its memory shrinks accordingly),
``verify-archive`` proves the archive and fails after any changed byte, and receipts, access and
erasure requests and audit exports find archived records as before.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from banner.core.clock import today
from banner.store import keys
from tests.support import edited_app, services_of
from tests.support.dashboard import sign_in

HOT = 30


@pytest.fixture()
def seeded(environ: dict[str, str], config_copy: Path, tmp_path: Path) -> Flask:
    app = edited_app(
        environ,
        config_copy,
        ("consent_max_age_days = 390", f"consent_max_age_days = {HOT}"),
        ("hot_days = 0", f"hot_days = {HOT}"),
        ('archive_dir = ""', f'archive_dir = "{tmp_path / "archive"}"'),
    )
    result = app.test_cli_runner().invoke(args=["seed-demo", "--days", "45", "--volume", "12", "--seed", "7"])
    assert result.exit_code == 0, result.output
    return app


def record_days(app: Flask) -> dict[str, int]:
    """How many records Redis holds per day they were given on."""
    store = services_of(app).store
    days: dict[str, int] = {}
    for key in store.redis.scan_iter(keys.record_pattern("demo"), count=1000):
        record = store.record("demo", key.rsplit(":", 1)[1])
        days[record.given_at[:10]] = days.get(record.given_at[:10], 0) + 1
    return days


def used_memory(app: Flask) -> int:
    """Bytes the site's records take: what grows with every consent (the streams' entries are
    counted apart; a stream this small is mostly its fixed overhead)."""
    redis = services_of(app).store.redis
    return sum(redis.memory_usage(key, samples=0) or 0 for key in redis.scan_iter(keys.record_pattern("demo")))


def stream_entries(app: Flask) -> int:
    redis = services_of(app).store.redis
    streams = [*keys.logs("demo"), *keys.signal_logs("demo", "dnt"), *keys.signal_logs("demo", "gpc")]
    return sum(redis.xlen(stream) for stream in streams)


def archive(app: Flask) -> Any:
    result = app.test_cli_runner().invoke(args=["archive"])
    assert result.exit_code == 0, result.output
    return result


def test_old_days_leave_redis_for_a_verified_archive(seeded: Flask, tmp_path: Path) -> None:
    before, memory_before, entries_before = record_days(seeded), used_memory(seeded), stream_entries(seeded)
    cutoff = (today() - timedelta(days=HOT)).isoformat()
    old = sum(n for day, n in before.items() if day < cutoff)
    assert old > 100 and len(before) == 45

    result = archive(seeded)
    assert "14 day(s) archived" in result.output  # today - 44 .. today - 31

    after = record_days(seeded)
    assert all(day >= cutoff for day in after) and after == {d: n for d, n in before.items() if d >= cutoff}
    share = old / sum(before.values())
    shrink = (memory_before - used_memory(seeded)) / memory_before
    assert share * 0.8 < shrink < share * 1.2, (shrink, share)  # the records left with their days
    assert stream_entries(seeded) < entries_before * (1 - share * 0.8)  # and so did their stream entries

    verified = seeded.test_cli_runner().invoke(args=["verify-archive", str(tmp_path / "archive")])
    assert verified.exit_code == 0, verified.output
    assert "nothing new" in archive(seeded).output  # a second run on the same day moves nothing


def test_verify_fails_after_any_single_byte_changes(seeded: Flask, tmp_path: Path, runner: FlaskCliRunner) -> None:
    archive(seeded)
    root = tmp_path / "archive"
    for path in sorted(p for p in root.rglob("*") if p.is_file())[:6]:
        original = path.read_bytes()
        for position in (0, len(original) // 2, len(original) - 1):
            changed = bytearray(original)
            changed[position] ^= 0x01
            path.write_bytes(bytes(changed))
            result = seeded.test_cli_runner().invoke(args=["verify-archive", str(root)])
            assert result.exit_code == 1, (path.name, position)
            path.write_bytes(original)
    assert seeded.test_cli_runner().invoke(args=["verify-archive", str(root)]).exit_code == 0


def test_archived_records_are_still_found_exported_and_erased(seeded: Flask, tmp_path: Path) -> None:
    archive(seeded)
    proofs = services_of(seeded).proofs
    first_day = today() - timedelta(days=44)
    archived = list(proofs.export("demo", first_day, first_day + timedelta(days=2)))
    assert archived and all(r.given_at[:10] <= (first_day + timedelta(days=2)).isoformat() for r in archived)
    target = archived[0]
    assert services_of(seeded).store.record("demo", target.id) is None  # gone from Redis
    assert proofs.record("demo", target.id) == target

    runner = seeded.test_cli_runner()
    exported = runner.invoke(args=["export-consent", "--site", "demo", "--", target.id])
    assert exported.exit_code == 0 and json.loads(exported.output.splitlines()[0])["id"] == target.id

    client = seeded.test_client()
    assert sign_in(client).status_code == 302
    span = f"from={first_day.isoformat()}&to={(first_day + timedelta(days=2)).isoformat()}"
    lines = client.get(f"/dashboard/export/consents.jsonl?site=demo&{span}").get_data(as_text=True).splitlines()
    assert {json.loads(line)["id"] for line in lines} == {r.id for r in archived}

    erased = runner.invoke(args=["erase-consent", "--site", "demo", "--yes", "--", target.id])
    assert erased.exit_code == 0, erased.output
    assert proofs.record("demo", target.id) is None
    assert target.id not in {r.id for r in proofs.export("demo", first_day, first_day + timedelta(days=2))}
    assert runner.invoke(args=["verify-archive", str(tmp_path / "archive")]).exit_code == 0  # a tombstone, not a hole


def test_a_run_interrupted_after_writing_a_day_is_mended_by_the_next(
    seeded: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = services_of(seeded).store
    real = store.forget_before

    def crash(site: str, end: Any) -> int:
        raise RuntimeError("killed between archiving a day and letting it go")

    monkeypatch.setattr(store, "forget_before", crash)
    assert seeded.test_cli_runner().invoke(args=["archive"]).exit_code != 0
    monkeypatch.setattr(store, "forget_before", real)
    archive(seeded)
    cutoff = (today() - timedelta(days=HOT)).isoformat()
    assert all(day >= cutoff for day in record_days(seeded))
    assert date.fromisoformat(min(record_days(seeded))) >= today() - timedelta(days=HOT)
