"""What the banner shows for one site and language, and the version hash of exactly that.

The consent record stores :func:`banner_version` so an auditor can tell which texts, categories
and trackers the visitor saw when they chose (with A/B variants, of the variant's config as the
banner applies it: :mod:`banner.core.variants`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from banner.core.config import Config, Site
from banner.core.config_spec_banner import EMBED_TEXTS
from banner.core.layouts import DEFAULT_LAYOUT, LAYOUTS
from banner.core.regimes import Regime

_BODY = {Regime.OPT_IN: "body", Regime.OPT_OUT: "optout_body", Regime.NOTICE: "notice_body"}
_LAYOUT_BUTTONS = {Regime.OPT_IN: (), Regime.OPT_OUT: ("ok", "do_not_sell"), Regime.NOTICE: ("ok",)}
#: Texts sent only to the layouts that show them (``dnt_notice`` travels as ``policy.dntNotice``).
_LAYOUT_ONLY = {"optout_body", "notice_body", "ok", "do_not_sell", "dnt_notice"}


def pick_language(site: Site, requested: str | None, accept_language: str = "") -> str:
    """``lang`` parameter, else the first ``Accept-Language`` match, else the site default."""
    if requested is not None and requested in site.languages:
        return requested
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip()
        for candidate in (tag, tag.split("-")[0].lower()):
            if candidate in site.languages:
                return candidate
    return site.default_language


def client_config(
    config: Config,
    site: Site,
    lang: str,
    regime: Regime,
    public_keys: Sequence[str],
    layout: str = DEFAULT_LAYOUT,
) -> dict[str, Any]:
    """The site's configuration as the banner script needs it, in one language and one regime.

    Categories travel as compact arrays, each with its trackers nested:
    ``[id, required, gcm keys, label, description, [[id, name, kind, hosts, cookies], ...]]``.
    Only the texts of the regime's layout are sent; ``texts.body`` is that layout's text.
    ``public_keys`` (base64url Ed25519, current first) let the page verify a consent token itself.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    policy = config.policy
    return {
        "site": site.id,
        "lang": lang,
        "regime": regime.value,
        "layout": layout,
        "keys": list(public_keys),
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
            "note": config.texts[lang].get("dnt_notice") or policy.dnt_notice,
        },
        "texts": layout_texts(config.texts[lang], regime),
        **_running(variant_entries(config, site, lang, regime)),
        "categories": [
            [
                c.id,
                c.required,
                list(c.google_consent_mode),
                c.text[lang].label,
                c.text[lang].description,
                [[t.id, t.name, t.kind.value, list(t.hosts), list(t.cookies)] for t in config.trackers_in(c.id)],
            ]
            for c in config.categories
        ],
    }


def layout_texts(texts: Mapping[str, str], regime: Regime) -> dict[str, str]:
    """The texts one regime's banner shows, its first-layer text under ``body``."""
    kept = EMBED_TEXTS | {name: text for name, text in texts.items() if name not in _LAYOUT_ONLY}
    kept["body"] = texts[_BODY[regime]]
    kept.update({name: texts[name] for name in _LAYOUT_BUTTONS[regime]})
    return kept


def variant_entries(config: Config, site: Site, lang: str, regime: Regime) -> list[list[Any]]:
    """Every A/B variant of the site as ``[id, weight, text overrides, layout or None]``.

    Only the texts a variant shows differently in this language and regime are overrides.
    """
    own = layout_texts(config.texts[lang], regime)
    entries: list[list[Any]] = []
    for variant in site.variants:
        texts = layout_texts({**config.texts[lang], **variant.texts.get(lang, {})}, regime)
        changed = {name: text for name, text in texts.items() if own.get(name) != text}
        entries.append([variant.id, variant.weight, changed, variant.layout])
    return entries


def _running(entries: list[list[Any]]) -> dict[str, Any]:
    """What the bundle carries: the variants a new visitor can draw (weight above 0), if any."""
    running = [entry for entry in entries if entry[1] > 0]
    return {"variants": running} if running else {}


BundleKey = tuple[str, str, Regime]  # (site id, language, regime): one banner.js a visitor can get


def client_configs(config: Config, public_keys: Sequence[str]) -> dict[BundleKey, dict[str, Any]]:
    """The client config of every banner.js bundle."""
    return {
        (site.id, lang, regime): client_config(config, site, lang, regime, public_keys)
        for site in config.sites.values()
        for lang in site.languages
        for regime in Regime
    }


def banner_version(client: Mapping[str, Any]) -> str:
    """A short, stable hash of what the banner shows: not of the keys, which a rotation changes."""
    shown = {name: value for name, value in client.items() if name != "keys"}
    canonical = json.dumps(shown, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
