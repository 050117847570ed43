"""The IAB Global Vendor List (v3): a frozen model, the subset a site serves, its translations.

Browsers never fetch the IAB's list (the TCF forbids it): the service keeps a local copy, parses
it (:mod:`banner.core.iab.gvl_json`), and serves each site's banner only its own vendors
plus every standard purpose and feature text, in the GVL's own JSON shape, from our origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from banner.core.clock import utc_iso
from banner.core.iab.errors import VendorListError

SPECIFICATION_VERSION = 3


@dataclass(frozen=True)
class Declaration:
    """A purpose, special purpose, feature or special feature with its standard texts."""

    id: int
    name: str
    description: str
    illustrations: tuple[str, ...] = ()
    consentable: bool = True  # purposes only: false = never offer an opt-in
    right_to_object: bool = True  # purposes only: false = never offer an objection


@dataclass(frozen=True)
class Stack:
    id: int
    name: str
    description: str
    purposes: tuple[int, ...]
    special_features: tuple[int, ...]


@dataclass(frozen=True)
class DataCategory:
    id: int
    name: str
    description: str


@dataclass(frozen=True)
class Texts:
    """Everything a purposes translation file replaces, by id."""

    purposes: Mapping[int, Declaration]
    special_purposes: Mapping[int, Declaration]
    features: Mapping[int, Declaration]
    special_features: Mapping[int, Declaration]
    stacks: Mapping[int, Stack]
    data_categories: Mapping[int, DataCategory]


@dataclass(frozen=True)
class VendorUrl:
    lang_id: str
    privacy: str
    leg_int_claim: str | None = None


@dataclass(frozen=True)
class DataRetention:
    """Days each purpose's data is kept; ``std_retention`` covers purposes not listed."""

    std_retention: int | None
    purposes: Mapping[int, int]
    special_purposes: Mapping[int, int]


@dataclass(frozen=True)
class Vendor:
    id: int
    name: str
    purposes: tuple[int, ...]
    leg_int_purposes: tuple[int, ...]
    flexible_purposes: tuple[int, ...]
    special_purposes: tuple[int, ...]
    features: tuple[int, ...]
    special_features: tuple[int, ...]
    urls: tuple[VendorUrl, ...]
    uses_cookies: bool
    cookie_max_age_seconds: int | None
    cookie_refresh: bool
    uses_non_cookie_access: bool
    data_declaration: tuple[int, ...] = ()
    data_retention: DataRetention | None = None
    device_storage_disclosure_url: str | None = None
    deleted_date: datetime | None = None

    def active_at(self, moment: datetime) -> bool:
        """A vendor is deleted from its ``deletedDate`` on and must not be shown any more."""
        return self.deleted_date is None or moment < self.deleted_date

    def retention_days(self, purpose_id: int) -> int | None:
        if self.data_retention is None:
            return None
        return self.data_retention.purposes.get(purpose_id, self.data_retention.std_retention)


@dataclass(frozen=True)
class Translation:
    """A ``purposes-xx.json`` file: the standard texts in one language."""

    language: str
    texts: Texts
    tcf_policy_version: int | None = None


