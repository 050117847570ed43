"""Config validation: every problem names the file, the key and what is wrong."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from banner.core.config import TrackerKind
from banner.core.config_parse import load_config, parse_config
from banner.core.errors import ConfigError
from tests.support import SHIPPED_CONFIG, schema_problems


def shipped() -> dict[str, Any]:
    with open(SHIPPED_CONFIG, "rb") as f:
        return tomllib.load(f)


def parse(data: dict[str, Any], environ: dict[str, str] | None = None, require_secret: bool = False):
    return parse_config(data, "config.toml", environ or {}, require_secret)


def test_shipped_config_models_the_source_policy() -> None:
    config = parse(shipped())
    assert config.sites["demo"].languages == ("en", "fr")
    assert {t.kind for t in config.trackers} == set(TrackerKind)
    assert config.policy.honor_dnt is False
    assert "do not honor Do Not Track" in config.policy.dnt_notice
    assert sum(t.kind is TrackerKind.AD_NETWORK for t in config.trackers) >= 2
    assert {"necessary", "preferences", "analytics", "advertising", "beacons"} <= {c.id for c in config.categories}


def _break(path: str, value: Any) -> dict[str, Any]:
    data = shipped()
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is DELETE:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


DELETE = object()
SECTIONS = [
    "service.secret_key",
    "service.redis_url",
    "service.country_header",
    "service.proxy_hops",
    "service.secret_key_fallbacks",
    "policy.url",
    "policy.version",
    "policy.url",
    "policy.honor_dnt",
    "policy.consent_max_age_days",
    "policy.retention_days",
    "sites.0.id",
    "sites.0.origins",
    "sites.0.languages",
    "sites.0.cookie_domain",
    "sites.0.variants",
    "sites.0",
    "categories.0.google_consent_mode",
    "categories.1.text",
    "categories.1.required",
    "categories.1",
    "trackers.2.kind",
    "trackers.2.hosts",
    "trackers.2.cookies",
    "trackers.2",
    "texts.en",
    "texts.fr.title",
    "dashboard.users",
    "limits.consent",
    "jurisdictions.opt_in",
    "jurisdictions.unknown",
    "sites.0.cookie_name",
    "categories.0.text.en",
    "dashboard.users.0.password_hash",
    "sites",
    "trackers",
    "categories",
]


@pytest.mark.parametrize(
    ("path", "value", "key", "problem"),
    [
        ("trackers.0.kind", "pixel_tag", "trackers[0].kind", "is not one of"),
        ("trackers.0.category", "nope", "trackers[0].category", "not a configured category"),
        ("trackers.1.id", "session", "trackers[1].id", "duplicate id"),
        ("categories.1.id", "necessary", "categories[1].id", "duplicate id"),
        ("sites.0.id", "Demo Site!", "sites[0].id", "must match"),
        ("texts.fr.save", DELETE, "texts.fr.save", "is required"),
        ("categories.2.text.fr", DELETE, "categories[2].text.fr", "missing for a site language"),
        ("policy.version", "Feb 2015", "policy.version", "must be a date"),
        ("policy.honor_dnt", "no", "policy.honor_dnt", "must be a bool"),
        ("categories.0.google_consent_mode", ["ads"], "categories[0].google_consent_mode[0]", "is not one of"),
        ("sites.0.origins", ["example.org"], "sites[0].origins[0]", "not a valid entry"),
        ("policy.retention_days", 10, "policy.retention_days", "at least consent_max_age_days"),
    ],
)
def test_bad_config_names_file_key_and_problem(path: str, value: Any, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(_break(path, value))
    assert info.value.source == "config.toml"
    assert info.value.key == key
    assert problem in info.value.problem
    assert str(info.value).startswith(f"config.toml: {key}: ")


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("policy.honour_dnt", True, "unknown key in [policy]; did you mean honor_dnt?"),
        ("sites.0.cookie_domian", ".example.org", "unknown key in [[sites]]; did you mean cookie_domain?"),
        ("categories.0.text.en.lable", "x", "unknown key in [categories.text.<lang>]; did you mean label?"),
        ("trackers.3.categroy", "advertising", "unknown key in [[trackers]]; did you mean category?"),
        ("texts.fr.tittle", "Titre", "unknown key in [texts.<lang>]; did you mean title?"),
        ("limits.consents", "1 per second", "unknown key in [limits]; did you mean consent?"),
        ("jurisdictions.opt-in", ["FR"], "unknown key in [jurisdictions]; did you mean opt_in?"),
        ("dashboard.users.0.password", "x", "unknown key in dashboard.users[]; did you mean password_hash?"),
        ("dashboard.user", [{"name": "x"}], "unknown table in [dashboard]; did you mean users?"),
        ("service.honor_dnt", True, "unknown key in [service]; honor_dnt belongs in [policy]"),
        ("gdpr", {"cmp_id": 0}, "unknown table at the top level; known: service, policy, jurisdictions, limits, "),
    ],
)
def test_an_unknown_key_is_an_error_that_says_what_to_type(path: str, value: Any, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(_break(path, value))
    key = re.sub(r"\.(\d+)", r"[\1]", path)
    assert str(info.value).startswith(f"config.toml: {key}: {problem}")


def test_banner_texts_are_a_fixed_set_and_languages_look_like_languages() -> None:
    with pytest.raises(ConfigError, match=r"^config\.toml: texts\.en\.banner_title: unknown key .*known: title, "):
        parse(_break("texts.en.banner_title", "Cookies"))
    with pytest.raises(ConfigError, match=r"^config\.toml: texts\.EN: 'EN' must match "):
        parse(_break("texts.EN", shipped()["texts"]["en"]))


def test_production_refuses_to_start_without_a_secret() -> None:
    with pytest.raises(ConfigError, match=r"service\.secret_key"):
        parse(shipped(), require_secret=True)


def test_environment_wins_over_the_file() -> None:
    environ = {
        "SECRET_KEY": "k" * 20,
        "SECRET_KEY_FALLBACKS": "old-one-0123456789,older-0123456789",
        "REDIS_URL": "redis://10.0.0.1:6379/0",
        "REDIS_CLUSTER": "1",
    }
    service = parse(shipped(), environ, require_secret=True).service
    assert service.secret_key == "k" * 20
    assert service.signing_keys == ["old-one-0123456789", "older-0123456789", "k" * 20]
    assert service.redis_url == "redis://10.0.0.1:6379/0"
    assert service.redis_cluster is True


def test_missing_file_and_bad_syntax_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(str(tmp_path / "nope.toml"), {}, False)
    bad = tmp_path / "bad.toml"
    bad.write_text("[policy\nversion = 1")
    with pytest.raises(ConfigError) as info:
        load_config(str(bad), {}, False)
    assert info.value.source == str(bad) and info.value.key == "(syntax)"


def test_the_app_does_not_start_on_a_bad_config(config_copy: Path, environ: dict[str, str]) -> None:
    from tests.support import edited_app

    with pytest.raises(ConfigError, match=r"trackers\[\d+\]\.kind"):
        edited_app(environ, config_copy, ('kind = "beacon"', 'kind = "pixel"'))


TOML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5000)
    | st.text(max_size=12)
    | st.sampled_from(["en", "demo", "opt_in"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(SECTIONS), value=TOML_VALUES)
def test_any_value_anywhere_is_accepted_or_named_never_a_crash(path: str, value: Any) -> None:
    """Whatever an operator writes at any key, start-up either succeeds or says which key is wrong;
    what it accepts, the schema given to editors accepts too."""
    data = _break(path, value)
    try:
        parse(data)
    except ConfigError as e:
        assert e.source == "config.toml" and e.key and e.problem
    else:
        assert schema_problems(data) == []


@settings(max_examples=200, deadline=None)
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "service",
                "policy",
                "sites",
                "categories",
                "trackers",
                "texts",
                "dashboard",
                "limits",
                "jurisdictions",
                "other",
            ]
        ),
        TOML_VALUES,
    )
)
def test_any_top_level_shape_is_accepted_or_named(data: dict[str, Any]) -> None:
    config = {**shipped(), **data}
    try:
        parse(config)
    except ConfigError as e:
        assert e.key and e.problem
    else:
        assert schema_problems(config) == []
