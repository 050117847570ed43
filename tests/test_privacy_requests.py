"""Access and erasure requests, retention, and the operator commands that serve them."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from banner.store import keys
from tests.support import entries, post_consent


def give(client: Any, action: str, **headers: str) -> dict[str, Any]:
    r = post_consent(client, headers, action=action)
    assert r.status_code == 201
    return r.get_json()


def test_export_and_erase_one_visitors_history(app: Flask, redis: Any) -> None:
    visitor, other = app.test_client(), app.test_client()
    first = give(visitor, "accept_all", DNT="1")
    second = give(visitor, "reject_all", DNT="1")  # replaces the first (cookie jar)
    kept = give(other, "accept_all", DNT="1")
    runner = app.test_cli_runner()

    exported = runner.invoke(args=["export-consent", "--site", "demo", second["id"]])
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in exported.output.splitlines()]
    assert [r["id"] for r in lines] == [second["id"], first["id"]]
    assert lines[0]["replaces"] == first["id"] and lines[0]["action"] == "reject_all"

    erased = runner.invoke(args=["erase-consent", "--site", "demo", "--yes", second["id"]])
    assert erased.exit_code == 0 and "erased 2 record(s)" in erased.output
    assert redis.exists(keys.record("demo", first["id"]), keys.record("demo", second["id"])) == 0
    assert redis.exists(keys.record("demo", kept["id"])) == 1
    log_ids = [fields["id"] for _, fields in entries(redis, keys.logs("demo"))]
    assert log_ids == [kept["id"]]
    dnt_ids = [fields["consent_id"] for _, fields in entries(redis, keys.signal_logs("demo", "dnt"))]
    assert dnt_ids == [kept["id"]]

    missing = runner.invoke(args=["export-consent", "--site", "demo", second["id"]])
    assert missing.exit_code != 0 and "no consent record" in missing.output


def test_consent_ids_never_start_with_a_dash() -> None:
    """An id is pasted into shell commands; one in 64 random ids would otherwise read as an option."""
    from banner.core.consent import new_consent_id

    ids = [new_consent_id() for _ in range(2000)]
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(i) == 16 for i in ids) and len(set(ids)) == len(ids)


def test_an_id_starting_with_a_dash_goes_after_double_dash(app: Flask, redis: Any, monkeypatch: Any) -> None:
    """Records written before ids avoided a leading dash are still reachable from the command line."""
    from banner.core import recording

    monkeypatch.setattr(recording, "new_consent_id", lambda: "-olderIdWithDash")
    given = give(app.test_client(), "accept_all")
    assert given["id"] == "-olderIdWithDash"
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["export-consent", "--site", "demo", "--", given["id"]])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["id"] == given["id"]
    erased = runner.invoke(args=["erase-consent", "--site", "demo", "--yes", "--", given["id"]])
    assert erased.exit_code == 0 and "erased 1 record(s)" in erased.output


def test_erasure_asks_for_confirmation(app: Flask, redis: Any) -> None:
    consent = give(app.test_client(), "accept_all")
    result = app.test_cli_runner().invoke(args=["erase-consent", "--site", "demo", consent["id"]], input="n\n")
    assert result.exit_code != 0
    assert redis.exists(keys.record("demo", consent["id"])) == 1


def test_records_and_counters_expire_after_retention(app: Flask, redis: Any) -> None:
    consent = give(app.test_client(), "accept_all")
    app.extensions["consent"].flusher.flush()  # the consent's counters reach their day
    retention = 1825 * 86400
    assert retention - 5 <= redis.ttl(keys.record("demo", consent["id"])) <= retention
    day_key = next(iter(redis.keys("cs:{demo}:day:*")))
    assert retention <= redis.ttl(day_key) <= retention + 86400


def test_streams_keep_only_retention_days_of_entries(redis: Any) -> None:
    """Each write trims its bucket's streams to the retention window (exactly, not by node), and
    the hourly sweep trims every bucket, also those no write reached."""
    import time

    from banner.store import ConsentStore
    from tests.support.dashboard import record

    store = ConsentStore(redis, retention_seconds=1, token_max_age_seconds=1)
    first, second = (record(letter * 16, "accept_all", ("analytics",), dnt=True) for letter in "AB")
    entry = {"time": "t", "consent_id": "AAAAAAAAAAAAAAAA", "honored": "false"}
    store.save_consent(first, {"dnt": entry, "gpc": entry})
    time.sleep(1.2)
    store.save_consent(second, {"dnt": {**entry, "consent_id": "B"}})
    store.trim(["demo"])
    assert [f["id"] for _, f in entries(redis, keys.logs("demo"))] == ["BBBBBBBBBBBBBBBB"]
    assert [f["consent_id"] for _, f in entries(redis, keys.signal_logs("demo", "dnt"))] == ["B"]
    assert sum(redis.xlen(k) for k in keys.signal_logs("demo", "gpc")) == 0  # trimmed though no GPC entry came
