"""The dashboard's figures, on a known set of consents written through the store."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.dashboard import record, save, sign_in, store_of, withdraw

RANGE = "site=demo&from=2025-03-01&to=2025-03-02"


@pytest.fixture()
def known(app: Flask) -> FlaskClient:
    """Two days: four human consents, one bot, one withdrawal, known views and requests."""
    store = store_of(app)
    save(
        store,
        record(
            "a", "accept_all", ("preferences", "analytics", "advertising", "beacons", "social"), region="FR", dnt=True
        ),
        "20250301",
    )
    save(store, record("b", "reject_all", (), device="mobile", browser="Mobile Safari", os="iOS"), "20250301")
    save(
        store,
        record("c", "custom", ("preferences", "analytics"), browser="Firefox", os="Linux", region="US", gpc=True),
        "20250301",
    )
    save(store, record("bot", "accept_all", ("analytics",), device="bot", browser="Googlebot"), "20250301")
    save(
        store,
        record(
            "d", "custom", ("advertising",), device="tablet", browser="Safari", os="iOS", region="FR", event="updated"
        ),
        "20250302",
    )
    withdraw(store, "b", "2025-03-02T09:00:00Z", "20250302")
    store.add_counts(
        {
            ("demo", "20250301", "views"): 8,
            ("demo", "20250301", "requests"): 20,
            ("demo", "20250301", "requests:dnt"): 3,
            ("demo", "20250301", "requests:gpc"): 2,
            ("demo", "20250301", "requests:bot"): 4,
            ("demo", "20250302", "views"): 4,
            ("demo", "20250302", "requests"): 10,
            ("demo", "20250302", "requests:dnt"): 1,
        }
    )
    client = app.test_client()
    sign_in(client)
    return client


def test_totals_rates_and_choice_split(known: FlaskClient) -> None:
    response = known.get(f"/api/v1/stats?{RANGE}")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["site"], body["from"], body["to"]) == ("demo", "2025-03-01", "2025-03-02")
    totals = body["totals"]
    assert {
        k: totals[k]
        for k in ("views", "requests", "bot_requests", "consents", "given", "updated", "withdrawals", "bot_consents")
    } == {
        "views": 12,
        "requests": 30,
        "bot_requests": 4,
        "consents": 4,
        "given": 3,
        "updated": 1,
        "withdrawals": 1,
        "bot_consents": 1,
    }
    assert totals["actions"] == {
        "accept_all": {"count": 1, "rate": 0.25},
        "custom": {"count": 2, "rate": 0.5},
        "reject_all": {"count": 1, "rate": 0.25},
    }
    assert totals["opt_in"] == {
        "preferences": {"grants": 2, "of_consents": 0.5, "of_views": 0.1667},
        "analytics": {"grants": 2, "of_consents": 0.5, "of_views": 0.1667},
        "advertising": {"grants": 2, "of_consents": 0.5, "of_views": 0.1667},
        "beacons": {"grants": 1, "of_consents": 0.25, "of_views": 0.0833},
        "social": {"grants": 1, "of_consents": 0.25, "of_views": 0.0833},
    }


def test_signal_shares_leave_bots_out(known: FlaskClient) -> None:
    signals = known.get(f"/api/v1/stats?{RANGE}").get_json()["totals"]["signals"]
    assert signals["dnt"] == {
        "requests": {"count": 4, "base": 26, "rate": 0.1538},
        "consents": {"count": 1, "base": 4, "rate": 0.25},
    }
    assert signals["gpc"] == {
        "requests": {"count": 2, "base": 26, "rate": 0.0769},
        "consents": {"count": 1, "base": 4, "rate": 0.25},
    }


def test_breakdowns_count_human_consents_only(known: FlaskClient) -> None:
    breakdowns = known.get(f"/api/v1/stats?{RANGE}").get_json()["breakdowns"]
    assert breakdowns == {
        "device": {"desktop": 2, "mobile": 1, "tablet": 1},
        "browser": {"Safari": 2, "Chrome": 1, "Firefox": 1},
        "os": {"iOS": 2, "Linux": 1, "Windows": 1},
        "region": {"FR": 2, "US": 1, "unknown": 1},
    }


def test_names_counted_as_free_text_show_as_their_fixed_label(app: Flask, known: FlaskClient) -> None:
    spoofed = "Visit evil.example.com now"
    save(store_of(app), record("e", "custom", (), browser=spoofed, os="Mac OS X", dnt=True), "20250302")
    entry = {"time": "2025-03-02T10:00:00Z", "consent_id": "e", "browser": spoofed, "device": "desktop"}
    store_of(app).save_consent(record("f", "custom", (), dnt=True), {"dnt": entry})
    breakdowns = known.get(f"/api/v1/stats?{RANGE}").get_json()["breakdowns"]
    assert breakdowns["browser"] == {"Safari": 2, "Chrome": 1, "Firefox": 1, "Other": 1}
    assert breakdowns["os"] == {"iOS": 2, "Linux": 1, "Windows": 1, "macOS": 1}
    log = known.get("/api/v1/dnt-log?site=demo").get_json()
    assert [e["browser"] for e in log["entries"]] == ["Other"]
    for path in (f"/dashboard/?{RANGE}", "/dashboard/signals"):
        response = known.get(path)
        assert response.status_code == 200 and "evil" not in response.get_data(as_text=True), path
    today = datetime.now(UTC).date().isoformat()  # the export reads the event log, stamped now
    export = known.get(f"/dashboard/export/consents.jsonl?site=demo&from={today}&to={today}")
    assert export.status_code == 200 and "evil" not in export.get_data(as_text=True)
    [line] = [json.loads(line) for line in export.get_data(as_text=True).splitlines() if '"id":"e"' in line]
    assert (line["browser"], line["os"]) == ("Other", "macOS")


def test_each_day_has_its_own_figures(known: FlaskClient) -> None:
    days = known.get(f"/api/v1/stats?{RANGE}").get_json()["days"]
    assert [d["date"] for d in days] == ["2025-03-01", "2025-03-02"]
    first, second = days
    assert (first["consents"], first["views"], first["withdrawals"], first["bot_consents"]) == (3, 8, 0, 1)
    assert first["opt_in"]["preferences"] == {"grants": 2, "of_consents": 0.6667, "of_views": 0.25}
    assert first["signals"]["dnt"]["requests"] == {"count": 3, "base": 16, "rate": 0.1875}
    assert (second["consents"], second["views"], second["withdrawals"], second["updated"]) == (1, 4, 1, 1)
    assert second["opt_in"]["advertising"]["of_consents"] == 1.0
    assert second["signals"]["gpc"]["requests"] == {"count": 0, "base": 10, "rate": 0.0}


def test_days_without_data_are_zero_not_missing(known: FlaskClient) -> None:
    body = known.get("/api/v1/stats?site=demo&from=2025-02-27&to=2025-03-01").get_json()
    assert [d["consents"] for d in body["days"]] == [0, 0, 3]
    assert body["days"][0]["opt_in"]["analytics"]["of_consents"] is None


def test_overview_page_shows_the_same_numbers_and_charts(known: FlaskClient) -> None:
    response = known.get(f"/dashboard/?{RANGE}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('role="img"') == 6
    for expected in ("50.0%", "16.7%", "Withdrawals", "Social buttons and embeds", "Safari"):
        assert expected in html
    assert '<title id="chart-opt-in-title">Opt-in rate per category by day</title>' in html


def test_dnt_log_pages_newest_first(app: Flask, known: FlaskClient) -> None:
    store = store_of(app)
    for i in range(3):
        entry = {
            "time": f"2025-03-0{i + 1}T10:00:00Z",
            "site": "demo",
            "event": "consent_given",
            "honored": "false",
            "policy_version": "2015-02-01",
            "reason": "policy: DNT not honored",
            "consent_id": f"id{i}",
            "browser": "Firefox",
            "device": "desktop",
        }
        rec = record(f"id{i}", "reject_all", (), dnt=True)
        store.save_consent(rec, {"dnt": entry})
        time.sleep(0.002)  # entries of different buckets written in one millisecond share an id
    first = known.get("/api/v1/dnt-log?site=demo&limit=2").get_json()
    assert [e["consent_id"] for e in first["entries"]] == ["id2", "id1"]
    assert first["policy"] == {"honored": False, "policy_version": "2015-02-01", "note": first["policy"]["note"]}
    assert first["policy"]["note"].startswith("At present, we and our third-party partners do not honor")
    second = known.get(f"/api/v1/dnt-log?site=demo&limit=2&before={first['next_before']}").get_json()
    assert [e["consent_id"] for e in second["entries"]] == ["id0"]
    assert second["next_before"] is None
    page = known.get("/dashboard/signals?limit=2").get_data(as_text=True)
    assert "id2" in page and "id0" not in page and "Older entries" in page
    assert "Not honored" in page and "Honored" in page


@pytest.mark.parametrize(
    ("query", "status", "code", "words"),
    [
        ("from=2025-13-01", 400, "bad_request", "'from' must be a date"),
        ("to=yesterday", 400, "bad_request", "'to' must be a date"),
        ("from=2025-3-1", 400, "bad_request", "'from' must be a date"),
        ("from=2025-03-02&to=2025-03-01", 400, "bad_request", "'from' must not be after 'to'"),
        ("from=2024-01-01&to=2025-01-01", 400, "bad_request", "more than 366 days"),
        ("site=nope", 404, "unknown_site", "unknown site"),
        ("site=demo&from=2025-03-01&to=2025-03-01\x00", 400, "bad_request", "'to' must be a date"),
    ],
)
def test_stats_rejects_bad_queries(known: FlaskClient, query: str, status: int, code: str, words: str) -> None:
    response = known.get(f"/api/v1/stats?{query}")
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and words in error["message"]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=ten", "before=abc", "before=1-2-3", "signal=foo", "site=nope"]
)
def test_dnt_log_rejects_bad_queries(known: FlaskClient, query: str) -> None:
    response = known.get(f"/api/v1/dnt-log?{query}")
    assert response.status_code in (400, 404)
    assert response.get_json()["error"]["message"]


def test_a_year_is_accepted(known: FlaskClient) -> None:
    response = known.get("/api/v1/stats?site=demo&from=2024-03-02&to=2025-03-02")
    assert response.status_code == 200
    assert len(response.get_json()["days"]) == 366


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/?from=bad",
        "/dashboard/signals?to=2025-01-01&from=2025-02-01",
        "/dashboard/signals?before=x",
        "/dashboard/export/daily.csv?site=nope",
    ],
)
def test_pages_explain_bad_queries(known: FlaskClient, path: str) -> None:
    response = known.get(path)
    assert response.status_code in (400, 404)
    assert response.mimetype == "text/html"
    assert "Check the request" in response.get_data(as_text=True)
