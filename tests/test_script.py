"""``GET /banner.js``: bytes, caching, compression, language, errors and weight."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from banner.core.config_summary import BANNER_BUDGET
from banner.core.regimes import Regime
from banner.web.script import EXTENSION
from tests.support import edited_app, services_of, utc_today

BUDGET = BANNER_BUDGET


def _config_of(body: bytes) -> dict:
    """The client config inlined in a served banner."""
    text = body.decode()
    start = text.index('{"site":')
    config, _ = json.JSONDecoder().raw_decode(text[start:])
    return config


def test_serves_the_script_with_config_and_one_language(client: FlaskClient) -> None:
    response = client.get("/banner.js?site=demo", follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    config = _config_of(response.data)
    assert config["site"] == "demo"
    assert config["lang"] == "en"
    assert config["texts"]["reject_all"] == "Reject all"
    assert "Tout refuser" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.vary.as_set() == {"accept-encoding"}


@pytest.mark.parametrize(
    ("query", "accept_language", "lang"),
    [
        ("&lang=fr", "", "fr"),
        ("", "fr-CA,fr;q=0.9,en;q=0.5", "fr"),
        ("&lang=de", "fr", "fr"),
        ("&lang=xx", "", "en"),
        ("", "de-DE", "en"),
    ],
)
def test_language_choice(client: FlaskClient, query: str, accept_language: str, lang: str) -> None:
    response = client.get(
        f"/banner.js?site=demo{query}", headers={"Accept-Language": accept_language}, follow_redirects=True
    )
    assert response.status_code == 200
    assert _config_of(response.data)["lang"] == lang


def test_etag_and_if_none_match(client: FlaskClient) -> None:
    first = client.get("/banner.js?site=demo", follow_redirects=True)
    etag = first.headers["ETag"]
    again = client.get("/banner.js?site=demo", headers={"If-None-Match": etag}, follow_redirects=True)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    other = client.get("/banner.js?site=demo&lang=fr", headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["ETag"] != etag


def test_gzip_only_when_accepted(client: FlaskClient) -> None:
    plain = client.get("/banner.js?site=demo", follow_redirects=True)
    assert "Content-Encoding" not in plain.headers
    zipped = client.get("/banner.js?site=demo", headers={"Accept-Encoding": "br, gzip;q=0.8"}, follow_redirects=True)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    refused = client.get("/banner.js?site=demo", headers={"Accept-Encoding": "gzip;q=0"}, follow_redirects=True)
    assert "Content-Encoding" not in refused.headers
    assert refused.data == plain.data
    cached = client.get(
        "/banner.js?site=demo",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
        follow_redirects=True,
    )
    assert cached.status_code == 304


@pytest.mark.parametrize(("query", "status", "code"), [("?site=nope", 404, "unknown_site"), ("", 400, "bad_request")])
def test_unknown_or_missing_site(client: FlaskClient, query: str, status: int, code: str) -> None:
    response = client.get(f"/banner.js{query}")
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_whole_response_fits_the_weight_budget(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/banner.js?site=demo&lang={lang}")
    size = len(gzip.compress(response.data, compresslevel=9))
    assert size <= BUDGET, f"banner.js ({lang}) is {size} bytes gzipped, over {BUDGET}"
    zipped = client.get(f"/banner.js?site=demo&lang={lang}", headers={"Accept-Encoding": "gzip"})
    assert len(zipped.data) == size


def test_every_bundle_fits_the_weight_budget(app: Flask) -> None:
    bundles = app.extensions[EXTENSION]
    assert set(bundles) == {("demo", lang, regime) for lang in ("en", "fr") for regime in Regime}
    sizes = {key: len(gzip.compress(bundle.body, compresslevel=9)) for key, bundle in bundles.items()}
    over = {key: size for key, size in sizes.items() if size > BUDGET}
    assert over == {}, f"over {BUDGET} bytes gzipped: {over}"


# -- regimes: one bundle per (site, language, regime), picked by the trusted country header ----


@pytest.fixture()
def geo(environ: dict[str, str], config_copy: Path) -> FlaskClient:
    return edited_app(environ, config_copy, ('country_header = ""', 'country_header = "X-Country"')).test_client()


@pytest.mark.parametrize(
    ("country", "regime", "body_starts"),
    [
        ("FR", "opt_in", "We use cookies, web beacons and video-ad tags. Some are needed"),
        ("ch", "opt_in", "We use cookies, web beacons and video-ad tags. Some are needed"),
        (
            "US",
            "opt_out",
            "We use cookies, web beacons and video-ad tags to run the site, measure audiences and show ads, some",
        ),
        (
            "JP",
            "notice",
            "We use cookies, web beacons and video-ad tags to run the site, measure audiences and show ads. You",
        ),
        ("XX", "opt_in", "We use cookies, web beacons and video-ad tags. Some are needed"),
        ("not a country", "opt_in", "We use cookies, web beacons and video-ad tags. Some are needed"),
        (None, "opt_in", "We use cookies, web beacons and video-ad tags. Some are needed"),
    ],
)
def test_regime_follows_the_country_header(
    geo: FlaskClient, country: str | None, regime: str, body_starts: str
) -> None:
    headers = {"X-Country": country} if country is not None else {}
    response = geo.get("/banner.js?site=demo", headers=headers, follow_redirects=True)
    assert response.status_code == 200
    config = _config_of(response.data)
    assert config["regime"] == regime
    assert config["texts"]["body"].startswith(body_starts)
    assert ("do_not_sell" in config["texts"]) is (regime == "opt_out")
    assert ("ok" in config["texts"]) is (regime != "opt_in")


def test_each_regime_has_its_own_etag(geo: FlaskClient) -> None:
    etags = {
        country: geo.get("/banner.js?site=demo", headers={"X-Country": country}, follow_redirects=True).headers["ETag"]
        for country in ("DE", "US", "BR")
    }
    assert len(set(etags.values())) == 3
    again = geo.get(
        "/banner.js?site=demo", headers={"X-Country": "DE", "If-None-Match": etags["DE"]}, follow_redirects=True
    )
    assert again.status_code == 304
    moved = geo.get(
        "/banner.js?site=demo", headers={"X-Country": "US", "If-None-Match": etags["DE"]}, follow_redirects=True
    )
    assert moved.status_code == 200
    assert _config_of(moved.data)["regime"] == "opt_out"


def test_country_header_is_ignored_and_not_in_vary_unless_configured(client: FlaskClient) -> None:
    headers = {"X-Country": "US", "CF-IPCountry": "US"}
    assert (
        _config_of(client.get("/banner.js?site=demo", headers=headers, follow_redirects=True).data)["regime"]
        == "opt_in"
    )
    moved = client.get("/banner.js?site=demo", headers=headers)
    assert "X-Country" not in moved.vary and "CF-IPCountry" not in moved.vary


# -- what shared caches may keep: nothing that depends on request headers they may ignore ---------


def test_a_negotiated_request_is_a_private_redirect_to_a_url_that_names_everything(client: FlaskClient) -> None:
    moved = client.get("/banner.js?site=demo", headers={"Accept-Language": "fr"})
    assert moved.status_code == 302
    assert moved.headers["Cache-Control"] == "private, max-age=300"
    assert "Accept-Language" in moved.vary
    target = moved.headers["Location"]
    assert target.startswith("/banner.js?site=demo&lang=fr&regime=opt_in&v=")
    final = client.get(target, headers={"Accept-Language": "en"})  # the URL decides, not the header
    assert final.status_code == 200 and _config_of(final.data)["lang"] == "fr"
    assert final.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert final.vary.as_set() == {"accept-encoding"}


def test_a_tag_that_names_its_language_is_served_directly_without_a_country_header(client: FlaskClient) -> None:
    response = client.get("/banner.js?site=demo&lang=en", headers={"Accept-Language": "fr"})
    assert response.status_code == 200 and _config_of(response.data)["lang"] == "en"
    assert response.headers["Cache-Control"].startswith("public, max-age=300")
    assert response.vary.as_set() == {"accept-encoding"}


def test_with_a_country_header_the_regime_is_in_the_url_caches_key_on(geo: FlaskClient) -> None:
    """A CDN that ignores Vary, or a visitor who reaches the origin directly, cannot mix regimes."""
    moved = geo.get("/banner.js?site=demo&lang=en", headers={"X-Country": "US"})
    assert moved.status_code == 302 and "X-Country" in moved.vary
    assert "regime=opt_out" in moved.headers["Location"]
    spoofed = geo.get(moved.headers["Location"], headers={"X-Country": "FR"})
    assert _config_of(spoofed.data)["regime"] == "opt_out"
    assert spoofed.vary.as_set() == {"accept-encoding"}


def test_an_old_version_in_the_url_is_served_with_a_short_cache(client: FlaskClient) -> None:
    response = client.get("/banner.js?site=demo&lang=en&regime=notice&v=000000000000")
    assert response.status_code == 200 and _config_of(response.data)["regime"] == "notice"
    assert response.headers["Cache-Control"].startswith("public, max-age=300")


def test_an_unknown_regime_is_400(client: FlaskClient) -> None:
    response = client.get("/banner.js?site=demo&lang=en&regime=anything")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_no_eval_and_no_inline_handlers(client: FlaskClient) -> None:
    text = client.get("/banner.js?site=demo", follow_redirects=True).get_data(as_text=True)
    assert "eval(" not in text
    assert "new Function" not in text
    assert re.search(r"setAttribute\(['\"]on", text) is None
    assert "innerHTML" not in text


def test_banner_request_with_dnt_is_counted(app: Flask, client: FlaskClient) -> None:
    client.get("/banner.js?site=demo", headers={"DNT": "1"}, follow_redirects=True)
    svc = services_of(app)
    svc.flusher.flush()
    [counts] = svc.store.days("demo", [utc_today()]).values()
    assert counts["requests"] == 1
    assert counts["requests:dnt"] == 1
