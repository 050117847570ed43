"""Operations endpoints: ``/healthz`` for load balancers, ``/metrics`` for Prometheus."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from banner.store import StoreUnavailable
from banner.web import gvl
from banner.web.context import services

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """503 while Redis is down or spooled writes wait; quarantined writes need an operator, not a restart."""
    svc = services()
    redis_ok = _redis_up()
    spooled = svc.durable.depth()
    status = "ok" if redis_ok and not spooled else "degraded"
    body = {
        "status": status,
        "redis": redis_ok,
        "spool_depth": spooled,
        "spool_quarantined": svc.durable.quarantined(),
        "pending_counts": len(svc.tally),
        "revoked_ids": len(svc.revocations),
    }
    vendor_list = gvl.health()
    if vendor_list is not None:
        body["vendor_list"] = vendor_list
    return jsonify(body), 200 if status == "ok" else 503


GAUGES = (
    ("consent_redis_up", "Whether the consent store answers."),
    ("consent_pending_counts", "Counter updates waiting to be flushed to Redis."),
    ("consent_sites", "Configured sites."),
    ("consent_spool_depth", "Consent writes spooled locally while the store was unavailable."),
    ("consent_spool_quarantined", "Spooled writes that could not be applied, kept for the operator."),
    ("consent_revoked_ids", "Withdrawn or replaced consent ids this worker refuses."),
)


@bp.get("/metrics")
def metrics() -> Response:
    svc = services()
    values = (
        int(_redis_up()),
        len(svc.tally),
        len(svc.config.sites),
        svc.durable.depth(),
        svc.durable.quarantined(),
        len(svc.revocations),
    )
    lines = []
    for (name, help_text), value in zip(GAUGES, values, strict=True):
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value}"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def _redis_up() -> bool:
    try:
        return services().store.ping()
    except StoreUnavailable:
        return False
