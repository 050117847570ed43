"""Signing in and out, and the gate in front of every dashboard page and dashboard API."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

from flask import Response, current_app, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as BaseResponse

from banner.core.config import DashboardUser
from banner.web.context import services
from banner.web.dashboard import csrf
from banner.web.dashboard.blueprint import api_bp, bp
from banner.web.dashboard.redirects import dashboard_path
from banner.web.dashboard.throttle import LoginThrottle
from banner.web.errors import error_response

THROTTLE = "dashboard.throttle"
USER_KEY = "user"
PUBLIC_ENDPOINTS = frozenset({"dashboard.login"})
#: On top of what every response gets (``banner.web.headers``, which also gives the pages their CSP).
SECURITY_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "same-origin"}
#: The dashboard's JSON answers load nothing at all.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def current_user() -> DashboardUser | None:
    """The signed-in user, if the session names one still in the config."""
    name = session.get(USER_KEY)
    if not isinstance(name, str):
        return None
    return next((u for u in services().config.dashboard_users if u.name == name), None)


def authenticate(users: Sequence[DashboardUser], name: str, password: str) -> DashboardUser | None:
    """The user whose hash matches; an unknown name costs the same hash check as a wrong password."""
    user = next((u for u in users if u.name == name), None)
    matches = check_password_hash(user.password_hash if user else _decoy_hash(), password)
    return user if user is not None and matches else None


@cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy password, never valid")


@bp.before_request
def _gate() -> BaseResponse | None:
    if request.method == "POST":
        csrf.check()
    if request.endpoint in PUBLIC_ENDPOINTS or current_user() is not None:
        return None
    return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))


@api_bp.before_request
def _api_gate() -> Response | None:
    if current_user() is not None:
        return None
    return error_response(401, "unauthorized", "sign in to the dashboard first")


@bp.after_request
@api_bp.after_request
def _headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@api_bp.after_request
def _api_csp(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", API_CSP)
    return response


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    return {"csrf_token": csrf.csrf_token, "user": current_user(), "next_path": _next_path}


@bp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | str:
    if request.method == "GET":
        return redirect(_next_url()) if current_user() else render_template("dashboard/login.html")
    name = request.form.get("username", "").strip()[:100]
    password = request.form.get("password", "")[:1000]
    key = (name.casefold(), request.remote_addr or "")
    throttle: LoginThrottle = current_app.extensions[THROTTLE]
    wait = throttle.wait(key)
    if wait > 0:
        seconds = math.ceil(wait)
        message = f"Too many failed attempts. Wait {seconds} second{'' if seconds == 1 else 's'}, then try again."
        return _refused(message, 429, name, retry_after=seconds)
    user = authenticate(services().config.dashboard_users, name, password)
    if user is None:
        throttle.failed(key)
        return _refused("Wrong user name or password.", 401, name)
    throttle.succeeded(key)
    session.clear()
    session[USER_KEY] = user.name
    session.permanent = True
    csrf.rotate()
    return redirect(_next_url())


@bp.post("/logout")
def logout() -> BaseResponse:
    session.clear()
    return redirect(url_for("dashboard.login", signed_out=1))


def _refused(message: str, status: int, name: str, retry_after: int | None = None) -> Response:
    response = current_app.make_response(
        (render_template("dashboard/login.html", error=message, username=name), status)
    )
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _next_path() -> str | None:
    """The ``next`` parameter if it is a page of this dashboard (see :mod:`.redirects`)."""
    return dashboard_path(request.values.get("next", ""), url_for("dashboard.overview").rstrip("/"))


def _next_url() -> str:
    return _next_path() or url_for("dashboard.overview")
