"""The operator's configuration as frozen, typed values.

Everything here is validated once, at start-up, by :mod:`banner.core.config_parse`; the rest
of the code trusts these values and never looks at raw TOML.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from banner.core.iab.site import TcfSite
from banner.core.regimes import Jurisdictions, default_countries

#: The seven Google Consent Mode v2 storage types, in the order Google documents them.
GCM_KEYS: tuple[str, ...] = (
    "ad_storage",
    "analytics_storage",
    "ad_user_data",
    "ad_personalization",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
)

#: Banner texts every configured language must provide.
REQUIRED_TEXTS: tuple[str, ...] = (
    "title",
    "body",
    "accept_all",
    "reject_all",
    "customize",
    "save",
    "close",
    "policy_link",
    "dnt_notice",
    "gpc_notice",
    "optout_body",
    "do_not_sell",
    "notice_body",
    "ok",
    "trackers",
    "cookies",
    "always_on",
    "hosts",
    "kind_first_party",
    "kind_ad_network",
    "kind_beacon",
    "kind_vast",
)


#: The site's own banner, as A/B variants name it.
BASE_VARIANT = "a"


class TrackerKind(enum.StrEnum):
    """What sort of tracker a page loads; decisions list trackers by kind."""

    FIRST_PARTY = "first_party"
    AD_NETWORK = "ad_network"
    BEACON = "beacon"
    VAST = "vast"


@dataclass(frozen=True)
class Text:
    """A category's label and description in one language."""

    label: str
    description: str


@dataclass(frozen=True)
class Category:
    """A purpose the visitor can accept or refuse as a whole (``required`` ones are always on)."""

    id: str
    required: bool
    google_consent_mode: tuple[str, ...]
    text: Mapping[str, Text]
    tcf_purposes: tuple[int, ...] = ()  # TCF purposes this category stands for (consent basis)
    tcf_special_features: tuple[int, ...] = ()


@dataclass(frozen=True)
class Tracker:
    """One script, pixel, frame or ad tag a page may load once its category is allowed."""

    id: str
    name: str
    category: str
    kind: TrackerKind
    hosts: tuple[str, ...] = ()
    cookies: tuple[str, ...] = ()
    tcf_vendor_id: int = 0  # 0 = not an IAB vendor


@dataclass(frozen=True)
class Variant:
    """An A/B variant of a site's banner: other words or another layout for a share of new visitors.

    ``texts`` holds only the overrides, by language; ``layout`` None keeps the site's own. The
    site's own banner is variant ``a`` and is not listed.
    """

    id: str
    weight: int  # percent of new visitors
    layout: str | None = None
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Site:
    """A website that embeds the banner."""

    id: str
    name: str
    origins: tuple[str, ...]
    cookie_name: str = "consent"
    cookie_domain: str = ""
    languages: tuple[str, ...] = ("en",)
    variants: tuple[Variant, ...] = ()
    tcf_vendors: tuple[int, ...] = ()  # GVL vendor ids; any = TCF for opt_in visitors

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def variant_ids(self) -> tuple[str, ...]:
        """Every variant a visitor can be shown, the site's own (``a``) first; just ``a`` without a test."""
        return (BASE_VARIANT, *(v.id for v in self.variants))


@dataclass(frozen=True)
class Policy:
    """The privacy policy in force: its version is its publication date."""

    version: str
    url: str
    honor_dnt: bool
    dnt_notice: str
    honor_gpc: bool
    consent_max_age_days: int
    retention_days: int
    hot_days: int = 0  # resolved by the parser: consent_max_age_days when not set

    @property
    def consent_max_age_seconds(self) -> int:
        return self.consent_max_age_days * 86400

    @property
    def retention_seconds(self) -> int:
        return self.retention_days * 86400


@dataclass(frozen=True)
class Service:
    """How the service itself runs: keys, Redis, trusted headers."""

    secret_key: str
    secret_key_fallbacks: tuple[str, ...] = ()
    redis_url: str = ""
    redis_cluster: bool = False
    data_dir: str = "var"
    archive_dir: str = "var/archive"
    country_header: str = ""
    proxy_hops: int = 0  # reverse proxies in front whose X-Forwarded-* headers are trusted

    @property
    def signing_keys(self) -> list[str]:
        """Old keys first, the current key last: itsdangerous signs with the last one."""
        return [*self.secret_key_fallbacks, self.secret_key]


@dataclass(frozen=True)
class Iab:
    """The IAB signals the service issues: TCF (with a registered CMP id) and GPP."""

    cmp_id: int = 0  # 0 = no TC strings anywhere
    cmp_version: int = 1
    publisher_cc: str = "AA"
    gvl: str = ""  # "" = data_dir/gvl/vendor-list.json
    gpp: bool = False
    mspa_covered_transaction: bool = False
    mspa_mode: str = "opt_out_option"  # or "service_provider"; only for covered transactions

    @property
    def gpp_cmp_id(self) -> int:
        """GPP's CMP id: ours once registered, else 1, as no MSPA registration exists."""
        return self.cmp_id or 1


@dataclass(frozen=True)
class RateLimits:
    """Per-client limits in the limits library's notation ("30 per minute; 300 per hour")."""

    consent: str = "30 per minute; 300 per hour"
    events: str = "120 per minute"
    login: str = "5 per minute; 30 per hour"


@dataclass(frozen=True)
class DashboardUser:
    name: str
    password_hash: str


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file it came from, for messages."""

    source: str
    service: Service
    policy: Policy
    sites: Mapping[str, Site]
    categories: tuple[Category, ...]
    trackers: tuple[Tracker, ...]
    texts: Mapping[str, Mapping[str, str]]
    dashboard_users: tuple[DashboardUser, ...] = ()
    limits: RateLimits = RateLimits()
    jurisdictions: Jurisdictions = field(default_factory=lambda: Jurisdictions(default_countries()))
    iab: Iab = Iab()
    #: Each TCF site bound to the vendor list (by :mod:`banner.core.iab.binding`, at start-up).
    tcf: Mapping[str, TcfSite] = field(default_factory=dict)
    _categories_by_id: Mapping[str, Category] = field(init=False, repr=False, compare=False)
    _trackers_by_id: Mapping[str, Tracker] = field(init=False, repr=False, compare=False)
    #: Derived once, for the per-request paths: required categories, ad networks, VAST hosts.
    required_ids: frozenset[str] = field(init=False, repr=False, compare=False)
    ad_network_ids: tuple[str, ...] = field(init=False, repr=False, compare=False)
    vast_hosts: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        derived = {
            "_categories_by_id": {c.id: c for c in self.categories},
            "_trackers_by_id": {t.id: t for t in self.trackers},
            "required_ids": frozenset(c.id for c in self.categories if c.required),
            "ad_network_ids": tuple(t.id for t in self.trackers if t.kind is TrackerKind.AD_NETWORK),
            "vast_hosts": frozenset(h.lower() for t in self.trackers if t.kind is TrackerKind.VAST for h in t.hosts),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def category(self, category_id: str) -> Category | None:
        return self._categories_by_id.get(category_id)

    def tracker(self, tracker_id: str) -> Tracker | None:
        return self._trackers_by_id.get(tracker_id)

    def trackers_in(self, category_id: str) -> tuple[Tracker, ...]:
        return tuple(t for t in self.trackers if t.category == category_id)
