"""Reading requests: JSON bodies, the consent token, privacy signals. Validation only."""

from __future__ import annotations

from typing import Any

import orjson
from flask import request

from banner.core.config import Site
from banner.core.consent import site_of
from banner.core.signals import Signals, read_signals
from banner.web.context import services
from banner.web.errors import BadJson, BodyTooLarge, UnsupportedMediaType

MAX_BODY = 8 * 1024
TOKEN_HEADER = "X-Consent-Token"


def json_body(also_text: bool = False) -> Any:
    """The request's JSON body; ``also_text`` admits ``text/plain`` (what sendBeacon sends)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BodyTooLarge(f"body over {MAX_BODY} bytes")
    mimetype = request.headers.get("Content-Type", "").partition(";")[0].strip().lower()
    if mimetype != "application/json" and not (also_text and mimetype == "text/plain"):
        raise UnsupportedMediaType("send the body as application/json")
    raw = _body()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadJson("body is not valid JSON") from None


def _body() -> bytes:
    """The body, read straight from the server when it said how long it is (and no chunked body
    follows: a server that de-chunks marks its stream ``wsgi.input_terminated``)."""
    length = request.content_length
    if length is not None and not request.environ.get("wsgi.input_terminated"):
        return bytes(request.environ["wsgi.input"].read(length))
    raw = bytes(request.stream.read(MAX_BODY + 1))  # a chunked body has no length to check up front
    if len(raw) > MAX_BODY:
        raise BodyTooLarge(f"body over {MAX_BODY} bytes")
    return raw


def site_from_args() -> Site:
    """The site named by ``?site=``; 400/404 otherwise."""
    return site_of(services().config, request.args.get("site"))


def token_for(site: Site) -> str | None:
    """Header ``X-Consent-Token``, else the site's cookie, else ``?token=``."""
    return (
        request.headers.get(TOKEN_HEADER) or request.cookies.get(site.cookie_name) or request.args.get("token") or None
    )


def visitor_signals(site: Site) -> Signals:
    """The request's privacy signals, counted for the site's day (volume, DNT, GPC, bots)."""
    svc = services()
    signals = read_signals(request.headers, svc.config.service.country_header)
    svc.tally.count_request(site.id, signals)
    return signals
