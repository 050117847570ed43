"""What the tests share besides fixtures: the shipped config, a test app, and common requests."""

from __future__ import annotations

import functools
import os
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = ROOT / "config.toml"
SECRET = "test-secret-key-0123456789"
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)


def service_environ(redis_url: str, data_dir: Path, config: Path = SHIPPED_CONFIG) -> dict[str, str]:
    """What a test app reads instead of ``os.environ``: its own Redis, config and data directory."""
    return {
        "SECRET_KEY": SECRET,
        "REDIS_URL": redis_url,
        "BANNER_CONFIG": str(config),
        "DATA_DIR": str(data_dir),
        "PATH": os.environ.get("PATH", ""),
    }


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


def services_of(app: Flask) -> Any:
    from banner.web.context import services

    with app.app_context():
        return services()


def post_consent(client: FlaskClient, headers: dict[str, str] | None = None, **body: Any) -> Any:
    """``POST /api/v1/consent`` for the demo site from a desktop browser; ``body`` adds or overrides fields."""
    body = {"site": "demo", "action": "custom", **body}
    return client.post("/api/v1/consent", json=body, headers={"User-Agent": DESKTOP_UA, **(headers or {})})


def utc_today() -> str:
    """Today's counter day (YYYYMMDD, UTC), worked out apart from the code under test."""
    return datetime.now(UTC).strftime("%Y%m%d")


def entries(redis: Any, streams: list[str]) -> list[tuple[str, dict[str, str]]]:
    """Every entry of ``streams`` (a site's buckets), oldest first."""
    rows = [row for stream in streams for row in redis.xrange(stream)]
    return sorted(rows, key=lambda row: tuple(int(part) for part in row[0].split("-")))


def steady_limits(app: Flask) -> Flask:
    """Rate-limit windows that do not roll over during a test: every hit lands mid-hour."""
    from banner.web.limits import EXTENSION

    moment = (time.time() // 3600) * 3600 + 1800.5
    for storage in app.extensions[EXTENSION].storages():
        storage.clock = lambda: moment
    return app