@dataclass(frozen=True)
class VendorList:
    vendor_list_version: int
    tcf_policy_version: int
    last_updated: datetime
    texts: Texts
    vendors: Mapping[int, Vendor]
    language: str = "en"

    def subset(self, vendor_ids: Iterable[int], moment: datetime) -> VendorList:
        """This list cut down to ``vendor_ids`` (deleted ones left out) with every text kept:
        what one site's banner needs. Ids the list never had are an error, named."""
        wanted = sorted(set(vendor_ids))
        unknown = [i for i in wanted if i not in self.vendors]
        if unknown:
            raise VendorListError(
                "vendor list", "vendors", f"{unknown} are not in vendor list v{self.vendor_list_version}"
            )
        kept = {i: self.vendors[i] for i in wanted if self.vendors[i].active_at(moment)}
        return replace(self, vendors=kept)

    def translated(self, translation: Translation) -> VendorList:
        """The same list with texts in ``translation``'s language; ids it lacks stay in English."""
        if translation.tcf_policy_version not in (None, self.tcf_policy_version):
            raise VendorListError(
                f"purposes-{translation.language}.json",
                "tcfPolicyVersion",
                f"{translation.tcf_policy_version} differs from the vendor list's {self.tcf_policy_version}",
            )
        mine, theirs = self.texts, translation.texts
        texts = Texts(
            purposes={**mine.purposes, **theirs.purposes},
            special_purposes={**mine.special_purposes, **theirs.special_purposes},
            features={**mine.features, **theirs.features},
            special_features={**mine.special_features, **theirs.special_features},
            stacks={**mine.stacks, **theirs.stacks},
            data_categories={**mine.data_categories, **theirs.data_categories},
        )
        return replace(self, texts=texts, language=translation.language)

    def to_json(self) -> dict[str, Any]:
        """The GVL v3 JSON shape, defaults left out: what the banner is served, and what
        :func:`banner.core.iab.gvl_json.parse_vendor_list` reads back to an equal list."""
        return {
            "gvlSpecificationVersion": SPECIFICATION_VERSION,
            "vendorListVersion": self.vendor_list_version,
            "tcfPolicyVersion": self.tcf_policy_version,
            "lastUpdated": utc_iso(self.last_updated),
            **_texts_json(self.texts),
            "vendors": {str(i): _vendor_json(v) for i, v in sorted(self.vendors.items())},
        }


def _texts_json(texts: Texts) -> dict[str, Any]:
    return {
        "purposes": _by_id(texts.purposes, _declaration_json),
        "specialPurposes": _by_id(texts.special_purposes, _declaration_json),
        "features": _by_id(texts.features, _declaration_json),
        "specialFeatures": _by_id(texts.special_features, _declaration_json),
        "stacks": _by_id(
            texts.stacks,
            lambda s: {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "purposes": list(s.purposes),
                "specialFeatures": list(s.special_features),
            },
        ),
        "dataCategories": _by_id(
            texts.data_categories,
            lambda c: {
                "id": c.id,
                "name": c.name,
                "description": c.description,
            },
        ),
    }


def _by_id(items: Mapping[int, Any], to_json: Any) -> dict[str, Any]:
    return {str(i): to_json(item) for i, item in sorted(items.items())}


def _declaration_json(item: Declaration) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "name": item.name, "description": item.description}
    out["illustrations"] = list(item.illustrations)
    if not item.consentable:
        out["consentable"] = False
    if not item.right_to_object:
        out["rightToObject"] = False
    return out


def _vendor_json(vendor: Vendor) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": vendor.id,
        "name": vendor.name,
        "purposes": list(vendor.purposes),
        "legIntPurposes": list(vendor.leg_int_purposes),
        "flexiblePurposes": list(vendor.flexible_purposes),
        "specialPurposes": list(vendor.special_purposes),
        "features": list(vendor.features),
        "specialFeatures": list(vendor.special_features),
        "dataDeclaration": list(vendor.data_declaration),
        "urls": [
            {"langId": u.lang_id, "privacy": u.privacy} | ({"legIntClaim": u.leg_int_claim} if u.leg_int_claim else {})
            for u in vendor.urls
        ],
        "usesCookies": vendor.uses_cookies,
        "cookieMaxAgeSeconds": vendor.cookie_max_age_seconds,
        "cookieRefresh": vendor.cookie_refresh,
        "usesNonCookieAccess": vendor.uses_non_cookie_access,
    }
    if vendor.data_retention is not None:
        kept = vendor.data_retention
        out["dataRetention"] = {
            "purposes": {str(k): v for k, v in sorted(kept.purposes.items())},
            "specialPurposes": {str(k): v for k, v in sorted(kept.special_purposes.items())},
        } | ({"stdRetention": kept.std_retention} if kept.std_retention is not None else {})
    if vendor.device_storage_disclosure_url is not None:
        out["deviceStorageDisclosureUrl"] = vendor.device_storage_disclosure_url
    if vendor.deleted_date is not None:
        out["deletedDate"] = utc_iso(vendor.deleted_date)
    return out
