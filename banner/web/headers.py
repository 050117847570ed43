"""Security headers: nosniff and a referrer policy everywhere, HSTS over https, and a strict,
nonce-based Content-Security-Policy on the dashboard's pages."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request

HSTS = "max-age=31536000; includeSubDomains"
#: Added to every answer that does not set them itself.
DEFAULTS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin"))
SECURE_DEFAULTS = (*DEFAULTS, ("Strict-Transport-Security", HSTS))
DASHBOARD_CSP = (
    "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def secure_transport() -> bool:
    """Whether cookies get ``Secure`` and answers HSTS: always, except in development and tests.

    ``request.is_secure`` alone is false behind a TLS proxy unless ``proxy_hops`` is set, which
    would silently send cookies that may travel over plain http; so production assumes https.
    """
    return request.is_secure or not (current_app.debug or current_app.testing)


def csp_nonce() -> str:
    """One nonce per request, for any script or style tag a dashboard template adds."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _secure(response: Response) -> Response:
        # One pass over the answer's headers (each lookup in Werkzeug's headers is a scan).
        present = {name.lower() for name, _ in response.headers}
        defaults = SECURE_DEFAULTS if secure_transport() else DEFAULTS
        response.headers.extend((name, value) for name, value in defaults if name.lower() not in present)
        if request.path.startswith("/dashboard"):
            response.headers["Content-Security-Policy"] = DASHBOARD_CSP.format(nonce=csp_nonce())
            response.headers["X-Frame-Options"] = "DENY"
        return response
