"""The Variants page and its CSV: each variant's figures as counted, the comparison with a, the verdict."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from banner.core.variant_stats import compare
from banner.web.dashboard.reports import category_labels
from tests.support import edited_app, post_consent, services_of, utc_today
from tests.support.dashboard import sign_in
from tests.support.variants import NO_TEST, TWO_VARIANTS

TODAY = f"{utc_today()[:4]}-{utc_today()[4:6]}-{utc_today()[6:]}"


@pytest.fixture()
def variant_app(environ: dict[str, str], config_copy: Path) -> Flask:
    return edited_app(environ, config_copy, TWO_VARIANTS)


@pytest.fixture()
def signed_in(variant_app: Flask) -> FlaskClient:
    client = variant_app.test_client()
    sign_in(client)
    return client


def page(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/dashboard/variants?site=demo{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_what_each_variant_counted(variant_app: Flask, signed_in: FlaskClient) -> None:
    visitor = variant_app.test_client()
    for variant in ("a", "a", "b", "b", "b"):
        body = json.dumps({"site": "demo", "type": "shown", "variant": variant})
        assert visitor.post("/api/v1/events", data=body, content_type="text/plain").status_code == 204
    post_consent(visitor, variant="b", action="accept_all")
    post_consent(visitor, variant="b", action="reject_all")
    post_consent(visitor, variant="a", action="custom", choices={"analytics": True})
    services_of(variant_app).flusher.flush()
    html = page(signed_in)
    assert '<a href="/dashboard/variants?site=demo' in html and 'aria-current="page">Variants</a>' in html
    assert (
        '<tr><th scope="row">a (the site&#39;s own)</th><td class="num">50%</td>\n'
        '        <td class="num">2</td><td class="num">1</td><td class="num">50.0%</td>'
    ) in html
    assert (
        '<tr><th scope="row">b (layout box; 2 text(s) in en, fr)</th><td class="num">50%</td>\n'
        '        <td class="num">3</td><td class="num">2</td><td class="num">66.7%</td>'
    ) in html
    assert "Not enough data yet: b has 2 consents, a 1; each needs 100." in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 5
    assert 'aria-labelledby="chart-variants-analytics-title chart-variants-analytics-desc"' in html


def test_enough_consents_give_a_verdict(variant_app: Flask, signed_in: FlaskClient) -> None:
    day = utc_today()
    counts = {
        ("demo", day, "variant:a:consents"): 1000,
        ("demo", day, "variant:a:grant:analytics"): 400,
        ("demo", day, "variant:b:consents"): 1000,
        ("demo", day, "variant:b:grant:analytics"): 500,
    }
    services_of(variant_app).store.add_counts(counts)
    html = page(signed_in)
    assert (
        '<li class="clear"><strong>Analytics</strong>: b raises analytics opt-in by 10.0 points, 95% CI 5.6 to 14.3.'
        in html
    )
    assert "+10.0 pts" in html and "(5.6 to 14.3)" in html
    assert "No clear difference in advertising opt-in between b and a: +0.0 points" in html


def test_the_csv_has_a_row_per_day_and_variant(variant_app: Flask, signed_in: FlaskClient) -> None:
    visitor = variant_app.test_client()
    post_consent(visitor, variant="b", action="custom", choices={"analytics": True, "advertising": True})
    services_of(variant_app).flusher.flush()
    response = signed_in.get(f"/dashboard/export/variants.csv?site=demo&from={TODAY}&to={TODAY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith(f'variants-demo-{utc_today()}-{utc_today()}.csv"')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["date"], r["variant"], r["consents"]) for r in rows] == [(TODAY, "a", "0"), (TODAY, "b", "1")]
    assert (rows[1]["custom"], rows[1]["analytics_grants"], rows[1]["analytics_of_consents"]) == ("1", "1", "1.0000")
    assert (rows[1]["preferences_grants"], rows[1]["preferences_of_consents"]) == ("0", "0.0000")
    assert rows[0]["analytics_of_consents"] == ""


def test_the_audit_export_names_each_records_variant(variant_app: Flask, signed_in: FlaskClient) -> None:
    visitor = variant_app.test_client()
    post_consent(visitor, variant="b")
    post_consent(visitor)
    response = signed_in.get(f"/dashboard/export/consents.jsonl?site=demo&from={TODAY}&to={TODAY}")
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert sorted(line["variant"] for line in lines) == ["a", "b"]


def test_a_site_without_a_test_says_so(environ: dict[str, str], config_copy: Path) -> None:
    client = edited_app(environ, config_copy, NO_TEST).test_client()
    sign_in(client)
    assert "This site runs no A/B test" in page(client)


def test_the_page_needs_a_sign_in_and_checks_its_parameters(variant_app: Flask, signed_in: FlaskClient) -> None:
    anonymous = variant_app.test_client().get("/dashboard/variants")
    assert anonymous.status_code == 302 and "/dashboard/login" in anonymous.headers["Location"]
    bad = signed_in.get("/dashboard/variants?from=2025-13-01")
    assert bad.status_code == 400 and "must be a date" in bad.get_data(as_text=True)
    unknown = signed_in.get("/dashboard/export/variants.csv?site=nope")
    assert unknown.status_code == 404


def test_seed_demo_writes_a_test_with_a_real_difference(app: Flask) -> None:
    """The shipped config's stopped test gets a month of history, in which b wins more Accept all."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--days", "30", "--volume", "120", "--seed", "2015"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    sign_in(client)
    html = page(client)
    assert "b raises analytics opt-in by " in html and "b raises advertising opt-in by " in html
    svc = services_of(app)
    start = datetime.now(UTC).date() - timedelta(days=29)
    keys = [(start + timedelta(days=i)).strftime("%Y%m%d") for i in range(30)]
    daily = {date.fromisoformat(f"{k[:4]}-{k[4:6]}-{k[6:]}"): n for k, n in svc.store.days("demo", keys).items()}
    assert len(daily) == 30
    for fields in daily.values():
        assert fields["variant:a:views"] + fields["variant:b:views"] == fields["views"]
        assert fields["variant:a:consents"] + fields["variant:b:consents"] == fields["consents"]
    a, b = compare(daily, ["a", "b"], category_labels(svc.config)).totals
    assert a.consents > 1000 and b.consents > 1000
    assert (b.action_share("accept_all") or 0) > (a.action_share("accept_all") or 0) + 0.05
