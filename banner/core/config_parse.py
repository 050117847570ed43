"""Turn the operator's TOML (plus environment overrides) into a validated :class:`Config`.

Fail fast, Starlette-style: every problem is a :class:`ConfigError` naming the file, the dotted
key and what is wrong, raised at start-up. What each key may hold is declared in
:mod:`banner.core.config_spec`; this module builds the values and checks how keys relate.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from typing import Any, TypeVar

from banner.core.config import (
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
from banner.core.config_iab import check_tcf_keys, parse_iab
from banner.core.config_reader import Section
from banner.core.config_spec import ROOT
from banner.core.config_variants import check_fairness, read_variants
from banner.core.errors import ConfigError
from banner.core.regimes import Jurisdictions, Regime, default_countries


def load_config(path: str, environ: Mapping[str, str], require_secret: bool) -> Config:
    """Read and validate the config file at ``path``; the only I/O in the core."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(path, "(file)", "not found") from None
    except OSError as e:
        raise ConfigError(path, "(file)", e.strerror or str(e)) from None
    except UnicodeDecodeError:
        raise ConfigError(path, "(syntax)", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, "(syntax)", str(e)) from None
    return parse_config(data, path, environ, require_secret)


def parse_config(data: Mapping[str, Any], source: str, environ: Mapping[str, str], require_secret: bool) -> Config:
    """Validate raw TOML data; the environment wins over the file, as SPEC says."""
    root = Section(source, "", dict(data), ROOT)
    policy = _policy(root.table("policy"))
    categories = _unique(root, "categories", [_category(t) for t in root.tables("categories")])
    cat_ids = {c.id for c in categories}
    trackers = _unique(root, "trackers", [_tracker(t, cat_ids) for t in root.tables("trackers")])
    sites = _unique(root, "sites", [_site(t) for t in root.tables("sites")])
    if not any(c.required for c in categories):
        raise root.fail("categories", "at least one category must be required = true")
    languages = {lang for site in sites for lang in site.languages}
    texts = _texts(root, languages)
    check_fairness(root, sites, texts)
    for i, category in enumerate(categories):
        for lang in sorted(languages - category.text.keys()):
            raise root.fail(f"categories[{i}].text.{lang}", "missing for a site language")
    service = _service(root.table("service"), environ, require_secret)
    iab = parse_iab(root.table("iab"), service.data_dir)
    check_tcf_keys(source, iab, sites, categories, trackers)
    return Config(
        source=source,
        service=service,
        policy=policy,
        sites={s.id: s for s in sites},
        categories=tuple(categories),
        trackers=tuple(trackers),
        texts=texts,
        dashboard_users=tuple(_users(root.table("dashboard"))),
        limits=_limits(root.table("limits")),
        jurisdictions=_jurisdictions(root.table("jurisdictions")),
        iab=iab,
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
    secret = _held_to(s, "secret_key", environ.get("SECRET_KEY") or s.value("secret_key", str))
    if require_secret and not secret:
        raise s.fail("secret_key", s.spec.field("secret_key").problem)
    fallbacks = s.values("secret_key_fallbacks", str)
    if "SECRET_KEY_FALLBACKS" in environ:
        keys = (k.strip() for k in environ["SECRET_KEY_FALLBACKS"].split(","))
        fallbacks = tuple(k for k in keys if k)
        for i, key in enumerate(fallbacks):
            _held_to(s, "secret_key_fallbacks", key, f"secret_key_fallbacks[{i}]")
    data_dir = environ.get("DATA_DIR") or s.value("data_dir", str)
    redis_url = _held_to(s, "redis_url", environ.get("REDIS_URL", s.value("redis_url", str)))
    cluster = environ.get("REDIS_CLUSTER", "") in ("1", "true", "yes") or s.value("redis_cluster", bool)
    return Service(
        secret_key=secret,
        secret_key_fallbacks=fallbacks,
        redis_url=redis_url,
        redis_cluster=cluster or redis_url.startswith("redis+cluster://"),
        data_dir=data_dir,
        archive_dir=s.value("archive_dir", str) or os.path.join(data_dir, "archive"),
        country_header=s.value("country_header", str),
        proxy_hops=s.value("proxy_hops", int),
    )


def _held_to(s: Section, name: str, value: str, key: str = "") -> str:
    """``value`` (perhaps from the environment), held to the rule declared for the key ``name``."""
    problem = s.spec.field(name).fault(value)
    if problem:
        raise s.fail(key or name, problem)
    return value


def _jurisdictions(s: Section) -> Jurisdictions:
    """Lists given in the file replace the built-in country lists as a whole."""
    listed = [r for r in Regime if r.value in s.data]
    countries = {} if listed else default_countries()
    for r in listed:
        for code in s.values(r.value, str):
            if code in countries:
                raise s.fail(r.value, f"{code} is already listed under {countries[code].value}")
            countries[code] = r
    return Jurisdictions(
        countries=countries, unknown=Regime(s.value("unknown", str)), other=Regime(s.value("other", str))
    )


def _limits(s: Section) -> RateLimits:
    return RateLimits(consent=s.value("consent", str), events=s.value("events", str), login=s.value("login", str))


def _policy(s: Section) -> Policy:
    max_age = s.value("consent_max_age_days", int)
    retention = s.value("retention_days", int)
    if retention < max_age:
        raise s.fail("retention_days", "must be at least consent_max_age_days")
    hot = s.value("hot_days", int) or max_age
    if not max_age <= hot <= retention:
        raise s.fail("hot_days", "must be between consent_max_age_days and retention_days (or 0)")
    return Policy(
        version=s.value("version", str),
        url=s.value("url", str),
        honor_dnt=s.value("honor_dnt", bool),
        dnt_notice=s.value("dnt_notice", str),
        honor_gpc=s.value("honor_gpc", bool),
        consent_max_age_days=max_age,
        retention_days=retention,
        hot_days=hot,
    )


def _category(s: Section) -> Category:
    text = {
        lang: Text(label=t.value("label", str), description=t.value("description", str))
        for lang, t in s.keyed("text").items()
    }
    return Category(
        id=s.value("id", str),
        required=s.value("required", bool),
        google_consent_mode=s.values("google_consent_mode", str),
        text=text,
        tcf_purposes=s.values("tcf_purposes", int),
        tcf_special_features=s.values("tcf_special_features", int),
    )


def _tracker(s: Section, category_ids: set[str]) -> Tracker:
    category = s.value("category", str)
    if category not in category_ids:
        raise s.fail("category", f"{category!r} is not a configured category")
    return Tracker(
        id=s.value("id", str),
        name=s.value("name", str),
        category=category,
        kind=TrackerKind(s.value("kind", str)),
        hosts=s.values("hosts", str),
        cookies=s.values("cookies", str),
        tcf_vendor_id=s.value("tcf_vendor_id", int),
    )


def _site(s: Section) -> Site:
    languages = s.values("languages", str) or ("en",)
    return Site(
        id=s.value("id", str),
        name=s.value("name", str),
        origins=s.values("origins", str),
        cookie_name=s.value("cookie_name", str),
        cookie_domain=s.value("cookie_domain", str),
        languages=languages,
        variants=read_variants(s, languages),
        tcf_vendors=s.values("tcf_vendors", int),
    )


def _texts(root: Section, languages: set[str]) -> dict[str, dict[str, str]]:
    """Every ``[texts.<lang>]`` table is checked; the sites' languages must all be there."""
    tables = root.keyed("texts")
    texts = {lang: _banner_texts(t) for lang, t in tables.items()}
    for lang in sorted(languages - tables.keys()):
        raise root.fail(f"texts.{lang}", "missing for a site language")
    return {lang: texts[lang] for lang in sorted(languages)}


def _banner_texts(t: Section) -> dict[str, str]:
    return {f.name: t.value(f.name, str) for f in t.spec.fields if f.required or f.name in t.data}


def _users(s: Section) -> list[DashboardUser]:
    return [
        DashboardUser(name=t.value("name", str), password_hash=t.value("password_hash", str)) for t in s.tables("users")
    ]
