"""What the banner shows for one site and language, and the version hash of exactly that.

The consent record stores :func:`banner_version` so an auditor can tell which texts, categories
and trackers the visitor saw when they chose.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from banner.core.config import Config, Site


def pick_language(site: Site, requested: str | None, accept_language: str = "") -> str:
    """``lang`` parameter, else the first ``Accept-Language`` match, else the site default."""
    if requested in site.languages:
        return requested  # type: ignore[return-value]
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip()
        for candidate in (tag, tag.split("-")[0].lower()):
            if candidate in site.languages:
                return candidate
    return site.default_language


def client_config(config: Config, site: Site, lang: str) -> dict[str, Any]:
    """The site's configuration as the banner script needs it, in one language."""
    policy = config.policy
    texts: Mapping[str, str] = config.texts[lang]
    return {
        "site": site.id,
        "lang": lang,
        "cookie": {
            "name": site.cookie_name,
            "domain": site.cookie_domain,
            "maxAge": policy.consent_max_age_seconds,
        },
        "policy": {
            "version": policy.version,
            "url": policy.url,
            "honorDnt": policy.honor_dnt,
            "honorGpc": policy.honor_gpc,
            "dntNotice": texts.get("dnt_notice") or policy.dnt_notice,
        },
        "texts": dict(texts),
        "categories": [
            {
                "id": c.id,
                "required": c.required,
                "gcm": list(c.google_consent_mode),
                "label": c.text[lang].label,
                "description": c.text[lang].description,
            }
            for c in config.categories
        ],
        "trackers": [
            {
                "id": t.id,
                "name": t.name,
                "category": t.category,
                "kind": str(t.kind),
                "hosts": list(t.hosts),
                "cookies": list(t.cookies),
            }
            for t in config.trackers
        ],
    }


def banner_version(client: Mapping[str, Any]) -> str:
    """A short, stable hash of what the banner shows."""
    canonical = json.dumps(client, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
