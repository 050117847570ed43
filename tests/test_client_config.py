"""What the banner is sent: the public keys it verifies tokens with, its layout, the placeholder texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from banner.core.client_config import banner_version, client_config
from banner.core.regimes import Regime
from banner.core.tokens import TokenSigner
from tests.support import SECRET, edited_app, services_of


def served_config(client: FlaskClient, query: str = "") -> dict:
    text = client.get(f"/banner.js?site=demo{query}", follow_redirects=True).get_data(as_text=True)
    config, _ = json.JSONDecoder().raw_decode(text[text.index('{"site":') :])
    return config


def test_the_banner_carries_the_public_keys_current_first(environ: dict[str, str], config_copy: Path) -> None:
    new_key = "a-brand-new-key-0123456789"
    rotated = {**environ, "SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": SECRET}
    app = edited_app(rotated, config_copy)
    keys = served_config(app.test_client())["keys"]
    assert keys == TokenSigner([SECRET, new_key], 60).public_keys
    assert keys[0] == TokenSigner([new_key], 60).public_keys[0]
    assert len(keys) == 2 and all(len(key) == 43 for key in keys)  # raw 32-byte Ed25519 keys, base64url
    assert SECRET not in json.dumps(served_config(app.test_client()))


def test_the_layout_is_a_bar_unless_asked(client: FlaskClient) -> None:
    assert served_config(client)["layout"] == "bar"
    config = services_of(client.application).config
    site = config.sites["demo"]
    assert client_config(config, site, "en", Regime.OPT_IN, ["k"], layout="modal")["layout"] == "modal"
    with pytest.raises(ValueError, match="'sideways' is not one of bar, box, modal"):
        client_config(config, site, "en", Regime.OPT_IN, ["k"], layout="sideways")


def test_the_version_hash_follows_what_is_shown_not_the_keys(client: FlaskClient) -> None:
    config = services_of(client.application).config
    site = config.sites["demo"]
    shown = client_config(config, site, "en", Regime.OPT_IN, ["one-key"])
    assert banner_version(shown) == banner_version(client_config(config, site, "en", Regime.OPT_IN, ["another"]))
    assert banner_version(shown) != banner_version(client_config(config, site, "en", Regime.OPT_IN, ["k"], "box"))


@pytest.mark.parametrize(("lang", "load_once"), [("en", "Load this time"), ("fr", "Charger cette fois")])
def test_placeholder_texts_in_every_language(client: FlaskClient, lang: str, load_once: str) -> None:
    texts = served_config(client, f"&lang={lang}")["texts"]
    assert texts["embed_load_once"] == load_once
    assert "{tracker}" in texts["embed_always_allow"] and "{tracker}" in texts["embed_notice"]


def test_a_config_without_placeholder_texts_still_gets_them(environ: dict[str, str], config_copy: Path) -> None:
    app = edited_app(
        environ,
        config_copy,
        ('embed_load_once = "Charger cette fois"\n', ""),
        ('embed_load_once = "Load this time"\n', ""),
    )
    assert served_config(app.test_client(), "&lang=fr")["texts"]["embed_load_once"] == "Load this time"
    assert served_config(app.test_client(), "&lang=fr")["texts"]["embed_always_allow"] == "Toujours autoriser {tracker}"
