"""Turn the operator's TOML (plus environment overrides) into a validated :class:`Config`.

Fail fast, Starlette-style: every problem is a :class:`ConfigError` naming the file, the dotted
key and what is wrong, raised at start-up.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from typing import Any, TypeVar

from limits import parse_many

from banner.core.config import (
    GCM_KEYS,
    REQUIRED_TEXTS,
    Category,
    Config,
    DashboardUser,
    Policy,
    RateLimits,
    Service,
    Site,
    Text,
    Tracker,
    TrackerKind,
)
from banner.core.config_reader import Section
from banner.core.errors import ConfigError
from banner.core.regimes import Jurisdictions, Regime, default_countries
from banner.core.signals import COUNTRY_RE

ID_RE = re.compile(r"[a-z0-9-]{1,40}\Z")
TRACKER_ID_RE = re.compile(r"[a-z0-9_-]{1,40}\Z")
LANG_RE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?\Z")
ORIGIN_RE = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?\Z")
HOST_RE = re.compile(r"[A-Za-z0-9.-]{1,253}\Z")
COOKIE_RE = re.compile(r"[A-Za-z0-9_.*-]{1,80}\Z")
COOKIE_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")


def load_config(path: str, environ: Mapping[str, str], require_secret: bool) -> Config:
    """Read and validate the config file at ``path``; the only I/O in the core."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(path, "(file)", "not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, "(syntax)", str(e)) from None
    return parse_config(data, path, environ, require_secret)


def parse_config(data: Mapping[str, Any], source: str, environ: Mapping[str, str], require_secret: bool) -> Config:
    """Validate raw TOML data; the environment wins over the file, as SPEC says."""
    root = Section(source, "", dict(data))
    policy = _policy(root.table("policy"))
    categories = _unique(root, "categories", [_category(t) for t in root.tables("categories")])
    cat_ids = {c.id for c in categories}
    trackers = _unique(root, "trackers", [_tracker(t, cat_ids) for t in root.tables("trackers")])
    sites = _unique(root, "sites", [_site(t) for t in root.tables("sites")])
    if not sites:
        raise root.fail("sites", "at least one [[sites]] entry is required")
    if not any(c.required for c in categories):
        raise root.fail("categories", "at least one category must be required = true")
    languages = {lang for site in sites for lang in site.languages}
    texts = _texts(root.table("texts"), languages)
    for i, category in enumerate(categories):
        for lang in sorted(languages - category.text.keys()):
            raise root.fail(f"categories[{i}].text.{lang}", "missing for a site language")
    return Config(
        source=source,
        service=_service(root.table("service"), environ, require_secret),
        policy=policy,
        sites={s.id: s for s in sites},
        categories=tuple(categories),
        trackers=tuple(trackers),
        texts=texts,
        dashboard_users=tuple(_users(root.table("dashboard"))),
        limits=_limits(root.table("limits")),
        jurisdictions=_jurisdictions(root.table("jurisdictions")),
    )


Identified = TypeVar("Identified", Site, Category, Tracker)


def _unique(root: Section, name: str, items: list[Identified]) -> list[Identified]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        ident = item.id
        if ident in seen:
            raise root.fail(f"{name}[{i}].id", f"duplicate id {ident!r}")
        seen.add(ident)
    return items


def _service(s: Section, environ: Mapping[str, str], require_secret: bool) -> Service:
    secret = environ.get("SECRET_KEY") or s.get("secret_key", str, "")
    fallbacks: tuple[str, ...] = s.strings("secret_key_fallbacks")
    if "SECRET_KEY_FALLBACKS" in environ:
        fallbacks = tuple(k for k in environ["SECRET_KEY_FALLBACKS"].split(",") if k.strip())
    if require_secret and len(secret) < 16:
        raise s.fail("secret_key", "a secret key of 16+ characters is required (or SECRET_KEY)")
    redis_url = environ.get("REDIS_URL", s.get("redis_url", str, ""))
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://", "redis+cluster://")):
        raise s.fail("redis_url", "must start with redis://, rediss://, unix:// or redis+cluster://")
    cluster = environ.get("REDIS_CLUSTER", "") in ("1", "true", "yes")
    cluster = cluster or s.get("redis_cluster", bool, False)
    header = s.get("country_header", str, "")
    if header and not re.fullmatch(r"[A-Za-z0-9-]{1,64}", header):
        raise s.fail("country_header", f"{header!r} is not a header name")
    return Service(
        secret_key=secret,
        secret_key_fallbacks=fallbacks,
        redis_url=redis_url,
        redis_cluster=cluster or redis_url.startswith("redis+cluster://"),
        data_dir=environ.get("DATA_DIR") or s.get("data_dir", str, "var"),
        country_header=header,
        proxy_hops=_proxy_hops(s),
    )


