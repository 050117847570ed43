"""The consent API, ``/api/v1``: thin views over the core and the store."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify

from banner.core.clock import utc_iso, utc_now
from banner.core.config import BASE_VARIANT
from banner.core.consent import ConsentRecord, parse_consent_request, site_of, variant_of
from banner.core.errors import InvalidInput, NotFound
from banner.core.recording import ConsentWrite, record_consent
from banner.core.tokens import TokenStatus
from banner.core.variants import view_counts
from banner.web.context import services
from banner.web.cookies import clear_consent_cookie, set_consent_cookie
from banner.web.cors import add_cors_headers, check_origin, cors_headers
from banner.web.decisions import decide_request, decision_body, serialize, verify, visitor_headers
from banner.web.inputs import json_body, site_from_args, token_for, visitor_signals
from banner.web.json_codec import dump_bytes
from banner.web.limits import limited

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CONSENT_ID_PATTERN = "[A-Za-z0-9_-]{16}"
CONSENT_ID_RE = re.compile(CONSENT_ID_PATTERN + r"\Z")
EVENT_TYPES = ("shown",)


@bp.get("/decision")
def decision() -> Response:
    """Called on every page view: no Redis, and the body usually comes from the worker's cache."""
    site = site_from_args()
    check_origin(site)
    body = decision_body(services(), site, token_for(site), visitor_signals(site))
    return Response(body, headers=visitor_headers(site), mimetype="application/json")


@bp.post("/consent")
@limited("consent")
def give_consent() -> tuple[Response, int]:
    svc = services()
    consent = parse_consent_request(svc.config, json_body())
    check_origin(consent.site)
    signals = visitor_signals(consent.site)
    previous = verify(svc, consent.site, token_for(consent.site)).claim
    replaces = previous.id if previous else None
    write = record_consent(svc.config, consent, signals, replaces, svc.banner_versions, svc.signer, utc_now())
    svc.durable.save_consent(write.record, write.counts, write.signal_entries, write.day)
    if replaces:
        svc.revocations.add(consent.site.id, replaces)
    return _consent_answer(write), 201


@bp.delete("/consent")
@limited("consent")
def withdraw_consent() -> Response:
    svc = services()
    site = site_from_args()
    check_origin(site)
    signals = visitor_signals(site)
    claim = verify(svc, site, token_for(site)).claim
    withdrawn = None
    if claim is not None:
        withdrawn = svc.durable.withdraw(site.id, claim.id, utc_iso(utc_now()))
        svc.revocations.add(site.id, claim.id)
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
    verified = verify(svc, site, token_for(site))
    if verified.claim is None or verified.claim.id != consent_id:
        raise NotFound("no such consent record for this token")
    record = svc.proofs.record(site.id, consent_id)
    if record is None:
        raise NotFound("no such consent record")
    response = add_cors_headers(jsonify(_receipt(record, verified.status)), site.origins)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/events")
@limited("events")
def event() -> tuple[Response, int]:
    svc = services()
    body = json_body(also_text=True)
    if not isinstance(body, dict) or set(body) - {"site", "type", "variant"}:
        raise InvalidInput('body must be {"site": ..., "type": "shown"} with an optional "variant"')
    site = site_of(svc.config, body.get("site"))
    check_origin(site)
    if body.get("type") not in EVENT_TYPES:
        raise InvalidInput(f"'type' must be one of {', '.join(EVENT_TYPES)}", "type")
    svc.tally.count_view(site.id, view_counts(site, variant_of(site, body.get("variant", BASE_VARIANT))))
    return add_cors_headers(Response(status=204), site.origins), 204


def _consent_answer(write: ConsentWrite) -> Response:
    config = services().config
    site, record = config.sites[write.record.site], write.record
    answer = {"id": record.id, "token": write.token, "expires_at": record.expires_at}
    body = dump_bytes({**answer, "decision": write.decision.to_json()})
    headers = [("Vary", "Origin"), ("Cache-Control", "no-store"), *cors_headers(site.origins)]
    response = Response(body, headers=headers, mimetype="application/json")
    set_consent_cookie(response, site, write.token, config.policy.consent_max_age_seconds)
    return response


def _receipt(record: ConsentRecord, status: TokenStatus) -> dict[str, object]:
    """The record, and whether it still counts: ``active``, ``withdrawn`` or ``replaced``."""
    if record.withdrawn_at:
        standing = "withdrawn"
    elif status is TokenStatus.REVOKED:
        standing = "replaced"
    else:
        standing = "active"
    return {**record.to_json(), "status": standing}
