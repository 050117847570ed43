"""A/B variants in the bundles: what each carries, the version hash of each variant, and the banner's
own choice of variant checked against the service's (the hash must cover what the page draws)."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from banner.core.client_config import banner_version, client_config, client_configs, variant_entries
from banner.core.config import Config
from banner.core.regimes import Regime
from banner.core.variants import banner_versions, shown_config
from banner.web.script import EXTENSION
from tests.support import ROOT, edit_config, edited_app, services_of
from tests.support.variants import TWO_VARIANTS
from tests.test_config import parse, shipped
from tests.test_script import BUDGET

#: Public keys stand in: they are in every bundle, and left out of every version hash.
KEYS = ["k" * 43]

VARIANT_JS = ROOT / "static" / "banner" / "variant.js"


def two_variants() -> Config:
    data = shipped()
    data["sites"][0]["variants"] = [
        {"id": "b", "weight": 50, "layout": "box", "texts": {"en": {"title": "Hi", "optout_body": "Short"}}},
        {"id": "c", "weight": 0, "texts": {"en": {"title": "Paused"}}},
    ]
    data["sites"][0]["languages"] = ["en"]
    return parse(data)


def test_a_bundle_carries_its_running_variants_as_overrides_only() -> None:
    config = two_variants()
    site = config.sites["demo"]
    opt_in = client_config(config, site, "en", Regime.OPT_IN, KEYS)
    assert opt_in["variants"] == [["b", 50, {"title": "Hi"}, "box"]]
    # optout_body is the opt_out banner's body: that bundle alone carries it, as "body"
    opt_out = client_config(config, site, "en", Regime.OPT_OUT, KEYS)
    assert opt_out["variants"] == [["b", 50, {"title": "Hi", "body": "Short"}, "box"]]
    # the paused variant (weight 0) is not drawn, so not carried; its hash still exists
    assert variant_entries(config, site, "en", Regime.OPT_IN)[1] == ["c", 0, {"title": "Paused"}, None]


def test_a_site_without_variants_keeps_its_bundle_and_its_hashes() -> None:
    data = shipped()
    del data["sites"][0]["variants"]
    config = parse(data)
    clients = client_configs(config, KEYS)
    assert all("variants" not in client for client in clients.values())
    versions = banner_versions(config, clients)
    assert set(versions) == {(site, lang, regime, "a") for site, lang, regime in clients}
    assert all(versions[(*key, "a")] == banner_version(client) for key, client in clients.items())


def test_each_variant_has_its_own_version_hash_and_weights_do_not_change_it() -> None:
    config = two_variants()
    versions = banner_versions(config, client_configs(config, KEYS))
    key = ("demo", "en", Regime.OPT_IN)
    hashes = {variant: versions[(*key, variant)] for variant in ("a", "b", "c")}
    assert len(set(hashes.values())) == 3
    data = shipped()
    data["sites"][0]["languages"] = ["en"]
    data["sites"][0]["variants"] = [
        {"id": "b", "weight": 10, "layout": "box", "texts": {"en": {"title": "Hi", "optout_body": "Short"}}},
        {"id": "c", "weight": 0, "texts": {"en": {"title": "Paused"}}},
    ]
    reweighted = parse(data)
    again = banner_versions(reweighted, client_configs(reweighted, KEYS))
    assert {v: again[(*key, v)] for v in hashes} == hashes


def test_the_shown_config_applies_overrides_and_layout() -> None:
    config = two_variants()
    client = client_config(config, config.sites["demo"], "en", Regime.OPT_IN, KEYS)
    entries = variant_entries(config, config.sites["demo"], "en", Regime.OPT_IN)
    shown = shown_config(client, entries, "b")
    assert shown["variant"] == "b" and shown["layout"] == "box" and shown["texts"]["title"] == "Hi"
    assert shown["texts"]["reject_all"] == "Reject all" and "variants" not in shown
    own = shown_config(client, entries, "a")
    assert own["variant"] == "a" and own["texts"] == client["texts"] and own["layout"] == "bar"


@pytest.fixture()
def variant_app(environ: dict[str, str], config_copy: Path) -> Flask:
    return edited_app(environ, config_copy, TWO_VARIANTS)


def test_every_bundle_of_a_running_test_is_built_once_and_fits_the_budget(variant_app: Flask) -> None:
    bundles = variant_app.extensions[EXTENSION]
    assert set(bundles) == {("demo", lang, regime) for lang in ("en", "fr") for regime in Regime}
    for key, bundle in bundles.items():
        accept = {"en": "Allow all", "fr": "Tout autoriser"}[key[1]]
        assert '"variants":[["b",50,{"title":"' in bundle.body.decode(), key
        assert f'"accept_all":"{accept}"}},"box"]]' in bundle.body.decode(), key
        assert len(gzip.compress(bundle.body, compresslevel=9)) <= BUDGET, key
    versions = services_of(variant_app).banner_versions
    assert len(versions) == 2 * len(bundles)


# -- the banner's own choice, run in Node against the service's -----------------------------


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not installed")
    return found


def pick(node: str, tmp_path: Path, client: dict[str, Any], stored: str | None, roll: float) -> tuple[str, Any, Any]:
    """Run the banner's pickVariant: the variant, the config it leaves, and what sessionStorage keeps."""
    storage = json.dumps({"consentVariant": stored} if stored else {})
    if stored == "blocked":
        storage = "{ get consentVariant() { throw new Error('blocked'); } }"
    script = f"""
{VARIANT_JS.read_text()}
globalThis.sessionStorage = {storage};
Math.random = () => {roll};
const cfg = {json.dumps(client)};
const id = pickVariant(cfg);
let kept = null;
try {{ kept = sessionStorage.consentVariant; }} catch (e) {{}}
console.log(JSON.stringify([id, cfg, kept]));
"""
    path = tmp_path / "pick.js"
    path.write_text(script)
    done = subprocess.run([node, str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return tuple(json.loads(done.stdout))  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("stored", "roll", "variant", "kept"),
    [
        (None, 0.10, "b", "b"),  # a new visitor below b's 50 %: b, kept for the session
        (None, 0.70, "a", "a"),  # above it: a, kept too
        ("b", 0.99, "b", "b"),  # the session's variant wins over a new draw
        ("a", 0.01, "a", "a"),
        ("zzz", 0.01, "a", "zzz"),  # an edited sessionStorage counts as a
        ("c", 0.01, "a", "c"),  # a paused variant is not in the bundle: a
        ("blocked", 0.01, "a", None),  # no sessionStorage: a, never a new draw per page
    ],
)
def test_the_banner_draws_keeps_and_applies_a_variant_as_the_service_hashes_it(
    node: str, tmp_path: Path, stored: str | None, roll: float, variant: str, kept: str | None
) -> None:
    config = two_variants()
    site = config.sites["demo"]
    client = client_config(config, site, "en", Regime.OPT_OUT, KEYS)
    chosen, drawn, stays = pick(node, tmp_path, client, stored, roll)
    assert (chosen, stays) == (variant, kept)
    entries = variant_entries(config, site, "en", Regime.OPT_OUT)
    drawn_shown = {name: value for name, value in drawn.items() if name != "variants"}
    assert {**drawn_shown, "variant": chosen} == shown_config(client, entries, chosen)


def test_check_config_lists_the_variants_and_their_shares(runner: FlaskCliRunner, config_copy: Path) -> None:
    shipped_result = runner.invoke(args=["check-config", str(config_copy)])
    assert "  A/B variants: a 100%, b 0% (box)\n" in shipped_result.stdout
    result = runner.invoke(args=["check-config", str(edit_config(config_copy, TWO_VARIANTS))])
    assert result.exit_code == 0, result.output
    assert "  A/B variants: a 50%, b 50% (box)\n" in result.stdout
