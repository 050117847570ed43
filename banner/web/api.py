"""The consent API, ``/api/v1``: thin views over the core and the store."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify

from banner.core import counters
from banner.core.consent import (
    ConsentRecord,
    build_record,
    new_consent_id,
    parse_consent_request,
    signal_log_entries,
    site_of,
)
from banner.core.errors import InvalidInput, NotFound
from banner.core.policy import decide
from banner.core.timestamps import utc_iso
from banner.core.tokens import ConsentClaim, TokenStatus, Verified
from banner.store.consents import day_of
from banner.web.context import services
from banner.web.cookies import clear_consent_cookie, set_consent_cookie
from banner.web.cors import add_cors_headers, check_origin
from banner.web.decisions import decide_request, decision_body, serialize, verify, visitor_headers
from banner.web.inputs import current_signals, json_body, site_from_args, token_for
from banner.web.storage import write_or_unavailable
from banner.web.traffic import count_request, count_view

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CONSENT_ID_PATTERN = "[A-Za-z0-9_-]{16}"
CONSENT_ID_RE = re.compile(CONSENT_ID_PATTERN + r"\Z")
EVENT_TYPES = ("shown",)


@bp.get("/decision")
def decision() -> Response:
    """Called on every page view: no Redis, and the body usually comes from the worker's cache."""
    site = site_from_args()
    check_origin(site)
    signals = current_signals()
    count_request(site.id, signals)
    body = decision_body(services(), site, token_for(site), signals)
    return Response(body, headers=visitor_headers(site), mimetype="application/json")


@bp.post("/consent")
def give_consent() -> tuple[Response, int]:
    svc = services()
    consent = parse_consent_request(svc.config, json_body())
    site = consent.site
    check_origin(site)
    signals = current_signals()
    count_request(site.id, signals)
    previous = verify(svc, site, token_for(site)).claim
    claim = ConsentClaim(
        id=new_consent_id(),
        site=site.id,
        policy_version=svc.config.policy.version,
        choices=consent.choices,
        trackers=consent.trackers,
    )
    token = svc.signer.sign(claim)
    issued_at = svc.signer.issued_at(token)
    claim = replace(claim, issued_at=issued_at)
    result = decide(svc.config, site, Verified(TokenStatus.VALID, claim), signals)
    shown = svc.banner_versions[(site.id, consent.lang, result.regime)]
    record = build_record(
        consent,
        claim,
        issued_at,
        result,
        shown,
        previous.id if previous else None,
        svc.config.policy.consent_max_age_days,
    )
    write_or_unavailable(
        lambda: svc.durable.save_consent(
            record,
            counters.consent_counts(record, svc.config.required_ids),
            signal_log_entries(record, result),
            day_of(issued_at),
        )
    )
    response = add_cors_headers(
        jsonify(id=record.id, token=token, expires_at=record.expires_at, decision=result.to_json()),
        site.origins,
    )
    set_consent_cookie(response, site, token, svc.config.policy.consent_max_age_seconds)
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@bp.delete("/consent")
def withdraw_consent() -> Response:
    svc = services()
    site = site_from_args()
    check_origin(site)
    signals = current_signals()
    count_request(site.id, signals)
    verified = verify(svc, site, token_for(site))
    withdrawn = None
    if verified.claim is not None:
        now = datetime.now(UTC)
        at = utc_iso(now)
        claim_id = verified.claim.id
        withdrawn = write_or_unavailable(lambda: svc.durable.withdraw(site.id, claim_id, at, day_of(now)))
    body = decide_request(svc, site, None, signals).to_json()
    body["withdrawn"] = withdrawn
    response = Response(serialize(body), headers=visitor_headers(site), mimetype="application/json")
    clear_consent_cookie(response, site)
    return response


@bp.get("/consent/<consent_id>")
def receipt(consent_id: str) -> Response:
    svc = services()
    site = site_from_args()
    check_origin(site)
    if not CONSENT_ID_RE.match(consent_id):
        raise NotFound("no such consent record")
    claim = verify(svc, site, token_for(site)).claim
    if claim is None or claim.id != consent_id:
        raise NotFound("no such consent record for this token")
    record: ConsentRecord | None = write_or_unavailable(lambda: svc.store.record(site.id, consent_id))
    if record is None:
        raise NotFound("no such consent record")
    response = add_cors_headers(jsonify(record.to_json()), site.origins)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/events")
def event() -> tuple[Response, int]:
    svc = services()
    body = json_body(also_text=True)
    if not isinstance(body, dict) or set(body) - {"site", "type"}:
        raise InvalidInput('body must be {"site": ..., "type": "shown"}')
    site = site_of(svc.config, body.get("site"))
    check_origin(site)
    if body.get("type") not in EVENT_TYPES:
        raise InvalidInput(f"'type' must be one of {', '.join(EVENT_TYPES)}", "type")
    count_view(site.id)
    response = add_cors_headers(Response(status=204), site.origins)
    return response, 204
