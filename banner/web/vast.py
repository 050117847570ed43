"""``GET /api/v1/vast``: a VAST ad tag with this visitor's privacy signals filled in.

For server-side ad insertion and players that ask before requesting ads. The visitor's token
comes as for the decision endpoint; only tags on configured VAST hosts are accepted.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from banner.core.vast import ad_request, checked_tag
from banner.web.context import services
from banner.web.cors import check_origin
from banner.web.decisions import decide_request, visitor_headers
from banner.web.inputs import site_from_args, token_for, visitor_signals

bp = Blueprint("vast", __name__, url_prefix="/api/v1")


@bp.get("/vast")
def vast_tag() -> Response:
    svc = services()
    site = site_from_args()
    check_origin(site)
    tag = checked_tag(svc.config, request.args.get("url"))
    decision = decide_request(svc, site, token_for(site), visitor_signals(site))
    answer = ad_request(decision, tag)
    response = jsonify(
        allowed=answer.allowed,
        url=answer.url,
        reason=answer.reason,
        regime=str(decision.regime),
        macros=answer.macros,
    )
    response.headers.extend(visitor_headers(site))
    if svc.config.service.country_header:
        response.vary.add(svc.config.service.country_header)
    return response