def _proxy_hops(s: Section) -> int:
    hops = s.get("proxy_hops", int, 0)
    if not 0 <= hops <= 5:
        raise s.fail("proxy_hops", "must be between 0 and 5")
    return hops


def _jurisdictions(s: Section) -> Jurisdictions:
    """Lists given in the file replace the built-in country lists as a whole."""
    regimes = ", ".join(Regime)

    def regime(name: str, default: Regime) -> Regime:
        value = s.get(name, str, default.value)
        if value not in Regime.__members__.values():
            raise s.fail(name, f"{value!r} is not one of {regimes}")
        return Regime(value)

    listed = [r for r in Regime if r.value in s.data]
    countries = {} if listed else default_countries()
    for r in listed:
        for code in s.strings(r.value, COUNTRY_RE):
            if code in countries:
                raise s.fail(r.value, f"{code} is already listed under {countries[code].value}")
            countries[code] = r
    return Jurisdictions(
        countries=countries, unknown=regime("unknown", Regime.OPT_IN), other=regime("other", Regime.NOTICE)
    )


def _limits(s: Section) -> RateLimits:
    defaults = RateLimits()
    values = {name: s.get(name, str, getattr(defaults, name)) for name in (f.name for f in fields(RateLimits))}
    for name, value in values.items():
        try:
            parse_many(value)
        except ValueError:
            raise s.fail(name, f"{value!r} is not a rate limit like '30 per minute'") from None
    return RateLimits(**values)


def _policy(s: Section) -> Policy:
    version = s.get("version", str)
    try:
        date.fromisoformat(version)
    except ValueError:
        raise s.fail("version", f"{version!r} must be a date, YYYY-MM-DD") from None
    url = s.matching("url", re.compile(r"https?://\S+\Z"))
    max_age = s.get("consent_max_age_days", int, 390)
    retention = s.get("retention_days", int, 1825)
    if not 1 <= max_age <= 3650:
        raise s.fail("consent_max_age_days", "must be between 1 and 3650")
    if retention < max_age:
        raise s.fail("retention_days", "must be at least consent_max_age_days")
    return Policy(
        version=version,
        url=url,
        honor_dnt=s.get("honor_dnt", bool, False),
        dnt_notice=s.get("dnt_notice", str),
        honor_gpc=s.get("honor_gpc", bool, True),
        consent_max_age_days=max_age,
        retention_days=retention,
    )


def _category(s: Section) -> Category:
    gcm = s.strings("google_consent_mode")
    for i, key in enumerate(gcm):
        if key not in GCM_KEYS:
            raise s.fail(f"google_consent_mode[{i}]", f"{key!r} is not one of {', '.join(GCM_KEYS)}")
    texts = s.table("text")
    text = {}
    for lang in texts.data:
        t = texts.table(lang)
        text[lang] = Text(label=t.get("label", str), description=t.get("description", str))
    return Category(
        id=s.matching("id", ID_RE),
        required=s.get("required", bool, False),
        google_consent_mode=gcm,
        text=text,
    )


def _tracker(s: Section, category_ids: set[str]) -> Tracker:
    category = s.get("category", str)
    if category not in category_ids:
        raise s.fail("category", f"{category!r} is not a configured category")
    kind = s.get("kind", str)
    if kind not in TrackerKind.__members__.values():
        raise s.fail("kind", f"{kind!r} is not one of {', '.join(TrackerKind)}")
    return Tracker(
        id=s.matching("id", TRACKER_ID_RE),
        name=s.get("name", str),
        category=category,
        kind=TrackerKind(kind),
        hosts=s.strings("hosts", HOST_RE),
        cookies=s.strings("cookies", COOKIE_RE),
    )


def _site(s: Section) -> Site:
    languages = s.strings("languages", LANG_RE) or ("en",)
    domain = s.get("cookie_domain", str, "")
    if domain and not re.fullmatch(r"\.?[A-Za-z0-9.-]+", domain):
        raise s.fail("cookie_domain", f"{domain!r} is not a domain")
    return Site(
        id=s.matching("id", ID_RE),
        name=s.get("name", str),
        origins=s.strings("origins", ORIGIN_RE),
        cookie_name=s.matching("cookie_name", COOKIE_NAME_RE, "consent"),
        cookie_domain=domain,
        languages=languages,
    )


def _texts(s: Section, languages: set[str]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for lang in sorted(languages):
        t = s.table(lang)
        texts[lang] = {name: t.get(name, str) for name in REQUIRED_TEXTS}
        texts[lang].update({k: v for k, v in t.data.items() if isinstance(v, str)})
    return texts


def _users(s: Section) -> list[DashboardUser]:
    users = []
    for t in s.tables("users"):
        password_hash = t.get("password_hash", str)
        if not password_hash.startswith(("scrypt:", "pbkdf2:")):
            raise t.fail("password_hash", "must be a werkzeug hash (flask --app app hash-password)")
        users.append(DashboardUser(name=t.get("name", str), password_hash=password_hash))
    return users
