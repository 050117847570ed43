"""Exports (CSV of daily figures, JSON Lines of consent records), the read budget, and the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import check_password_hash

from banner.store import ConsentStore, keys
from banner.store.streams import entry_order, oldest_first
from tests.support.dashboard import record, save, sign_in, store_of, withdraw


@pytest.fixture()
def signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client)
    return client


def test_daily_csv_has_one_row_per_day_with_counts_and_rates(app: Flask, signed_in: FlaskClient) -> None:
    store = store_of(app)
    save(store, record("a", "accept_all", ("preferences", "analytics", "advertising", "beacons", "social")), "20250301")
    save(store, record("b", "custom", ("analytics",), dnt=True), "20250301")
    store.add_counts({("demo", "20250301", "views"): 4, ("demo", "20250301", "requests"): 9})
    response = signed_in.get("/dashboard/export/daily.csv?site=demo&from=2025-02-28&to=2025-03-01")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="consent-daily-demo-20250228-20250301.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["date"] for r in rows] == ["2025-02-28", "2025-03-01"]
    empty, day = rows
    assert (empty["consents"], empty["analytics_of_consents"]) == ("0", "")
    assert {
        k: day[k]
        for k in (
            "views",
            "requests",
            "consents",
            "given",
            "accept_all",
            "custom",
            "reject_all",
            "dnt_consents",
            "withdrawals",
        )
    } == {
        "views": "4",
        "requests": "9",
        "consents": "2",
        "given": "2",
        "accept_all": "1",
        "custom": "1",
        "reject_all": "0",
        "dnt_consents": "1",
        "withdrawals": "0",
    }
    for category, expected in (("analytics", ("2", "1.0000", "0.5000")), ("social", ("1", "0.5000", "0.2500"))):
        assert tuple(day[f"{category}_{k}"] for k in ("grants", "of_consents", "of_views")) == expected


def test_jsonl_exports_each_record_touched_in_the_range_once(app: Flask, signed_in: FlaskClient) -> None:
    store = store_of(app)
    for rec in (
        record("a", "accept_all", ("analytics",)),
        record("b", "reject_all", ()),
        record("c", "custom", ("social",), gpc=True),
    ):
        save(store, rec, "20250301")
    withdraw(store, "b", "2025-03-01T11:00:00Z", "20250301")
    today = datetime.now(UTC).date().isoformat()
    response = signed_in.get(f"/dashboard/export/consents.jsonl?site=demo&from={today}&to={today}")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    lines = response.get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert records[1]["withdrawn_at"] == "2025-03-01T11:00:00Z"
    assert records[2]["choices"]["social"] is True and records[2]["signals"]["gpc"]["present"] is True
    assert all("ip" not in r for r in records)


def test_jsonl_range_before_the_events_is_empty(app: Flask, signed_in: FlaskClient) -> None:
    save(store_of(app), record("a", "accept_all", ("analytics",)), "20250301")
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    response = signed_in.get(f"/dashboard/export/consents.jsonl?site=demo&from={_days_ago(30)}&to={yesterday}")
    assert response.status_code == 200
    assert response.get_data() == b""


def test_events_merge_every_bucket_oldest_first_reading_in_pages(app: Flask) -> None:
    store = store_of(app)
    ids = [f"r{i}" for i in range(12)]
    assert len({keys.bucket_of(i) for i in ids}) > 1
    for consent_id in ids:
        save(store, record(consent_id, "reject_all", ()), "20250301")
    now = datetime.now(UTC)
    events = list(store.events("demo", now - timedelta(hours=1), now + timedelta(hours=1)))
    assert sorted(fields["id"] for _, fields in events) == sorted(ids)
    order = [entry_order(entry_id) for entry_id, _ in events]
    assert order == sorted(order)
    paged = list(oldest_first(store.redis, keys.logs("demo"), page=2))
    assert [entry_id for entry_id, _ in paged] == [entry_id for entry_id, _ in events]
    assert [r.id if r else None for r in store.records("demo", ["r4", "missing", "r0"])] == ["r4", None, "r0"]


def test_a_30_day_page_reads_the_day_counters_once(
    app: Flask, signed_in: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_of(app)
    calls: list[tuple[str, Any]] = []
    real_days = ConsentStore.days

    def days(self: ConsentStore, site: str, keys: Any) -> dict[str, dict[str, int]]:
        keys = list(keys)
        calls.append(("days", len(keys)))
        return real_days(self, site, keys)

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a dashboard page must not read consent records")

    monkeypatch.setattr(ConsentStore, "days", days)
    for name in ("record", "records", "events"):
        monkeypatch.setattr(ConsentStore, name, forbidden)
    assert signed_in.get("/dashboard/").status_code == 200
    assert signed_in.get("/dashboard/signals").status_code == 200
    assert signed_in.get("/api/v1/stats").status_code == 200
    assert calls == [("days", 30)] * 3
    assert store is not None


def test_hash_password_reads_stdin_and_prints_a_werkzeug_hash(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["hash-password"], input="s3cret pass\n")
    assert result.exit_code == 0
    hashed = result.output.strip()
    assert hashed.startswith("scrypt:")
    assert check_password_hash(hashed, "s3cret pass") and not check_password_hash(hashed, "s3cret")


def test_hash_password_refuses_an_empty_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["hash-password"], input="\n")
    assert result.exit_code == 2
    assert "the password is empty" in result.output


def test_seed_demo_writes_through_the_store_and_the_dashboard_adds_up(app: Flask, signed_in: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--days", "3", "--volume", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    reported = {word: int(n) for n, word in _numbers(result.output)}
    totals = signed_in.get("/api/v1/stats?from=" + _days_ago(2)).get_json()["totals"]
    assert totals["consents"] == reported["consents"] > 0
    assert totals["withdrawals"] == reported["withdrawals"]
    assert totals["views"] == reported["banner"] > totals["consents"]
    assert totals["bot_consents"] == reported["bot"]
    assert sum(a["count"] for a in totals["actions"].values()) == totals["consents"]
    assert totals["given"] + totals["updated"] == totals["consents"]
    assert 0 < totals["signals"]["dnt"]["requests"]["count"] < totals["requests"]
    log = signed_in.get("/api/v1/dnt-log?limit=500").get_json()["entries"]
    assert len(log) == totals["signals"]["dnt"]["consents"]["count"]


def test_seed_demo_rejects_an_unknown_site(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--site", "nope"])
    assert result.exit_code == 2
    assert "unknown site" in result.output


def _numbers(output: str) -> list[tuple[str, str]]:
    words = output.replace(",", "").replace(".", "").split()
    return [(words[i], words[i + 1]) for i in range(len(words) - 1) if words[i].isdigit()]


def _days_ago(n: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=n)).isoformat()
