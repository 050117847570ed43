"""The bytes of ``/banner.js`` for one site and language, built once at start-up.

The banner source has two placeholders, ``__CONFIG__`` and ``__CSS__``, replaced by the
site's client config and the stylesheet as JSON literals. Each bundle is gzipped once (level 9,
fixed mtime, so the bytes and the ETag are stable across restarts).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CONFIG_PLACEHOLDER = "__CONFIG__"
CSS_PLACEHOLDER = "__CSS__"


@dataclass(frozen=True)
class ScriptBundle:
    """One representation pair of the banner: plain and gzipped, with their ETags."""

    body: bytes
    gzipped: bytes
    digest: str

    @property
    def etag(self) -> str:
        return self.digest

    @property
    def gzip_etag(self) -> str:
        """A different representation needs a different strong validator."""
        return f"{self.digest}-gz"


def build_bundle(script: str, css: str, client: Mapping[str, Any]) -> ScriptBundle:
    """Inline ``client`` and ``css`` into the (already minified) ``script``."""
    for placeholder in (CONFIG_PLACEHOLDER, CSS_PLACEHOLDER):
        if script.count(placeholder) != 1:
            raise ValueError(f"banner script must contain {placeholder} exactly once")
    text = script.replace(CONFIG_PLACEHOLDER, js_literal(client)).replace(CSS_PLACEHOLDER, js_literal(css))
    body = text.encode()
    return ScriptBundle(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        digest=hashlib.sha256(body).hexdigest()[:20],
    )


def js_literal(value: Any) -> str:
    """JSON as a JavaScript literal: UTF-8 as is (smaller), line separators escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
