"""CSRF protection for the dashboard's forms: a per-session secret echoed in every POST.

The token lives in the signed session cookie (``SameSite=Strict``), so a forged cross-site POST
carries neither the cookie nor the token; the token check also covers older browsers.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

SESSION_KEY = "csrf"
FIELD = "csrf_token"


class CsrfError(Exception):
    """A state-changing request came without the session's token."""


def csrf_token() -> str:
    """The session's token, made on first use; templates put it in a hidden field."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def rotate() -> None:
    """A fresh token after sign-in, so a token seen before it is useless after."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)


def check() -> None:
    """Raise :class:`CsrfError` unless the form's token matches the session's."""
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD, "")
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfError("the form's security token is missing or out of date; reload the page and try again")
