"""The banner's stylesheet, minified by rcssmin (comments and insignificant whitespace go)."""

from __future__ import annotations

import rcssmin


def minify_css(source: str) -> str:
    return str(rcssmin.cssmin(source))
