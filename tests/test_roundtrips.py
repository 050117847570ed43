"""Redis round trips per request, counted on the app's real connections to a real Redis.

The decision is asked on every page view and must not wait on Redis; a consent write is one
round trip; banner views are counted in process and reach Redis in one batch per flush. Two
independent counts back each other: the client side counts what the app's connections send
(one ``send_packed_command`` is one network round trip, a pipeline included), and the server
side counts the commands it ran (``INFO commandstats``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from banner.store import keys
from tests.support import DESKTOP_UA, post_consent, services_of

HEADERS = {"User-Agent": DESKTOP_UA, "Origin": "http://127.0.0.1:5000"}


class RoundTrips:
    """Counts round trips on every connection the app's Redis client opens from now on."""

    def __init__(self, client: Any) -> None:
        self.count = 0
        pool = client.connection_pool
        counter = self

        class Counting(pool.connection_class):  # type: ignore[name-defined, misc]
            def send_packed_command(self, command: Any, check_health: bool = True) -> None:
                counter.count += 1
                super().send_packed_command(command, check_health)

        pool.disconnect()
        pool.reset()
        pool.connection_class = Counting


@contextmanager
def counted(app: Flask, server: Any) -> Iterator[dict[str, int]]:
    """Round trips (client side) and commands (server side) made inside the block."""
    trips = app.extensions["roundtrips"]
    before_trips, before_commands = trips.count, _commands(server)
    result: dict[str, int] = {}
    yield result
    result["round_trips"] = trips.count - before_trips
    result["commands"] = _commands(server) - before_commands


def _commands(server: Any) -> int:
    """Commands the server has run, leaving out the INFO calls this test makes to ask."""
    stats = server.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k != "cmdstat_info")


@pytest.fixture()
def app(app: Flask) -> Iterator[Flask]:
    client = services_of(app).store.redis
    app.extensions["roundtrips"] = RoundTrips(client)
    yield app
    client.connection_pool.disconnect()


def give(client: FlaskClient, **headers: str) -> Any:
    response = post_consent(client, {**HEADERS, **headers}, choices={"analytics": True})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize(
    ("token_kind", "status"),
    [("valid", "valid"), ("none", "missing"), ("tampered", "invalid")],
)
def test_a_decision_makes_no_round_trip(
    app: Flask, client: FlaskClient, redis: Any, token_kind: str, status: str
) -> None:
    token = give(client)["token"]
    client.delete_cookie("consent")
    headers = {**HEADERS, "DNT": "1"}
    if token_kind == "valid":
        headers["X-Consent-Token"] = token
    elif token_kind == "tampered":
        headers["X-Consent-Token"] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for _ in range(3):  # the first answer is computed, the next ones come from the cache
        with counted(app, redis) as cost:
            response = client.get("/api/v1/decision?site=demo", headers=headers)
        assert response.status_code == 200
        assert response.get_json()["token_status"] == status
        assert response.get_json()["signals"]["dnt"]["present"] is True
        assert cost == {"round_trips": 0, "commands": 0}


def test_a_consent_write_is_exactly_one_round_trip(app: Flask, client: FlaskClient, redis: Any) -> None:
    give(client)  # the first write opens the connection
    with counted(app, redis) as cost:
        body = give(client, DNT="1")
    assert cost["round_trips"] == 1
    assert cost["commands"] >= 5  # record, event, the DNT log, the GPC log's trim, revocations: all in that one trip
    assert redis.exists(keys.record("demo", body["id"])) == 1
    assert sum(redis.xlen(k) for k in keys.signal_logs("demo", "dnt")) == 1


def test_view_events_make_no_round_trip_and_flush_in_one_batch(app: Flask, client: FlaskClient, redis: Any) -> None:
    flusher = services_of(app).flusher
    headers = {**HEADERS, "Content-Type": "text/plain"}
    services_of(app).store.ping()  # opens the connection
    flusher.flush()  # the first flush of a process also runs the hourly housekeeping
    flush_cost = []
    for events in (1, 40):
        with counted(app, redis) as cost:
            for i in range(events):  # one view from each of many visitors
                address = {"REMOTE_ADDR": f"198.51.100.{i}"}
                body = '{"site":"demo","type":"shown"}'
                response = client.post("/api/v1/events", data=body, headers=headers, environ_base=address)
                assert response.status_code == 204
        assert cost == {"round_trips": 0, "commands": 0}
        with counted(app, redis) as cost:
            flusher.flush()
        flush_cost.append(cost["round_trips"])
    assert flush_cost[0] == flush_cost[1] >= 1  # a flush costs the same whatever the number of events
    day = next(iter(redis.keys("cs:{demo}:day:*")))
    assert redis.hget(day, "views") == "41"
