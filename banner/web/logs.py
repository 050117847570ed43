"""Logs that keep no visitor's address and no consent token.

A consent token in a URL (``?token=``, the last of the three places the API reads it from) is a
bearer credential, and an IP address is personal data the service otherwise never stores. Both
access logs this project can write are cleaned before a line is formatted: gunicorn's (when an
operator turns it on) through :class:`AccessLogger`, the development server's through
:class:`RedactingFilter`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

#: ``token=...`` in a query string or a whole URL, however the name is cased.
TOKEN_RE = re.compile(r"(?i)((?:^|[?&;])token=)[^&;#\s\"]*")
#: The development server starts each line with the client's address.
ADDRESS_RE = re.compile(r"^\S+ - - ")
REDACTED = "[redacted]"
#: Request and response headers gunicorn's format may name (``%({name}i)s``) that carry secrets.
SECRET_HEADERS = ("cookie", "set-cookie", "x-consent-token", "x-forwarded-for", "x-real-ip", "forwarded")


def redact(text: str) -> str:
    return TOKEN_RE.sub(rf"\g<1>{REDACTED}", text)


class AccessLogger(Logger):
    """gunicorn's logger with the client address, tokens and secret headers left out of every line."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        atoms["h"] = "-"
        for name in ("r", "q", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        for header in SECRET_HEADERS:
            for kind in "io":
                if f"{{{header}}}{kind}" in atoms:
                    atoms[f"{{{header}}}{kind}"] = REDACTED
        return atoms


class RedactingFilter(logging.Filter):
    """For the development server's request lines (the ``werkzeug`` logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = ADDRESS_RE.sub("- - - ", record.getMessage())
        record.msg, record.args = redact(message), ()
        return True


def init_app() -> None:
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug.filters):
        werkzeug.addFilter(RedactingFilter())
