"""The write scripts' own connections to a real Redis: kept between calls, reopened when broken,
the script loaded again when Redis forgot it, and redis-py's errors when nothing answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis as redis_py
from redis.commands.core import Script

from banner.store.calls import ScriptCalls

NAME = "script-calls-test"
#: Counts its own runs, so a test sees whether a call ran once or twice.
COUNTING = "return redis.call('INCRBY', KEYS[1], ARGV[1])"


@pytest.fixture()
def client(redis: Any) -> Iterator[redis_py.Redis]:
    """A plain redis-py client on the test Redis, its connections named so the server can list them."""
    plain = redis_py.Redis(unix_socket_path=redis.socket_file, decode_responses=True, client_name=NAME)
    yield plain
    plain.close()


def _ours(redis: Any) -> list[dict[str, Any]]:
    return [c for c in redis.client_list() if c["name"] == NAME]


def test_calls_share_one_kept_connection(client: redis_py.Redis, redis: Any) -> None:
    calls, script = ScriptCalls(client), client.register_script(COUNTING)
    replies = [calls.run(script, ["n"], [5]) for _ in range(3)]
    assert replies == [5, 10, 15]
    assert len(_ours(redis)) == 1
    assert client.connection_pool._created_connections == 0  # never through the pool


def test_a_broken_connection_is_reopened_and_the_call_runs_once(client: redis_py.Redis, redis: Any) -> None:
    calls, script = ScriptCalls(client), client.register_script(COUNTING)
    assert calls.run(script, ["n"], [1]) == 1
    (connection,) = _ours(redis)
    redis.client_kill_filter(_id=connection["id"])
    assert calls.run(script, ["n"], [1]) == 2  # sent again on a new connection, and run only once
    assert redis.get("n") == "2"
    assert [c["id"] for c in _ours(redis)] != [connection["id"]]


def test_a_script_redis_forgot_is_loaded_again(client: redis_py.Redis, redis: Any) -> None:
    calls, script = ScriptCalls(client), client.register_script(COUNTING)
    assert calls.run(script, ["n"], [1]) == 1
    redis.script_flush()
    assert calls.run(script, ["n"], [1]) == 2
    assert redis.script_exists(script.sha) == [True]


def test_no_redis_is_redis_py_s_connection_error(tmp_path: Path) -> None:
    nowhere = redis_py.Redis(unix_socket_path=str(tmp_path / "none.sock"), decode_responses=True)
    calls = ScriptCalls(nowhere)
    with pytest.raises(redis_py.ConnectionError):
        calls.run(Script(nowhere, COUNTING), ["n"], [1])


def test_an_error_reply_reaches_the_caller_and_the_connection_stays_usable(client: redis_py.Redis) -> None:
    calls = ScriptCalls(client)
    failing = client.register_script("return redis.error_reply('ERR refused by the script')")
    with pytest.raises(redis_py.ResponseError, match="refused by the script"):
        calls.run(failing, ["n"], [])
    assert calls.run(client.register_script(COUNTING), ["n"], [3]) == 3
