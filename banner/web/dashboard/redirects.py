"""Where signing in may send the browser back to: a page of this dashboard, and nothing else.

The ``next`` parameter is written by whoever made the link. A redirect to it must not leave the
site (``https://x``, ``//x``, ``/\\x``), must not leave the dashboard (``/dashboard/../x``, also
percent-encoded), and must not put raw control characters in the ``Location`` header.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

#: Plain URL characters (RFC 3986 unreserved, sub-delims, ``:@/?`` and ``%`` escapes): no space,
#: no control character, no backslash, no fragment, nothing outside ASCII.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*\Z")
MAX_LENGTH = 2048
DOT_SEGMENTS = frozenset({".", ".."})


def dashboard_path(target: str, prefix: str) -> str | None:
    """``target`` when it is a path under ``prefix`` on this site (with any query), else None."""
    if len(target) > MAX_LENGTH or not URL_CHARACTERS.match(target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. "//[x": a host that is not even an address
        return None
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    if "//" in path or "\\" in path or DOT_SEGMENTS.intersection(path.split("/")):
        return None
    return target
