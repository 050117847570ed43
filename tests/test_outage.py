"""No acknowledged consent is lost: Redis outages spool to disk, SIGKILL loses nothing; no 500s meanwhile."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis as redis_py
from flask import Flask

from banner.store import keys
from banner.store.spool import Spool
from bench.servers import RedisProcess
from tests.support import entries, make_app, post_consent, utc_today
from tests.support.dashboard import sign_in


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[RedisProcess]:
    directory = tmp_path / "r"
    directory.mkdir()
    process = RedisProcess(directory)
    process.start()
    yield process
    process.stop()


def app_on(server: RedisProcess, environ: dict[str, str], **extra: Any) -> Flask:
    return make_app({**environ, "REDIS_URL": server.url}, RATELIMIT_ENABLED=False, **extra)


def stored_ids(server: RedisProcess) -> set[str]:
    client = redis_py.Redis(unix_socket_path=str(server.socket), decode_responses=True)
    return {k.rsplit(":", 1)[1] for k in client.scan_iter(keys.record_pattern("demo"))}


def post(client: Any) -> Any:
    return post_consent(client, choices={"analytics": True})


def test_an_outage_is_spooled_acknowledged_and_replayed_once(server: RedisProcess, environ: dict[str, str]) -> None:
    app = app_on(server, environ)
    client = app.test_client()
    before = post(client).get_json()
    server.kill()

    during = [post(client) for _ in range(5)]
    assert [r.status_code for r in during] == [201] * 5
    token = during[-1].get_json()["token"]
    decision = client.get("/api/v1/decision?site=demo", headers={"X-Consent-Token": token})
    assert decision.status_code == 200 and decision.get_json()["token_status"] == "valid"
    withdrawn = client.delete("/api/v1/consent?site=demo", headers={"X-Consent-Token": token})
    assert withdrawn.get_json()["withdrawn"] == during[-1].get_json()["id"]
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "degraded" and health.get_json()["spool_depth"] == 6

    spool_dir = Path(environ["DATA_DIR"]) / "spool"
    copy = [p.read_bytes() for p in spool_dir.glob("*.jsonl")]
    server.start()
    app.extensions["consent"].flusher.flush()
    assert client.get("/healthz").get_json() == {
        "status": "ok",
        "redis": True,
        "spool_depth": 0,
        "spool_quarantined": 0,
        "pending_counts": 0,
        "revoked_ids": 6,  # five replaced by the next choice, the last one withdrawn
    }
    ids = {before["id"], *(r.get_json()["id"] for r in during)}
    assert stored_ids(server) == ids
    store = app.extensions["consent"].store
    assert store.record("demo", during[-1].get_json()["id"]).withdrawn_at is not None

    (spool_dir / "1.jsonl").write_bytes(b"".join(copy))  # left over by a crash: replayed again
    Spool(str(spool_dir))  # a restarting process finds it
    app.extensions["consent"].flusher.flush()
    assert stored_ids(server) == ids
    events = entries(store.redis, keys.logs("demo"))
    types = [e["type"] for _, e in events]
    assert (types.count("given"), types.count("updated"), types.count("withdrawn")) == (1, 5, 1)
    [counts] = store.days("demo", [utc_today()]).values()
    assert counts["consents"] == 6 and counts["withdrawals"] == 1


def test_without_the_spool_an_outage_loses_consents(server: RedisProcess, environ: dict[str, str]) -> None:
    client = app_on(server, environ, SPOOL=False).test_client()
    server.kill()
    r = post(client)
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "store_unavailable"


@pytest.mark.parametrize("spool", [True, False])
def test_sigkill_mid_write_loses_no_acknowledged_consent(
    server: RedisProcess, environ: dict[str, str], spool: bool
) -> None:
    app = app_on(server, environ, SPOOL=spool)
    acknowledged: list[str] = []
    refused = 0
    stop = threading.Event()

    def writer() -> None:
        nonlocal refused
        client = app.test_client()
        while not stop.is_set():
            r = post(client)
            if r.status_code == 201:
                acknowledged.append(r.get_json()["id"])
            else:
                refused += 1

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    _wait_for(lambda: len(acknowledged) >= 30)
    server.kill()
    _wait_for(lambda: len(acknowledged) >= 60 or refused >= 30)
    server.start()
    _wait_for(lambda: len(acknowledged) >= 90)
    stop.set()
    for t in threads:
        t.join()
    app.extensions["consent"].flusher.flush()

    assert set(acknowledged) <= stored_ids(server), "an acknowledged consent was lost"
    if spool:
        assert refused == 0
    else:
        assert refused > 0  # without the spool the outage turns visitors away


def _wait_for(condition: Any, timeout: float = 30) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_bad_spool_entry_is_quarantined_and_later_consents_still_land(
    server: RedisProcess, environ: dict[str, str]
) -> None:
    """Valid JSON of the wrong shape, and junk, once stopped the replay and the flusher for good."""
    app = app_on(server, environ)
    client = app.test_client()
    server.kill()
    during = post(client).get_json()["id"]
    spool_dir = Path(environ["DATA_DIR"]) / "spool"
    [active] = spool_dir.glob("*.jsonl")
    with active.open("ab") as f:  # what a corrupted disk, or a bug in an older version, could leave
        f.write(b'{"op":"consent","record":{"id":"x"}}\n{"op":"withdraw","site":"demo"}\n[1,2]\nnot json\n')
    server.start()
    flusher = app.extensions["consent"].flusher
    flusher.flush()
    after = post(client).get_json()["id"]
    flusher.flush()

    assert {during, after} <= stored_ids(server)
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["spool_depth"] == 0 and health["spool_quarantined"] == 4
    assert "consent_spool_quarantined 4" in client.get("/metrics").get_data(as_text=True)
    kept = [json.loads(line) for line in (spool_dir / "quarantine.jsonl").read_text().splitlines()]
    assert next(k["entry"] for k in kept) == '{"op":"consent","record":{"id":"x"}}'
    assert all(k["reason"] for k in kept)
    receipt = client.get(f"/api/v1/consent/{during}?site=demo")
    assert receipt.status_code == 404  # no token: the record exists but is not shown to anyone
    assert app.extensions["consent"].store.record("demo", during) is not None


def test_a_torn_line_and_a_reused_process_id_lose_no_acknowledged_consent(
    server: RedisProcess, environ: dict[str, str]
) -> None:
    """A crash mid-append leaves a torn line; a container restarts with the same process id."""
    spool_dir = Path(environ["DATA_DIR"]) / "spool"
    spool_dir.mkdir(parents=True)
    torn = spool_dir / f"{os.getpid()}.jsonl"  # named as a process with our id once named its file
    torn.write_bytes(b'{"op":"consent","rec')
    server.kill()
    app = app_on(server, environ)
    acknowledged = post(app.test_client()).get_json()["id"]
    server.start()
    app.extensions["consent"].flusher.flush()
    assert acknowledged in stored_ids(server)
    assert Spool(str(spool_dir)).quarantined() == 1  # the torn line, kept for a look


def test_without_redis_the_dashboard_answers_503_not_500(server: RedisProcess, environ: dict[str, str]) -> None:
    app = app_on(server, environ)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    server.kill()
    page = client.get("/dashboard/")
    assert page.status_code == 503
    assert "consent store unavailable" in page.get_data(as_text=True)
    assert "Signed in as" not in page.get_data(as_text=True)
    api = client.get("/api/v1/stats?site=demo")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "store_unavailable"
    assert sign_in(app.test_client()).status_code == 503  # the form shows; opening a session needs Redis
