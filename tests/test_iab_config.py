"""The IAB keys of config.toml and what start-up checks against the vendor list."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from banner.core.config_parse import parse_config
from banner.core.errors import ConfigError
from tests.support import make_app, schema_problems
from tests.support.tcf import TCF_CONFIG, own_vendor_list, vendor_list


def tcf_data() -> dict[str, Any]:
    with open(TCF_CONFIG, "rb") as f:
        return tomllib.load(f)


def parse(data: dict[str, Any]) -> Any:
    return parse_config(data, "tcf.toml", {"DATA_DIR": "/srv/consent"}, require_secret=False)


def test_the_tcf_config_reads_every_iab_key() -> None:
    config = parse(tcf_data())
    assert (config.iab.cmp_id, config.iab.cmp_version, config.iab.publisher_cc) == (4095, 1, "FR")
    assert config.sites["demo"].tcf_vendors == (2, 21, 77, 128, 755) and config.sites["plain"].tcf_vendors == ()
    advertising = config.category("advertising")
    assert advertising is not None and advertising.tcf_purposes == (1, 2, 3, 4, 7)
    assert advertising.tcf_special_features == (1,)
    assert {t.id: t.tcf_vendor_id for t in config.trackers if t.tcf_vendor_id} == {
        "doubleclick": 755,
        "xandr": 21,
        "ima": 77,
    }
    assert config.tcf == {}  # bound to the vendor list only at start-up


def test_an_empty_gvl_path_means_the_data_dir_and_gpp_is_off_by_default() -> None:
    data = tcf_data()
    data["iab"] = {"cmp_id": 300}
    config = parse(data)
    assert config.iab.gvl == "/srv/consent/gvl/vendor-list.json"
    assert config.iab.gpp is False and config.iab.publisher_cc == "AA" and config.iab.gpp_cmp_id == 300


def _edit(path: str, value: Any) -> dict[str, Any]:
    data = tcf_data()
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "key", "message"),
    [
        ("iab.cmp_id", 0, "sites[0].tcf_vendors", "TCF needs iab.cmp_id"),
        ("iab.cmp_id", 1, "iab.cmp_id", "1 is not a CMP id"),
        ("iab.cmp_id", 4096, "iab.cmp_id", "4096 is not a CMP id"),
        ("iab.publisher_cc", "fr", "iab.publisher_cc", "'fr' must match"),
        ("iab.mspa_mode", "both", "iab.mspa_mode", "'both' is not one of opt_out_option, service_provider"),
        ("sites.0.tcf_vendors", [21, 0], "sites[0].tcf_vendors[1]", "0 is not between 1 and 65535"),
        ("sites.0.tcf_vendors", [21, 21], "sites[0].tcf_vendors[1]", "21 is listed twice"),
        ("sites.0.tcf_vendors", ["21"], "sites[0].tcf_vendors[0]", "must be a int, not str"),
        ("categories.3.tcf_purposes", [1, 12], "categories[3].tcf_purposes[1]", "12 is not between 1 and 11"),
        ("categories.3.tcf_special_features", [3], "categories[3].tcf_special_features[0]", "3 is not between 1 and 2"),
        ("categories.0.tcf_purposes", [1], "categories[0].tcf_purposes", "a required category cannot stand for"),
        ("trackers.2.tcf_vendor_id", 21, "trackers[2].tcf_vendor_id", "not a first_party tracker"),
        ("trackers.3.tcf_vendor_id", -1, "trackers[3].tcf_vendor_id", "-1 is not between 0 and 65535"),
    ],
)
def test_a_bad_iab_key_names_itself(path: str, value: Any, key: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(_edit(path, value))
    assert caught.value.key == key and message in caught.value.problem


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("iab.cmp_id", 4096),
        ("iab.mspa_mode", "both"),
        ("sites.0.tcf_vendors", [21, 21]),
        ("categories.3.tcf_purposes", [12]),
        ("trackers.3.tcf_vendor_id", "21"),
    ],
)
def test_the_schema_refuses_what_the_parser_refuses(path: str, value: Any) -> None:
    assert schema_problems(tcf_data()) == []
    assert schema_problems(_edit(path, value))


def test_a_vendor_the_list_lacks_stops_start_up(environ: dict[str, str], tmp_path: Path) -> None:
    config = own_vendor_list(tmp_path, ("tcf_vendors = [2, 21, 77, 128, 755]", "tcf_vendors = [2, 21, 4242]"))
    with pytest.raises(ConfigError, match=r"sites\[0\]\.tcf_vendors: vendor 4242 is not in the Global Vendor List"):
        make_app({**environ, "BANNER_CONFIG": str(config)})


def test_a_tracker_vendor_the_list_lacks_stops_start_up(environ: dict[str, str], tmp_path: Path) -> None:
    config = own_vendor_list(tmp_path, ("tcf_vendor_id = 21", "tcf_vendor_id = 4242"))
    with pytest.raises(ConfigError, match=r"trackers\[4\]\.tcf_vendor_id: vendor 4242 is not in"):
        make_app({**environ, "BANNER_CONFIG": str(config)})


def test_a_tcf_site_without_a_vendor_list_does_not_start_and_says_what_to_run(
    environ: dict[str, str], tmp_path: Path
) -> None:
    config = own_vendor_list(tmp_path)
    (tmp_path / "gvl" / "vendor-list.json").unlink()
    with pytest.raises(
        ConfigError, match=re.escape("vendor-list.json: (file): not found; run: flask --app app gvl-update")
    ):
        make_app({**environ, "BANNER_CONFIG": str(config)})


def test_an_unusable_list_gives_way_to_the_previous_one(environ: dict[str, str], tmp_path: Path) -> None:
    config = own_vendor_list(tmp_path)
    directory = tmp_path / "gvl"
    (directory / "vendor-list.previous.json").write_text((directory / "vendor-list.json").read_text())
    (directory / "vendor-list.json").write_text('{"gvlSpecificationVersion": 3, "vendorListVer')
    health = make_app({**environ, "BANNER_CONFIG": str(config)}).test_client().get("/healthz").get_json()
    assert health["vendor_list"]["version"] == 120
    assert health["vendor_list"]["source"].endswith("vendor-list.previous.json")
    assert "not valid JSON (truncated?); using the previous list" in health["vendor_list"]["problems"][0]


def test_a_missing_translation_falls_back_to_english_with_a_warning(environ: dict[str, str], tmp_path: Path) -> None:
    config = own_vendor_list(tmp_path)
    (tmp_path / "gvl" / "purposes-fr.json").unlink()
    client = make_app({**environ, "BANNER_CONFIG": str(config)}).test_client()
    problems = client.get("/healthz").get_json()["vendor_list"]["problems"]
    assert len(problems) == 1 and "IAB texts in English for fr" in problems[0]
    french = client.get("/gvl/demo/120/fr.json").get_json()
    assert french["purposes"]["1"]["name"] == vendor_list()["purposes"]["1"]["name"]


def test_sites_without_tcf_read_no_vendor_list(client: Any) -> None:
    """The shipped config names a vendor list that does not exist; nothing looks for it."""
    health = client.get("/healthz").get_json()
    assert "vendor_list" not in health
    assert client.get("/gvl/demo/120/en.json").status_code == 404
    assert client.get("/api/v1/decision?site=demo").get_json()["iab"] == {"tcf": None, "gpp": None, "us_privacy": None}
