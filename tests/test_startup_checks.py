"""Start-up refuses what would be unsafe in production and warns about what looks like a typo."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.security import generate_password_hash

from banner.core.errors import ConfigError
from banner.web import create_app
from tests.support import edit_config


def production_app(environ: dict[str, str]) -> Flask:
    """The app as gunicorn builds it: neither debug nor testing."""
    return create_app({"ENVIRON": environ, "FLUSH_INTERVAL": 0})


def with_real_password(config: Path) -> Path:
    """``config`` with the demo user's hash replaced by the hash of a private password."""
    demo_hash = tomllib.loads(config.read_text())["dashboard"]["users"][0]["password_hash"]
    return edit_config(config, (demo_hash, generate_password_hash("a-private-password-2015")))


@pytest.mark.parametrize("fallbacks", ["x", "old-key-0123456789,short"])
def test_a_weak_fallback_key_stops_start_up(environ: dict[str, str], fallbacks: str) -> None:
    with pytest.raises(ConfigError) as info:
        production_app({**environ, "SECRET_KEY_FALLBACKS": fallbacks})
    assert info.value.key == f"service.secret_key_fallbacks[{fallbacks.count(',')}]"
    assert "16+ characters" in info.value.problem
    assert "short" not in str(info.value) and "'x'" not in str(info.value)  # a key is never echoed


def test_the_demo_dashboard_user_stops_production_start_up(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        production_app(environ)
    assert info.value.key == "dashboard.users[0].password_hash"
    assert "'marketing' has the published demo password" in info.value.problem
    assert "flask --app app hash-password" in info.value.problem


def test_production_starts_once_the_dashboard_password_is_real(environ: dict[str, str], config_copy: Path) -> None:
    app = production_app({**environ, "BANNER_CONFIG": str(with_real_password(config_copy))})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_development_keeps_the_demo_user(environ: dict[str, str]) -> None:
    app = create_app({"ENVIRON": environ, "FLUSH_INTERVAL": 0, "DEBUG": True})
    assert app.debug and app.test_client().get("/healthz").status_code == 200


def test_variables_that_look_like_ours_are_warned_about(
    environ: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    typos = {"BANNER_CONFG": "other.toml", "REDIS_URI": "redis://x", "SECRET_KEYS": "k" * 20, "REDIS_HOST": "x"}
    with caplog.at_level(logging.WARNING, logger="banner.web"):
        create_app({"TESTING": True, "ENVIRON": {**environ, **typos}, "FLUSH_INTERVAL": 0})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "environment variable BANNER_CONFG is not read by the service; did you mean BANNER_CONFIG?" in warnings
    assert "environment variable REDIS_URI is not read by the service; did you mean REDIS_URL?" in warnings
    assert "environment variable SECRET_KEYS is not read by the service; did you mean SECRET_KEY?" in warnings
    assert not [w for w in warnings if "REDIS_HOST" in w or "PATH" in w]
