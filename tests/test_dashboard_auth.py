"""Dashboard sign-in: the gate, passwords, CSRF, the session cookie and the attempt limit."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from banner.web.dashboard.redirects import dashboard_path
from tests.support import make_app, steady_limits
from tests.support.dashboard import PASSWORD, USER, csrf_from, sign_in


@pytest.mark.parametrize(
    "path",
    ["/dashboard/", "/dashboard/signals", "/dashboard/export/daily.csv", "/dashboard/export/consents.jsonl"],
)
def test_pages_redirect_to_login_when_signed_out(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/dashboard/login?next=/dashboard/")


@pytest.mark.parametrize("path", ["/api/v1/stats", "/api/v1/dnt-log", "/api/v1/stats?site=demo&from=2025-01-01"])
def test_apis_answer_401_json_when_signed_out(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "unauthorized", "message": "sign in to the dashboard first"}}


def test_sign_in_opens_the_dashboard_with_a_strict_http_only_cookie(client: FlaskClient) -> None:
    response = sign_in(client)
    assert response.status_code == 302
    assert response.location == "/dashboard/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("dashboard_session=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http in development
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Signed in as" in page.get_data(as_text=True)
    assert client.get("/api/v1/stats").status_code == 200


def test_session_cookie_is_secure_over_https(app: Flask) -> None:
    client = app.test_client()
    token = csrf_from(client, "https://localhost/dashboard/login")
    response = client.post(
        "https://localhost/dashboard/login", data={"csrf_token": token, "username": USER, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "; Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(("user", "password"), [(USER, "wrong"), ("nobody", PASSWORD), (USER, "")])
def test_wrong_credentials_are_refused(client: FlaskClient, user: str, password: str) -> None:
    response = sign_in(client, password=password, user=user)
    assert response.status_code == 401
    assert "Wrong user name or password." in response.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/api/v1/stats").status_code == 401


def test_login_without_csrf_token_is_400(client: FlaskClient) -> None:
    client.get("/dashboard/login")
    response = client.post("/dashboard/login", data={"username": USER, "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302


def test_login_with_a_forged_csrf_token_is_400(client: FlaskClient) -> None:
    client.get("/dashboard/login")
    response = client.post("/dashboard/login", data={"csrf_token": "forged", "username": USER, "password": PASSWORD})
    assert response.status_code == 400


def test_logout_needs_the_csrf_token_and_then_signs_out(client: FlaskClient) -> None:
    sign_in(client)
    assert client.post("/dashboard/logout").status_code == 400
    assert client.get("/dashboard/").status_code == 200
    token = csrf_from(client, "/dashboard/")
    response = client.post("/dashboard/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/dashboard/login?signed_out=1"
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/api/v1/stats").status_code == 401


def test_csrf_token_changes_at_sign_in(client: FlaskClient) -> None:
    before = csrf_from(client)
    sign_in(client)
    assert csrf_from(client, "/dashboard/") != before


def test_sign_in_attempts_are_limited_per_client(app: Flask, client: FlaskClient) -> None:
    """The shipped limit is 5 per minute; after that even the right password waits."""
    steady_limits(app)
    assert [sign_in(client, password="guess").status_code for _ in range(5)] == [401] * 5
    response = sign_in(client)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many sign-in attempts. Wait" in response.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302


def test_the_sign_in_limit_holds_across_workers(environ: dict[str, str], redis: Any) -> None:
    """Every attempt is counted in Redis at once: two workers together still allow only 5."""
    workers = [steady_limits(make_app(environ)).test_client() for _ in range(2)]
    codes = [sign_in(workers[i % 2], password="guess").status_code for i in range(8)]
    assert codes == [401] * 5 + [429] * 3


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/dashboard", "/api/v1/stats"])
def test_next_never_leaves_the_dashboard(client: FlaskClient, target: str) -> None:
    token = csrf_from(client)
    response = client.post(
        "/dashboard/login", data={"csrf_token": token, "username": USER, "password": PASSWORD, "next": target}
    )
    assert response.location == "/dashboard/"


def test_next_returns_to_the_page_asked_for(client: FlaskClient) -> None:
    token = csrf_from(client)
    response = client.post(
        "/dashboard/login?next=/dashboard/signals?signal=gpc",
        data={"csrf_token": token, "username": USER, "password": PASSWORD},
    )
    assert response.location == "/dashboard/signals?signal=gpc"


def test_dashboard_pages_are_not_cached_and_not_framed(client: FlaskClient) -> None:
    sign_in(client)
    response = client.get("/dashboard/")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


HOSTILE_NEXT = [
    "/dashboard/\r\nSet-Cookie: a=b",
    "/dashboard/signals\n",
    "/dashboard/\x00",
    "/dashboard/\x7f",
    "/dashboard/ \t",
    "/\\evil.example/dashboard",
    "/dashboard\\..\\..\\api",
    "/dashboard/../api/v1/stats",
    "/dashboard/%2e%2e/api/v1/stats",
    "/dashboard/%2F%2Fevil.example",
    "/dashboardx",
    "///evil.example/dashboard",
    "//[evil",
    "https:/dashboard/",
    "javascript:alert(1)//dashboard",
    "/dashboard/\u2028",
    "/dashboard/é",
]
#: Characters that break headers or URLs, and pieces of scheme-relative, absolute and dotted URLs.
HOSTILE_PIECES = st.lists(
    st.sampled_from(["/", "//", "\\", "..", ".", "%2e", "%2f", "%0d%0a", "\r", "\n", "\x00", " ", "?", "#", "@", ":"])
    | st.sampled_from(["dashboard", "/dashboard", "evil.example", "https:", "http://", "signals", "é"])
    | st.text(max_size=4),
    max_size=8,
).map("".join)


def assert_local_dashboard_redirect(response: TestResponse) -> None:
    assert response.status_code == 302, response.status
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc and location.isascii() and location.isprintable()
    path = unquote(parts.path)
    assert path == "/dashboard" or path.startswith("/dashboard/"), location
    assert "//" not in path and "\\" not in path and not {".", ".."} & set(path.split("/")), location


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_a_hostile_next_at_sign_in_goes_to_the_overview(client: FlaskClient, target: str) -> None:
    token = csrf_from(client)
    response = client.post(
        "/dashboard/login", data={"csrf_token": token, "username": USER, "password": PASSWORD, "next": target}
    )
    assert_local_dashboard_redirect(response)
    assert response.location == "/dashboard/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_a_hostile_next_is_not_carried_by_the_login_form(client: FlaskClient, target: str) -> None:
    response = client.get("/dashboard/login", query_string={"next": target})
    assert response.status_code == 200
    assert '<input type="hidden" name="next" value="">' in response.get_data(as_text=True)


@given(target=HOSTILE_PIECES)
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_next_redirects_signed_in_users_to_a_dashboard_path(signed_in: FlaskClient, target: str) -> None:
    response = signed_in.get("/dashboard/login", query_string={"next": target})
    assert_local_dashboard_redirect(response)


@given(target=HOSTILE_PIECES)
def test_any_next_is_kept_only_when_it_is_a_dashboard_path(target: str) -> None:
    kept = dashboard_path(target, "/dashboard")
    assert kept is None or kept == target
    if kept is not None:
        parts = urlsplit(kept)
        assert not parts.scheme and not parts.netloc and kept.isascii() and kept.isprintable()
        assert unquote(parts.path).startswith("/dashboard")


def test_the_gate_and_sign_in_bring_back_an_escaped_query(client: FlaskClient) -> None:
    gate = client.get("/dashboard/signals?signal=%0d%0aSet-Cookie:%20a=b")
    assert gate.status_code == 302
    token = csrf_from(client)
    login = client.post(gate.location, data={"csrf_token": token, "username": USER, "password": PASSWORD})
    assert_local_dashboard_redirect(login)
    assert login.location == "/dashboard/signals?signal=%0d%0aSet-Cookie:%20a=b"
    page = client.get(login.location)
    assert page.status_code == 400 and "must be dnt or gpc" in page.get_data(as_text=True)


@pytest.fixture()
def signed_in(client: FlaskClient) -> FlaskClient:
    assert sign_in(client).status_code == 302
    return client
