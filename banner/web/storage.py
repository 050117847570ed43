"""Calling the store from a view: a Redis failure is a clear 503, never a stack trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from redis.exceptions import RedisError

from banner.web.errors import ApiError

T = TypeVar("T")


def write_or_unavailable(operation: Callable[[], T]) -> T:
    try:
        return operation()
    except RedisError:
        raise ApiError(503, "store_unavailable", "consent store unavailable, try again") from None
