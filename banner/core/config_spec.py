"""Every key of ``config.toml``, declared once: the parser, the JSON Schema and the README read these.

This module holds how the service runs and the policy; :mod:`banner.core.config_spec_banner`
holds what the banner shows. Adding a key is one :class:`Field` (or :class:`Child`) there, plus
reading its value where the model is built, in :mod:`banner.core.config_parse`.
"""

from __future__ import annotations

from datetime import date

from limits import parse_many

from banner.core.config import RateLimits
from banner.core.config_fields import Child, Field, Shape, Table
from banner.core.config_spec_banner import CATEGORY, LANG, SITE, TEXTS, TRACKER
from banner.core.regimes import OPT_IN_COUNTRIES, OPT_OUT_COUNTRIES, Regime

COUNTRY = r"[A-Z]{2}"
KEY_LENGTH = 16
STRONG_KEY = rf"[\s\S]{{{KEY_LENGTH},}}"


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_rate_limit(value: str) -> bool:
    try:
        parse_many(value)
    except ValueError:
        return False
    return True


def _rate_limit(name: str, what: str) -> Field:
    return Field(
        name,
        str,
        f"Per-client limit on {what}: 'N per second, minute, hour or day', several joined by ';'",
        default=getattr(RateLimits, name),
        check=_is_rate_limit,
        problem="{value!r} is not a rate limit like '30 per minute'",
    )


def _countries(regime: Regime, default: tuple[str, ...], shown: str) -> Field:
    return Field(
        regime.value,
        str,
        f"Countries (ISO 3166-1 alpha-2) under {regime.value}; lists given replace all the built-in ones",
        default=default,
        many=True,
        pattern=COUNTRY,
        shown_default=shown,
    )


SERVICE = Table(
    "[service]",
    "How the service itself runs: keys, Redis, trusted headers",
    fields=(
        Field(
            "secret_key",
            str,
            "Signs consent tokens and dashboard sessions; 16+ characters, required outside development (or SECRET_KEY)",
            default="",
            pattern=f"({STRONG_KEY})?",
            problem=f"a secret key of {KEY_LENGTH}+ characters is required (or SECRET_KEY)",
            shown_default="(none)",
        ),
        Field(
            "secret_key_fallbacks",
            str,
            f"Old keys that still verify tokens after a rotation, {KEY_LENGTH}+ characters each "
            "(or SECRET_KEY_FALLBACKS, comma-separated)",
            default=(),
            many=True,
            pattern=STRONG_KEY,
            problem=f"a fallback key needs {KEY_LENGTH}+ characters, like the secret key",
        ),
        Field(
            "redis_url",
            str,
            '"" = embedded Redis under data_dir; redis://, rediss://, unix://, redis+cluster:// (or REDIS_URL)',
            default="",
            pattern=r"((redis|rediss|unix|redis\+cluster)://.*)?",
            problem="must start with redis://, rediss://, unix:// or redis+cluster://",
        ),
        Field("redis_cluster", bool, "Talk to a Redis Cluster (or REDIS_CLUSTER=1)", default=False),
        Field(
            "data_dir",
            str,
            "Embedded Redis data, the outage spool, the development key (or DATA_DIR)",
            default="var",
        ),
        Field(
            "archive_dir",
            str,
            'Where consent records older than policy.hot_days are archived; "" = data_dir/archive',
            default="",
        ),
        Field(
            "country_header",
            str,
            "A trusted CDN header giving the visitor's country, e.g. CF-IPCountry; only behind a CDN that sets it",
            default="",
            pattern="([A-Za-z0-9-]{1,64})?",
            problem="{value!r} is not a header name",
        ),
        Field(
            "proxy_hops",
            int,
            "Reverse proxies in front whose X-Forwarded-For/-Proto are trusted",
            default=0,
            minimum=0,
            maximum=5,
        ),
    ),
)

POLICY = Table(
    "[policy]",
    "The privacy policy in force",
    fields=(
        Field(
            "version",
            str,
            "The policy's publication date, YYYY-MM-DD; a new version re-prompts everyone",
            pattern=r"\d{4}-\d{2}-\d{2}",
            check=_is_date,
            problem="{value!r} must be a date, YYYY-MM-DD",
        ),
        Field("url", str, "Link to the policy, shown in the banner", pattern=r"https?://\S+"),
        Field("honor_dnt", bool, "The policy's choice; true makes DNT refuse every non-required category", False),
        Field("dnt_notice", str, "The policy's own Do Not Track sentence, shown in the banner and dashboard"),
        Field(
            "honor_gpc", bool, "Global Privacy Control denies ad_network trackers and the Consent Mode ad keys", True
        ),
        Field(
            "consent_max_age_days",
            int,
            "Token and cookie lifetime (390 = 13 months)",
            default=390,
            minimum=1,
            maximum=3650,
        ),
        Field(
            "retention_days",
            int,
            "How long consent records, logs and counters are kept; at least consent_max_age_days",
            default=1825,
        ),
        Field(
            "hot_days",
            int,
            "Days of consent records kept in Redis before `flask --app app archive` moves them to the "
            "archive; 0 = consent_max_age_days (the least: every live token's receipt stays in Redis)",
            default=0,
            minimum=0,
        ),
    ),
)

