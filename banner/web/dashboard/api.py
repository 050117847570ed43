"""Dashboard JSON: ``GET /api/v1/stats`` and ``GET /api/v1/dnt-log`` return what the pages show."""

from __future__ import annotations

from flask import Response, jsonify, request

from banner.core.clock import today
from banner.web.context import services
from banner.web.dashboard import params, reports
from banner.web.dashboard.blueprint import api_bp


@api_bp.get("/stats")
def stats() -> Response:
    config = services().config
    selection = params.parse_range(config, request.args, today())
    summary = reports.load_summary(selection)
    return jsonify(
        site=selection.site.id,
        categories=reports.category_labels(config),
        signals_policy=reports.signal_policy(config),
        **summary.to_json(),
    )


@api_bp.get("/dnt-log")
def dnt_log() -> Response:
    """Newest first; pass ``next_before`` back as ``before`` for the next page. ``signal=gpc`` too."""
    config = services().config
    site = params.parse_site(config, request.args)
    signal = params.parse_signal(request.args)
    limit = params.parse_limit(request.args, default=50)
    before = params.parse_before(request.args)
    entries, older = reports.load_signal_log(site.id, signal, limit, before)
    return jsonify(
        site=site.id,
        signal=signal,
        policy=reports.signal_policy(config)[signal],
        entries=entries,
        next_before=older,
    )
