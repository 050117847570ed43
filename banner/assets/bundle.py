"""The bytes of ``/banner.js`` for one site, language and regime, built once at start-up.

The banner's JavaScript parts are joined into one function and minified once per list of parts;
the minified script has two placeholders, ``__CONFIG__`` and ``__CSS__``, replaced by the site's
client config and the stylesheet as JSON literals. Each bundle is gzipped once (level 9, fixed
mtime, so the bytes and the ETag are stable across restarts).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from banner.assets import AssetError
from banner.assets.css import minify_css
from banner.assets.js import ScriptPart, minify_script

CONFIG_PLACEHOLDER = "__CONFIG__"
CSS_PLACEHOLDER = "__CSS__"
PLACEHOLDERS = re.compile(f"{CONFIG_PLACEHOLDER}|{CSS_PLACEHOLDER}")


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
    def version(self) -> str:
        """Short enough for a URL, long enough that two versions never share it."""
        return self.digest[:12]

    @property
    def gzip_etag(self) -> str:
        """A different representation needs a different strong validator."""
        return f"{self.digest}-gz"


def build_bundle(parts: Sequence[ScriptPart], css: str, client: Mapping[str, Any]) -> ScriptBundle:
    """The banner made of the JavaScript ``parts`` (in order, in one scope), ``css`` and ``client``."""
    values = {CONFIG_PLACEHOLDER: js_literal(client), CSS_PLACEHOLDER: js_literal(minify_css(css))}
    # One pass: what goes in for one placeholder (a description saying "__CSS__") is never searched again.
    body = PLACEHOLDERS.sub(lambda m: values[m.group()], _script(tuple(parts))).encode()
    return ScriptBundle(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        digest=hashlib.sha256(body).hexdigest()[:20],
    )


@functools.lru_cache(maxsize=32)
def _script(parts: tuple[ScriptPart, ...]) -> str:
    """Minified once for every bundle made of the same parts."""
    script = minify_script(parts)
    for placeholder in (CONFIG_PLACEHOLDER, CSS_PLACEHOLDER):
        if script.count(placeholder) != 1:
            raise AssetError(f"banner script must contain {placeholder} exactly once")
    return script


def js_literal(value: Any) -> str:
    """JSON as a JavaScript literal: UTF-8 as is (smaller), line separators escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
