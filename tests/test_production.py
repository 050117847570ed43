"""The service as it runs in production (neither debug nor testing): safe by default.

Cookies are ``Secure`` and HSTS is sent even when the TLS proxy in front is invisible to the app;
there is no demo page, no stand-in tracker and no synthetic-traffic command; the embedded Redis
keeps its files to this user; logs keep no address and no token.
"""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from gunicorn.config import Config as GunicornConfig
from werkzeug.security import generate_password_hash

from banner.web import create_app
from banner.web.logs import AccessLogger, RedactingFilter

TOKEN = "eyJjIjp7fSwiaSI6IkFiQ2QifQ.axFCHA.c2lnbmF0dXJl"


@pytest.fixture()
def production(environ: dict[str, str], config_copy: Path) -> Flask:
    """An app as gunicorn starts it, with a real (non-demo) dashboard password."""
    text = config_copy.read_text()
    start = text.index("users = [")
    end = text.index("\n", start)
    real = generate_password_hash("a real and long password", method="pbkdf2:sha256:1000")
    config_copy.write_text(text[:start] + f'users = [{{ name = "ops", password_hash = "{real}" }}]' + text[end:])
    return create_app({"ENVIRON": {**environ, "BANNER_CONFIG": str(config_copy)}, "FLUSH_INTERVAL": 0})


def test_cookies_are_secure_and_hsts_is_sent_behind_an_unseen_tls_proxy(production: Flask) -> None:
    client = production.test_client()
    consent = client.post("/api/v1/consent", json={"site": "demo", "action": "reject_all"})
    assert consent.status_code == 201
    assert "; Secure" in consent.headers["Set-Cookie"]
    withdrawal = client.delete("/api/v1/consent?site=demo", headers={"X-Consent-Token": consent.get_json()["token"]})
    assert "; Secure" in withdrawal.headers["Set-Cookie"]
    assert client.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_demo_routes_in_production(production: Flask) -> None:
    client = production.test_client()
    for path in ("/", "/demo/strict", "/demo/t/doubleclick.js", "/demo/t/pixel.gif", "/demo/t/youtube.html"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Set-Cookie" not in response.headers, path
    assert "seed-demo" not in production.cli.commands


def test_demo_routes_with_the_explicit_flag(environ: dict[str, str], config_copy: Path, production: Flask) -> None:
    flagged = create_app({"ENVIRON": environ, "FLUSH_INTERVAL": 0, "DEMO": True, "TESTING": False, "DEBUG": True})
    assert flagged.test_client().get("/").status_code == 200


def test_the_embedded_redis_keeps_its_files_to_this_user(tmp_path: Path, environ: dict[str, str]) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    app = create_app(
        {"TESTING": True, "FLUSH_INTERVAL": 0, "ENVIRON": {**environ, "REDIS_URL": "", "DATA_DIR": str(data_dir)}}
    )
    app.test_client().post("/api/v1/consent", json={"site": "demo", "action": "accept_all"})
    app.extensions["consent"].store.redis.bgrewriteaof()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.startswith("redis.db") for p in files) and any("aof" in p.name for p in files)
    loose = {
        str(p.relative_to(data_dir)): oct(stat.S_IMODE(p.stat().st_mode)) for p in files if p.stat().st_mode & 0o077
    }
    assert loose == {}
    app.extensions["consent"].store.redis.shutdown()


def test_gunicorn_access_lines_keep_no_address_token_or_secret_header() -> None:
    config = GunicornConfig()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(q)s "%(f)s" %({x-consent-token}i)s %({cookie}i)s')
    logger = AccessLogger(config)
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/decision?site=demo&token={TOKEN}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": f"site=demo&Token={TOKEN}",
        "HTTP_REFERER": f"https://publisher.example/?token={TOKEN}",
    }
    request = SimpleNamespace(headers=[("X-CONSENT-TOKEN", TOKEN), ("COOKIE", f"consent={TOKEN}")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1))
    line = config.access_log_format % atoms
    assert "203.0.113.9" not in line and TOKEN not in line, line
    assert "site=demo" in line and "[redacted]" in line


def test_development_server_lines_keep_no_address_or_token() -> None:
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '%s - - [03/Dec/2026 10:00:00] "%s" %s %s', None, None
    )
    record.args = ("198.51.100.7", f"GET /api/v1/consent/AbCd?site=demo&token={TOKEN} HTTP/1.1", "200", "-")
    assert RedactingFilter().filter(record)
    message = record.getMessage()
    assert "198.51.100.7" not in message and TOKEN not in message
    assert message.startswith("- - - [03/Dec/2026") and "token=[redacted]" in message
