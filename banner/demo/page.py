"""A demo publisher page at ``/`` with trackers of all four kinds, held until consent.

The trackers are local stand-ins served under ``/demo/t/``: each sets the cookies its tracker
is configured with and marks itself loaded, so anyone can watch the gating work. ``/demo/strict``
is the same page under a strict Content Security Policy (nonce + ``'strict-dynamic'``).
"""

from __future__ import annotations

import base64
import json
import secrets

from flask import Blueprint, Response, abort, current_app, render_template

from banner.core.config import Tracker
from banner.web.context import services

bp = Blueprint("demo", __name__, template_folder="templates")

SITE = "demo"
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
STRICT_CSP = (
    "script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; base-uri 'none'; "
    "style-src 'self'; frame-ancestors 'self'"
)
DEMO_COOKIE_AGE = 3600
POSTER = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9">'
    '<linearGradient id="g" x2="1" y2="1"><stop stop-color="#3b5998"/><stop offset="1" stop-color="#c0392b"/>'
    '</linearGradient><rect width="16" height="9" fill="url(#g)"/>'
    '<circle cx="8" cy="3.2" r="1.8" fill="#fff8"/><path d="M7.4 2.3v1.8l1.5-.9z" fill="#222"/></svg>'
)


@bp.get("/")
def page() -> str:
    return _render(nonce=None)


@bp.get("/demo/strict")
def strict_page() -> Response:
    nonce = secrets.token_urlsafe(16)
    response = Response(_render(nonce=nonce), mimetype="text/html")
    response.headers["Content-Security-Policy"] = STRICT_CSP.format(nonce=nonce)
    return response


@bp.get("/demo/t/<tracker_id>.js")
def stand_in_script(tracker_id: str) -> Response:
    tracker = _tracker(tracker_id)
    cookies = "".join(
        f"document.cookie={json.dumps(f'{name}=demo; path=/; max-age={DEMO_COOKIE_AGE}')};"
        for name in _cookie_names(tracker)
    )
    mark = f"(window.parent.demoLoaded=window.parent.demoLoaded||[]).push({json.dumps(tracker.id)});"
    event = "window.parent.document.dispatchEvent(new Event('demo:loaded'));"
    return _no_store(Response(cookies + mark + event, mimetype="text/javascript"))


@bp.get("/demo/t/<tracker_id>.gif")
def stand_in_pixel(tracker_id: str) -> Response:
    response = Response(PIXEL, mimetype="image/gif")
    for name in _cookie_names(_tracker(tracker_id)):
        response.set_cookie(name, "demo", max_age=DEMO_COOKIE_AGE, samesite="Lax")
    return _no_store(response)


@bp.get("/demo/t/<tracker_id>.html")
def stand_in_frame(tracker_id: str) -> Response:
    tracker = _tracker(tracker_id)
    return _no_store(Response(render_template("demo/frame.html", tracker=tracker), mimetype="text/html"))


@bp.get("/demo/post.html")
def social_post() -> Response:
    """A social network's embedded post, as a stand-in: what the social embed loads once allowed."""
    return _no_store(Response(render_template("demo/post.html"), mimetype="text/html"))


@bp.get("/demo/poster.svg")
def poster() -> Response:
    """A video's poster frame, served by the site itself: a placeholder never asks the third party."""
    return Response(POSTER, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


def _render(nonce: str | None) -> str:
    config = services().config
    return render_template(
        "demo/page.html",
        site=config.sites[SITE],
        trackers=config.trackers,
        banner_url=current_app.config["DEMO_BANNER_URL"],
        nonce=nonce,
    )


def _tracker(tracker_id: str) -> Tracker:
    tracker = services().config.tracker(tracker_id)
    if tracker is None:
        abort(404)
    return tracker


def _cookie_names(tracker: Tracker) -> list[str]:
    """The tracker's configured cookies, a wildcard standing for ``DEMO``."""
    return [name.replace("*", "DEMO") for name in tracker.cookies]


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
