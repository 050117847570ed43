"""The one module that writes the consent cookie.

Every consent answer sets it, so its ``Set-Cookie`` line is put together from parts made once:
everything around the token and the expiry date comes from Werkzeug's own ``dump_cookie``, once
per (domain, lifetime, secure), and the date itself once per second. The line is the one
``dump_cookie`` writes.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from flask import Response
from werkzeug.http import dump_cookie, http_date

from banner.core.config import Site
from banner.web.headers import secure_transport

#: What a cookie value may hold unquoted (RFC 6265); a signed token is base64url and dots.
PLAIN_VALUE = re.compile(r"[\w.-]*\Z", re.ASCII)
_DATE = "\0"


def set_consent_cookie(response: Response, site: Site, token: str, max_age: int) -> None:
    secure, expires = secure_transport(), _expiry(max_age, int(time.time()))
    if PLAIN_VALUE.match(token):
        before, after = _parts(site.cookie_domain, max_age, secure)
        line = f"{site.cookie_name}={token}{before}{expires}{after}"
    else:  # never one of our tokens: Werkzeug quotes it
        line = _dump(site.cookie_name, site.cookie_domain, token, max_age, secure, expires)
    response.headers.add("Set-Cookie", line)


def clear_consent_cookie(response: Response, site: Site) -> None:
    response.delete_cookie(
        site.cookie_name,
        domain=site.cookie_domain or None,
        secure=secure_transport(),
        samesite="Lax",
        path="/",
    )


def _dump(name: str, domain: str, value: str, max_age: int, secure: bool, expires: str) -> str:
    return dump_cookie(
        name,
        value,
        max_age=max_age,
        expires=expires,
        domain=domain or None,
        secure=secure,
        httponly=False,  # the banner script reads it to apply the choice without a request
        samesite="Lax",
        path="/",
    )


@lru_cache(maxsize=64)
def _parts(domain: str, max_age: int, secure: bool) -> tuple[str, str]:
    """What ``dump_cookie`` writes between the value and the date, and after the date."""
    line = _dump("n", domain, "v", max_age, secure, _DATE).removeprefix("n=v")
    before, _, after = line.partition(_DATE)
    return before, after


@lru_cache(maxsize=4)
def _expiry(max_age: int, now: int) -> str:
    """The ``Expires`` date of a cookie set in second ``now`` (Werkzeug truncates to the second too)."""
    return http_date(now + max_age)
