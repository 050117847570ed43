"""Rate limits: per client, shared across workers through Redis, 429 JSON with Retry-After."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import redis as redis_py
from flask.testing import FlaskClient
from redis.backoff import NoBackoff
from redis.retry import Retry

from banner.store import keys
from banner.web.limits import ALLOWANCE, EXTENSION
from tests.support import edited_app, steady_limits

BODY = {"site": "demo", "action": "reject_all"}


def limited_app(environ: dict[str, str], config_copy: Path, consent: str = "3 per minute") -> Any:
    return steady_limits(
        edited_app(
            environ,
            config_copy,
            ('consent = "30 per minute; 300 per hour"', f'consent = "{consent}"'),
            ('events = "120 per minute"', 'events = "2 per minute"'),
        )
    )


def post(client: FlaskClient, address: str = "203.0.113.7") -> Any:
    return client.post("/api/v1/consent", json=BODY, environ_base={"REMOTE_ADDR": address})


def test_consent_writes_are_limited_per_client(environ: dict[str, str], config_copy: Path, redis: Any) -> None:
    client = limited_app(environ, config_copy).test_client()
    assert [post(client).status_code for _ in range(3)] == [201, 201, 201]
    refused = post(client)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert post(client, address="198.51.100.9").status_code == 201  # another client is not affected
    assert len(redis.keys(keys.record_pattern("demo"))) == 4  # the refused request wrote nothing


def test_events_are_limited(environ: dict[str, str], config_copy: Path) -> None:
    client = limited_app(environ, config_copy).test_client()
    codes = [client.post("/api/v1/events", json={"site": "demo", "type": "shown"}).status_code for _ in range(3)]
    assert codes == [204, 204, 429]


def test_limits_are_shared_across_workers_through_redis(environ: dict[str, str], config_copy: Path, redis: Any) -> None:
    worker_a = limited_app(environ, config_copy, consent="4 per minute")
    worker_b = steady_limits(edited_app(environ, config_copy))  # the same limits
    a, b = worker_a.test_client(), worker_b.test_client()
    assert [post(a).status_code for _ in range(3)] == [201, 201, 201]
    assert post(b).status_code == 201  # B alone has seen one hit
    worker_a.extensions["consent"].flusher.flush()  # A's batch reaches Redis
    worker_b.extensions["consent"].flusher.flush()  # B adds its own and reads the total: 4
    assert post(b).status_code == 429
    assert redis.get(next(iter(redis.keys("cs:rl:*")))) == "4"


def test_a_flush_sends_only_windows_with_new_hits(environ: dict[str, str], config_copy: Path, redis: Any) -> None:
    app = limited_app(environ, config_copy)
    assert post(app.test_client()).status_code == 201
    storage = app.extensions[EXTENSION].scopes["consent"].limiter.storage
    storage.sync()
    assert redis.get(next(iter(redis.keys("cs:rl:*")))) == "1"
    storage.redis = redis_py.Redis(unix_socket_path="/nonexistent/redis.sock")  # any command would fail
    storage.sync()  # nothing new since the last sync: no command at all


def test_no_raw_address_reaches_redis(environ: dict[str, str], config_copy: Path, redis: Any) -> None:
    app = limited_app(environ, config_copy)
    client = app.test_client()
    post(client, address="203.0.113.77")
    client.post("/api/v1/events", json={"site": "demo", "type": "shown"}, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    app.extensions["consent"].flusher.flush()
    dump = []
    for key in redis.keys("*"):
        dump.append(key)
        kind = redis.type(key)
        if kind == "string":
            dump.append(redis.get(key))
        elif kind == "hash":
            dump.extend(f"{k}={v}" for k, v in redis.hgetall(key).items())
        elif kind == "stream":
            dump.extend(str(e) for e in redis.xrange(key))
    assert any(k.startswith("cs:rl:") for k in redis.keys("*"))
    assert not [item for item in dump if "203.0.113" in item]


def test_a_burst_across_two_workers_stays_within_the_documented_tolerance(
    environ: dict[str, str], config_copy: Path
) -> None:
    """60 consents in a row from one client, alternating between two workers, against 30 a minute.

    Each process takes a client's first ``ALLOWANCE`` hits without asking Redis; after that every
    hit is counted exactly, so the overshoot is at most the allowance of the other process.
    """
    workers = [steady_limits(edited_app(environ, config_copy)).test_client() for _ in range(2)]
    codes = [post(workers[i % 2]).status_code for i in range(60)]
    accepted = codes.count(201)
    assert 30 <= accepted <= 30 + ALLOWANCE["consent"] * (len(workers) - 1)
    assert codes[-10:] == [429] * 10


def test_limits_still_count_while_redis_is_down(environ: dict[str, str], config_copy: Path) -> None:
    app = limited_app(environ, config_copy, consent="3 per minute")
    storage = app.extensions[EXTENSION].scopes["consent"].limiter.storage
    # every command fails, at once: with redis-py's retries and back-off the four posts took seconds
    # and could straddle the minute's window
    storage.redis = redis_py.Redis(unix_socket_path="/nonexistent/redis.sock", retry=Retry(NoBackoff(), 0))
    client = app.test_client()
    assert [post(client).status_code for _ in range(4)][-1] == 429