REGIMES = tuple(r.value for r in Regime)
JURISDICTIONS = Table(
    "[jurisdictions]",
    "Which consent regime applies, by the country from service.country_header",
    fields=(
        Field("unknown", str, "Regime when the country is unknown (no trusted header)", "opt_in", choices=REGIMES),
        Field("other", str, "Regime for countries not listed", "notice", choices=REGIMES),
        _countries(Regime.OPT_IN, OPT_IN_COUNTRIES, "EU, EEA, GB, CH"),
        _countries(Regime.OPT_OUT, OPT_OUT_COUNTRIES, "US"),
        _countries(Regime.NOTICE, (), "none"),
    ),
)

LIMITS = Table(
    "[limits]",
    "Per-client rate limits (a client is a salted hash of its address, never the address)",
    fields=(
        _rate_limit("consent", "consent writes"),
        _rate_limit("events", "banner view events"),
        _rate_limit("login", "dashboard sign-in attempts"),
    ),
)

USER = Table(
    "dashboard.users[]",
    "A dashboard user",
    fields=(
        Field("name", str, "Sign-in name"),
        Field(
            "password_hash",
            str,
            "A werkzeug hash, made with: flask --app app hash-password",
            pattern="(scrypt|pbkdf2):.*",
            problem="must be a werkzeug hash (flask --app app hash-password)",
        ),
    ),
)

IAB = Table(
    "[iab]",
    "IAB signals for ad tech: TCF v2.3 TC strings and GPP strings",
    fields=(
        Field(
            "cmp_id",
            int,
            "The CMP id IAB Europe registered for you; 0 = no TC strings anywhere (a site with tcf_vendors needs one)",
            default=0,
            minimum=0,
            maximum=4095,
            check=lambda value: value != 1,
            problem="{value!r} is not a CMP id: 0 (no TCF) or your registered id, 2 to 4095",
        ),
        Field("cmp_version", int, "Your CMP's version, written into every TC string", 1, minimum=1, maximum=4095),
        Field(
            "publisher_cc",
            str,
            "The publisher's country (ISO 3166-1 alpha-2) written into TC strings; AA = unknown",
            default="AA",
            pattern=COUNTRY,
        ),
        Field(
            "gvl",
            str,
            'The local copy of the IAB Global Vendor List (v3 JSON); "" = data_dir/gvl/vendor-list.json. '
            "flask --app app gvl-update refreshes it",
            default="",
        ),
        Field(
            "gpp",
            bool,
            "Issue GPP strings: usnat (section 7) for opt_out visitors, the TC string (section 2) where TCF applies",
            default=False,
        ),
        Field(
            "mspa_covered_transaction",
            bool,
            "You signed the IAB Multi-State Privacy Agreement and declare transactions covered (usnat MSPA fields)",
            default=False,
        ),
        Field(
            "mspa_mode",
            str,
            "The MSPA mode of covered transactions",
            default="opt_out_option",
            choices=("opt_out_option", "service_provider"),
        ),
    ),
)

DASHBOARD = Table(
    "[dashboard]",
    "The marketing dashboard",
    children=(Child("users", USER, "Who may sign in: {name, password_hash}", Shape.ARRAY),),
)

ROOT = Table(
    "the file",
    "Configuration of the consent service",
    children=(
        Child("service", SERVICE, SERVICE.description),
        Child("policy", POLICY, POLICY.description, required=True),
        Child("jurisdictions", JURISDICTIONS, JURISDICTIONS.description),
        Child("limits", LIMITS, LIMITS.description),
        Child("dashboard", DASHBOARD, DASHBOARD.description),
        Child("iab", IAB, IAB.description),
        Child("sites", SITE, "The websites that embed the banner", Shape.ARRAY, required=True, min_items=1),
        Child("categories", CATEGORY, "Purposes; at least one required", Shape.ARRAY, required=True, min_items=1),
        Child("trackers", TRACKER, "What pages load, each in one category", Shape.ARRAY),
        Child("texts", TEXTS, TEXTS.description, Shape.MAP, required=True, key_pattern=LANG, key_name="<lang>"),
    ),
)

#: The environment variables the service reads (they win over the file); HOST and PORT are where
#: ``make run`` and ``gunicorn.conf.py`` listen.
VARIABLES = (
    "BANNER_CONFIG",
    "REDIS_URL",
    "REDIS_CLUSTER",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "DATA_DIR",
    "HOST",
    "PORT",
    "DEMO",
)
