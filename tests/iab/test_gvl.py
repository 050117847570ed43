"""The Global Vendor List model: parsing with named errors, the per-site subset, translations."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from banner.core.iab.errors import VendorListError, VendorListTooNew
from banner.core.iab.gvl_json import parse_translation, parse_vendor_list

DATA = Path(__file__).resolve().parent.parent / "data" / "gvl"
NOW = datetime(2026, 3, 5, tzinfo=UTC)


def raw(name: str = "vendor-list.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text())
    return data


def test_the_test_vendor_list_parses_with_every_kind_of_vendor() -> None:
    gvl = parse_vendor_list(raw())
    assert (gvl.vendor_list_version, gvl.tcf_policy_version, gvl.language) == (120, 5, "en")
    assert sorted(gvl.vendors) == [2, 21, 77, 128, 755, 1000]
    assert sorted(gvl.texts.purposes) == list(range(1, 12)) and sorted(gvl.texts.special_features) == [1, 2]
    contoso = gvl.vendors[21]
    assert contoso.flexible_purposes == (2, 9) and contoso.special_features == (1,)
    assert (contoso.retention_days(3), contoso.retention_days(2)) == (180, 390)
    assert contoso.urls[0].leg_int_claim == "https://vendor21.example/li"
    assert gvl.vendors[77].cookie_max_age_seconds is None and not gvl.vendors[77].uses_cookies
    assert gvl.vendors[128].purposes == () and gvl.vendors[128].special_purposes == (1, 2)
    assert not gvl.vendors[1000].active_at(NOW) and gvl.vendors[21].active_at(NOW)
    assert not gvl.texts.special_purposes[1].consentable and gvl.texts.purposes[1].consentable


def test_writing_and_reading_back_gives_the_same_list() -> None:
    gvl = parse_vendor_list(raw())
    assert parse_vendor_list(json.loads(json.dumps(gvl.to_json()))) == gvl


def test_a_sites_subset_keeps_its_vendors_and_every_text() -> None:
    gvl = parse_vendor_list(raw())
    subset = gvl.subset([77, 21, 1000, 21], NOW)
    assert sorted(subset.vendors) == [21, 77]  # the deleted vendor is never shown
    assert subset.texts == gvl.texts
    served = json.dumps(subset.to_json(), separators=(",", ":"))
    assert '"Contoso Ad Exchange"' in served and "Northwind" not in served
    assert len(served) < len(json.dumps(raw(), separators=(",", ":")))


def test_a_subset_naming_a_vendor_the_list_lacks_says_which() -> None:
    with pytest.raises(VendorListError, match=r"vendors: \[3, 99\] are not in vendor list v120"):
        parse_vendor_list(raw()).subset([21, 99, 3], NOW)


def test_a_translation_replaces_the_texts_and_keeps_english_where_it_has_none() -> None:
    gvl = parse_vendor_list(raw())
    french = gvl.translated(parse_translation(raw("purposes-fr.json"), "fr"))
    assert french.language == "fr"
    assert french.texts.purposes[1].name == "Stocker et/ou accéder à des informations sur un appareil"
    assert french.texts.stacks[1].name.startswith("Géolocalisation")
    assert french.texts.stacks[12] == gvl.texts.stacks[12]  # not translated in the file
    assert french.vendors == gvl.vendors


def test_a_translation_for_another_policy_version_is_refused() -> None:
    data = raw("purposes-fr.json") | {"tcfPolicyVersion": 4}
    with pytest.raises(VendorListError, match="tcfPolicyVersion: 4 differs"):
        parse_vendor_list(raw()).translated(parse_translation(data, "fr"))


def test_a_newer_policy_version_is_refused_with_its_own_error() -> None:
    with pytest.raises(VendorListTooNew, match="tcfPolicyVersion: 6 is too new"):
        parse_vendor_list(raw() | {"tcfPolicyVersion": 6})


def _broken(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw())
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("gvlSpecificationVersion", 2, "gvlSpecificationVersion: only version 3"),
        ("tcfPolicyVersion", 3, "tcfPolicyVersion: 3 is older than 4"),
        ("vendorListVersion", "120", "vendorListVersion: must be int, not str"),
        ("lastUpdated", "last week", "lastUpdated: 'last week' is not an ISO 8601"),
        ("purposes", KeyError, "purposes: is required"),
        ("purposes.3.name", 3, "purposes.3.name: must be str"),
        ("purposes.3.id", 4, "purposes.3.id: must be the positive integer '3'"),
        ("stacks.2.purposes", [2, "7"], "stacks.2.purposes: must be a list of positive integers"),
        ("vendors.21.purposes", [1, 30], r"vendors.21.purposes: \[30\] are not defined"),
        ("vendors.21.specialFeatures", [5], r"vendors.21.specialFeatures: \[5\] are not defined"),
        ("vendors.21.legIntPurposes", [3, 7], "vendors.21.legIntPurposes: a purpose cannot be on both"),
        ("vendors.77.flexiblePurposes", [2, 9], "vendors.77.flexiblePurposes: every flexible purpose"),
        ("vendors.21.usesCookies", KeyError, "vendors.21.usesCookies: is required"),
        ("vendors.21.deletedDate", "soon", "vendors.21.deletedDate: 'soon' is not"),
        ("vendors.21.dataRetention", {"purposes": {"x": 1}}, "vendors.21.dataRetention.purposes: must map"),
        ("vendors.21.urls", [{"langId": "en"}], "vendors.21.urls.privacy: is required"),
        ("vendors", [], "vendors: must be dict, not list"),
        ("vendors", {"²": {"id": 2}}, "vendors.².id: must be the positive integer '²'"),
    ],
)
def test_a_corrupt_list_is_refused_naming_the_key(path: str, value: Any, message: str) -> None:
    with pytest.raises(VendorListError, match=message) as caught:
        parse_vendor_list(_broken(path, value), source="var/gvl/vendor-list.json")
    assert caught.value.source == "var/gvl/vendor-list.json"


@pytest.mark.parametrize("data", [None, [], "vendor list", 3])
def test_anything_but_an_object_is_refused(data: Any) -> None:
    with pytest.raises(VendorListError, match=r"\(top level\): must be a JSON object"):
        parse_vendor_list(data)


def test_a_translation_needs_a_language_code() -> None:
    with pytest.raises(VendorListError, match="not a language code"):
        parse_translation(raw("purposes-fr.json"), "French")
