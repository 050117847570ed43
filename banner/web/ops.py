"""Operations endpoints: ``/healthz`` for load balancers, ``/metrics`` for Prometheus."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from redis.exceptions import RedisError

from banner.web.context import services

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    svc = services()
    redis_ok = _redis_up()
    spooled = svc.durable.depth()
    status = "ok" if redis_ok and not spooled else "degraded"
    body = {"status": status, "redis": redis_ok, "spool_depth": spooled, "pending_counts": len(svc.tally)}
    return jsonify(body), 200 if status == "ok" else 503


@bp.get("/metrics")
def metrics() -> Response:
    svc = services()
    redis_up = int(_redis_up())
    lines = [
        "# HELP consent_redis_up Whether the consent store answers.",
        "# TYPE consent_redis_up gauge",
        f"consent_redis_up {redis_up}",
        "# HELP consent_pending_counts Counter updates waiting to be flushed to Redis.",
        "# TYPE consent_pending_counts gauge",
        f"consent_pending_counts {len(svc.tally)}",
        "# HELP consent_sites Configured sites.",
        "# TYPE consent_sites gauge",
        f"consent_sites {len(svc.config.sites)}",
        "# HELP consent_spool_depth Consent writes spooled locally while the store was unavailable.",
        "# TYPE consent_spool_depth gauge",
        f"consent_spool_depth {svc.durable.depth()}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def _redis_up() -> bool:
    try:
        return services().store.ping()
    except RedisError:
        return False
