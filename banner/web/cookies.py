"""The one module that writes the consent cookie."""

from __future__ import annotations

from flask import Response

from banner.core.config import Site
from banner.web.headers import secure_transport


def set_consent_cookie(response: Response, site: Site, token: str, max_age: int) -> None:
    response.set_cookie(
        site.cookie_name,
        token,
        max_age=max_age,
        domain=site.cookie_domain or None,
        secure=secure_transport(),
        httponly=False,  # the banner script reads it to apply the choice without a request
        samesite="Lax",
        path="/",
    )


def clear_consent_cookie(response: Response, site: Site) -> None:
    response.delete_cookie(
        site.cookie_name,
        domain=site.cookie_domain or None,
        secure=secure_transport(),
        samesite="Lax",
        path="/",
    )
