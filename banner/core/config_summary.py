"""What ``check-config`` prints: a valid config as an operator reads it at a glance."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from banner.core.client_config import BundleKey
from banner.core.config import Config, Site, TrackerKind
from banner.core.regimes import Regime

#: Gzipped bytes a banner (script, stylesheet, config, one language) may weigh.
#: Gzipped bytes one banner.js may weigh (the largest of the shipped config is about 7.9 KB: its
#: first and second layers, token verification, click-to-load placeholders, VAST and A/B variants).
BANNER_BUDGET = 8 * 1024


def summary(config: Config, sizes: Mapping[BundleKey, int]) -> Iterator[str]:
    """Policy, sites, categories, regimes and users; ``sizes`` are the gzipped banners' bytes."""
    policy = config.policy
    yield (
        f"policy {policy.version} ({policy.url}): Do Not Track {_honored(policy.honor_dnt)}, "
        f"Global Privacy Control {_honored(policy.honor_gpc)}; consents last {policy.consent_max_age_days} days, "
        f"records are kept {policy.retention_days} days"
    )
    for site in config.sites.values():
        yield from _site(config, site, sizes)
    categories = (f"{c.id} (required)" if c.required else c.id for c in config.categories)
    yield f"categories: {', '.join(categories)}"
    yield f"regimes: {_regimes(config)}"
    yield f"IAB: {_iab(config)}"
    yield f"dashboard users: {', '.join(u.name for u in config.dashboard_users) or 'none'}"


def budget_warnings(sizes: Mapping[BundleKey, int]) -> Iterator[str]:
    for (site, lang, regime), size in sizes.items():
        if size > BANNER_BUDGET:
            yield f"banner.js for {site}, {lang}, {regime}: {size} bytes gzipped, over the {BANNER_BUDGET}-byte budget"


def _site(config: Config, site: Site, sizes: Mapping[BundleKey, int]) -> Iterator[str]:
    yield f"site {site.id} ({site.name})"
    yield f"  origins: {', '.join(site.origins) or 'none (no page may embed the banner)'}"
    yield f"  languages: {', '.join(site.languages)}"
    if site.tcf_vendors:
        yield f"  TCF vendors: {', '.join(map(str, site.tcf_vendors))}"
    by_kind = {kind: [t.id for t in config.trackers if t.kind is kind] for kind in TrackerKind}
    yield "  trackers: " + "; ".join(f"{kind} {', '.join(ids) or '-'}" for kind, ids in by_kind.items())
    if site.variants:
        shares = [f"a {100 - sum(v.weight for v in site.variants)}%"]
        shares += [f"{v.id} {v.weight}%" + (f" ({v.layout})" if v.layout else "") for v in site.variants]
        yield f"  A/B variants: {', '.join(shares)}"
    for lang in site.languages:
        weights = ", ".join(f"{regime} {sizes[(site.id, lang, regime)]}" for regime in Regime)
        yield f"  banner.js {lang}: {weights} bytes gzipped (budget {BANNER_BUDGET})"


def _regimes(config: Config) -> str:
    jurisdictions = config.jurisdictions
    listed = []
    for regime in Regime:
        codes = sorted(c for c, r in jurisdictions.countries.items() if r is regime)
        listed.append(f"{regime} {' '.join(codes) or '-'}")
    unknown = f"unknown country {jurisdictions.unknown}"
    if not config.service.country_header:
        unknown += " (no country_header: every visitor)"
    return "; ".join([*listed, f"other countries {jurisdictions.other}", unknown])


def _iab(config: Config) -> str:
    iab = config.iab
    tcf = f"TC strings with CMP id {iab.cmp_id}" if iab.cmp_id else "no TC strings (cmp_id 0)"
    gpp = f"GPP strings (CMP id {iab.gpp_cmp_id}) for opt_out visitors" if iab.gpp else "no GPP strings"
    return f"{tcf}; {gpp}; vendor list {iab.gvl}"


def _honored(honored: bool) -> str:
    return "honored" if honored else "not honored"
