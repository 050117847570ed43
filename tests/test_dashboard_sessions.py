"""Dashboard sessions live server-side: sign-out and a new password end them, 8 hours is absolute."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_date
from werkzeug.security import generate_password_hash

from banner.store.sessions import SessionRegistry
from banner.web.dashboard.auth import SESSIONS
from banner.web.dashboard.session import COOKIE_NAME
from tests.support import edited_app, make_app
from tests.support.dashboard import PASSWORD, USER, csrf_from, sign_in

HOUR = 3600.0
PAGE, API = "/dashboard/", "/api/v1/stats?site=demo"


class Clock:
    """A settable clock for the session registry: hours pass without sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(app: Flask) -> Clock:
    fake = Clock()
    registry: SessionRegistry = app.extensions[SESSIONS]
    registry.clock = fake
    return fake


def signed_in(client: FlaskClient) -> bool:
    """Whether both the pages and the JSON API let this client in (and say so the same way)."""
    page, api = client.get(PAGE), client.get(API)
    if page.status_code == 200 and api.status_code == 200:
        assert f"Signed in as <strong>{USER}</strong>" in page.get_data(as_text=True)
        assert api.get_json()["site"] == "demo"
        return True
    assert page.status_code == 302 and page.location.startswith("/dashboard/login?next=")
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthorized"
    return False


def copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE_NAME, cookie.value)
    return thief


def sign_out(client: FlaskClient) -> None:
    response = client.post("/dashboard/logout", data={"csrf_token": csrf_from(client, PAGE)})
    assert response.status_code == 302 and response.location == "/dashboard/login?signed_out=1"


def test_a_copied_cookie_stops_working_after_sign_out(app: Flask, client: FlaskClient) -> None:
    assert sign_in(client).status_code == 302
    copy = copy_of(client, app)
    assert signed_in(copy)
    sign_out(client)
    assert not signed_in(client)
    assert not signed_in(copy)


def test_a_session_ends_8_hours_after_sign_in_whatever_the_activity(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    assert sign_in(client).status_code == 302
    start = clock.now
    for hours in (1, 4, 7, 7.99):
        clock.now = start + hours * HOUR
        assert signed_in(client), f"refused after {hours} h"
    clock.now = start + 8 * HOUR + 1
    assert not signed_in(client)


def test_the_cookie_expires_with_the_session_not_after_the_last_page(client: FlaskClient, clock: Clock) -> None:
    clock.now += 2 * HOUR  # the session's clock, not the wall clock, sets the cookie's end
    response = sign_in(client)
    expires = parse_date(_cookie_attribute(response.headers["Set-Cookie"], "Expires"))
    assert expires is not None and abs(expires.timestamp() - (clock.now + 8 * HOUR)) <= 1
    clock.now += 2 * HOUR
    later = client.get(PAGE)
    assert later.status_code == 200
    for header in later.headers.getlist("Set-Cookie"):
        assert parse_date(_cookie_attribute(header, "Expires")) == expires


def test_signing_in_again_ends_the_session_this_browser_had(app: Flask, client: FlaskClient) -> None:
    sign_in(client)
    before = copy_of(client, app)
    again = client.post(
        "/dashboard/login", data={"csrf_token": csrf_from(client, PAGE), "username": USER, "password": PASSWORD}
    )
    assert again.status_code == 302
    assert signed_in(client)
    assert not signed_in(before)


def test_a_new_password_hash_ends_existing_sessions(
    app: Flask, client: FlaskClient, environ: dict[str, str], config_copy: Path
) -> None:
    assert sign_in(client).status_code == 302
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None
    unchanged = make_app({**environ, "BANNER_CONFIG": str(config_copy)})
    same = unchanged.test_client()
    same.set_cookie(COOKIE_NAME, cookie.value)
    assert signed_in(same)  # another worker with the same config: the session holds

    old_hash = app.extensions["consent"].config.dashboard_users[0].password_hash
    rotated = edited_app(environ, config_copy, (old_hash, generate_password_hash("a new password, 2025")))
    after = rotated.test_client()
    after.set_cookie(COOKIE_NAME, cookie.value)
    assert not signed_in(after)
    assert sign_in(after, password="a new password, 2025").status_code == 302
    assert signed_in(after)


def _cookie_attribute(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == name.lower():
            return value
    raise AssertionError(f"no {name} in {header!r}")
