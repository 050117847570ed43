"""A/B variants at run time: what each variant shows, its version hash, and what it counts.

A site's bundle carries its running variants as text overrides and a layout
(:func:`banner.core.client_config.variant_entries`; weight 0 stops a variant); the banner picks
one per browsing session and applies it to its config before drawing. The service applies the
same overrides the same way here, so the version hash in a consent record is the hash of exactly
what that visitor's banner drew. A variant a request names that is not configured (an edited
sessionStorage, a removed variant) counts as ``a`` (:func:`banner.core.consent.variant_of`):
counters never grow with the values visitors send.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from banner.core import counters
from banner.core.client_config import BundleKey, banner_version, variant_entries
from banner.core.config import Config, Site
from banner.core.consent import ConsentRecord
from banner.core.regimes import Regime

ShownKey = tuple[str, str, Regime, str]  # (site id, language, regime, variant): what one visitor saw


def shown_config(client: Mapping[str, Any], entries: Sequence[Sequence[Any]], variant: str) -> dict[str, Any]:
    """The client config as the banner draws it in ``variant``: what its version hash covers.

    ``entries`` are the site's variants (:func:`~banner.core.client_config.variant_entries`). A
    site without any shows its config as it is; with variants, the one shown is part of what was
    shown, and its text overrides and layout replace the site's, as the banner applies them.
    """
    shown = {name: value for name, value in client.items() if name != "variants"}
    if not entries:
        return shown
    shown["variant"] = variant
    for variant_id, _, texts, layout in entries:
        if variant_id == variant:
            shown["texts"] = {**client["texts"], **texts}
            if layout:
                shown["layout"] = layout
    return shown


def banner_versions(config: Config, clients: Mapping[BundleKey, Mapping[str, Any]]) -> dict[ShownKey, str]:
    """The version hash of every banner a visitor can be shown: each bundle in each of its site's variants."""
    versions = {}
    for (site_id, lang, regime), client in clients.items():
        site = config.sites[site_id]
        entries = variant_entries(config, site, lang, regime)
        for variant in site.variant_ids:
            versions[(site_id, lang, regime, variant)] = banner_version(shown_config(client, entries, variant))
    return versions


def view_counts(site: Site, variant: str) -> dict[str, int]:
    """What a ``shown`` event adds besides the site's views: its variant's, when the site runs a test."""
    return {counters.variant_field(variant, counters.VIEWS): 1} if site.variants else {}


def consent_counts(site: Site, record: ConsentRecord, required: frozenset[str]) -> dict[str, int]:
    """A human consent's per-variant counters, when the site runs a test: the consent, its action, its grants."""
    if not site.variants or record.device == "bot":
        return {}
    names = [counters.CONSENTS, counters.field(counters.ACTION, record.action)]
    names += [counters.field(counters.GRANT, c) for c, on in record.choices.items() if on and c not in required]
    return {counters.variant_field(record.variant, name): 1 for name in names}
