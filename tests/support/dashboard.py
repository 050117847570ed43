"""Helpers for the dashboard tests: signing in, and writing known consents through the store."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from banner.core.consent import ConsentRecord
from banner.core.counters import WITHDRAWALS, consent_counts
from banner.store import ConsentStore
from tests.support import services_of

USER, PASSWORD = "marketing", "consent-demo"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client: FlaskClient, path: str = "/dashboard/login") -> str:
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, password: str = PASSWORD, user: str = USER) -> TestResponse:
    token = csrf_from(client)
    return client.post("/dashboard/login", data={"csrf_token": token, "username": user, "password": password})


def store_of(app: Flask) -> ConsentStore:
    store: ConsentStore = services_of(app).store
    return store


def record(
    consent_id: str,
    action: str,
    granted: tuple[str, ...],
    device: str = "desktop",
    browser: str = "Chrome",
    os: str = "Windows",
    region: str | None = None,
    dnt: bool = False,
    gpc: bool = False,
    event: str = "given",
) -> ConsentRecord:
    """A consent as the API would store it: every category answered, necessary always on."""
    categories = ("necessary", "preferences", "analytics", "advertising", "beacons", "social")
    return ConsentRecord(
        id=consent_id,
        site="demo",
        event=event,
        action=action,
        given_at="2025-03-01T10:00:00Z",
        expires_at="2026-03-26T10:00:00Z",
        policy_version="2015-02-01",
        banner_version="0123456789abcdef",
        lang="en",
        choices={c: c == "necessary" or c in granted for c in categories},
        trackers={},
        signals={"dnt": {"present": dnt, "honored": False}, "gpc": {"present": gpc, "honored": gpc}},
        device=device,
        browser=browser,
        os=os,
        region=region,
    )


def save(store: ConsentStore, rec: ConsentRecord, day: str) -> None:
    required = frozenset({"necessary"})
    store.save_consent(rec, {})
    store.add_counts({(rec.site, day, field): n for field, n in consent_counts(rec, required).items()})


def withdraw(store: ConsentStore, consent_id: str, at: str, day: str) -> None:
    """Withdraw as the API does: the record is marked, the day counts one withdrawal."""
    store.withdraw("demo", consent_id, at)
    store.add_counts({("demo", day, WITHDRAWALS): 1})
