"""The one error the store raises: Redis did not answer. Callers never see a Redis exception."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from redis.exceptions import RedisClusterException, RedisError

from banner.core.errors import ConsentError

P = ParamSpec("P")
T = TypeVar("T")

#: What redis-py raises when a server or a cluster cannot be reached or refuses a command.
REDIS_FAILURES = (RedisError, RedisClusterException)


class StoreUnavailable(ConsentError):
    """The consent store (Redis) cannot be reached or refused the operation; try again later.

    The message is the same whatever Redis said (the cause is chained, for the logs), so no
    internal host name or command ever reaches a client.
    """

    code = "store_unavailable"

    def __init__(self) -> None:
        super().__init__("consent store unavailable, try again")


def guarded(method: Callable[P, T]) -> Callable[P, T]:
    """``method``, with any Redis failure turned into :class:`StoreUnavailable`."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except REDIS_FAILURES as e:
            raise StoreUnavailable() from e

    return call


def guarded_iter(method: Callable[P, Iterator[T]]) -> Callable[P, Iterator[T]]:
    """Like :func:`guarded`, for a method that yields (the failure happens while iterating)."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        try:
            yield from method(*args, **kwargs)
        except REDIS_FAILURES as e:
            raise StoreUnavailable() from e

    return call
