"""The Global Vendor List's JSON (v3), read into :mod:`banner.core.iab.gvl` and written back.

Reading fails fast with a :class:`VendorListError` naming the file and the dotted key, so a
corrupt download is refused (and the previous list kept) rather than half-used; a list whose
``tcfPolicyVersion`` is newer than the encoder knows raises :class:`VendorListTooNew`.
Writing produces the same shape (defaults left out), which is what the banner is served.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from banner.core.iab.errors import VendorListError, VendorListTooNew
from banner.core.iab.gvl import (
    SPECIFICATION_VERSION,
    DataCategory,
    DataRetention,
    Declaration,
    Stack,
    Texts,
    Translation,
    Vendor,
    VendorList,
    VendorUrl,
)
from banner.core.iab.tcf_rules import KNOWN_POLICY_VERSION, MIN_POLICY_VERSION

T = TypeVar("T")
LANGUAGE_RE = re.compile(r"[a-z]{2}(-[a-z]{2,4})?\Z")
ID_KEY_RE = re.compile(r"[1-9][0-9]{0,5}\Z")
_REQUIRED: Any = object()


class _Node:
    """One JSON object of the file and its dotted path; every getter checks the type."""

    def __init__(self, source: str, path: str, data: Any) -> None:
        self.source, self.path = source, path
        if not isinstance(data, dict):
            raise VendorListError(source, path or "(top level)", "must be a JSON object")
        self.data: dict[str, Any] = data

    def fail(self, name: str, problem: str) -> VendorListError:
        return VendorListError(self.source, f"{self.path}.{name}" if self.path else name, problem)

    def get(self, name: str, kind: type[T], default: Any = _REQUIRED) -> T:
        value = self.data.get(name, default)
        if value is _REQUIRED:
            raise self.fail(name, "is required")
        if value is not default and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
            raise self.fail(name, f"must be {kind.__name__}, not {type(value).__name__}")
        return value

    def ids(self, name: str) -> tuple[int, ...]:
        values = self.get(name, list, [])
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
            raise self.fail(name, "must be a list of positive integers")
        return tuple(values)

    def moment(self, name: str, default: Any = _REQUIRED) -> Any:
        text = self.get(name, str, default)
        if text is default:
            return default
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(name, f"{text!r} is not an ISO 8601 date-time") from None
        return parsed.replace(tzinfo=parsed.tzinfo or UTC)

    def by_id(self, name: str, required: bool = True) -> dict[int, _Node]:
        """An object keyed by id, as the GVL lists everything; each entry's ``id`` must match."""
        items = self.get(name, dict, _REQUIRED if required else {})
        nodes: dict[int, _Node] = {}
        for key, value in items.items():
            node = _Node(self.source, f"{self.path + '.' if self.path else ''}{name}.{key}", value)
            if not ID_KEY_RE.match(key) or node.get("id", int) != int(key):
                raise node.fail("id", f"must be the positive integer {key!r} it is listed under")
            nodes[int(key)] = node
        return nodes


def parse_vendor_list(data: Any, source: str = "vendor-list.json") -> VendorList:
    root = _Node(source, "", data)
    if root.get("gvlSpecificationVersion", int) != SPECIFICATION_VERSION:
        raise root.fail("gvlSpecificationVersion", f"only version {SPECIFICATION_VERSION} lists are supported")
    policy = root.get("tcfPolicyVersion", int)
    if policy > KNOWN_POLICY_VERSION:
        newest = f"the newest this service encodes is {KNOWN_POLICY_VERSION}"
        raise VendorListTooNew(source, "tcfPolicyVersion", f"{policy} is too new: {newest}")
    if policy < MIN_POLICY_VERSION:
        raise root.fail("tcfPolicyVersion", f"{policy} is older than {MIN_POLICY_VERSION}, no longer valid")
    texts = _texts(root)
    return VendorList(
        vendor_list_version=root.get("vendorListVersion", int),
        tcf_policy_version=policy,
        last_updated=root.moment("lastUpdated"),
        texts=texts,
        vendors={i: _vendor(node, texts) for i, node in root.by_id("vendors").items()},
    )


def parse_translation(data: Any, language: str, source: str | None = None) -> Translation:
    """A ``purposes-xx.json`` file: the same text objects as the list, without vendors."""
    if not LANGUAGE_RE.match(language):
        raise VendorListError(source or "translation", "(language)", f"{language!r} is not a language code")
    root = _Node(source or f"purposes-{language}.json", "", data)
    return Translation(language, _texts(root), root.get("tcfPolicyVersion", int, None))


def _texts(root: _Node) -> Texts:
    return Texts(
        purposes={i: _declaration(n) for i, n in root.by_id("purposes").items()},
        special_purposes={i: _declaration(n) for i, n in root.by_id("specialPurposes").items()},
        features={i: _declaration(n) for i, n in root.by_id("features").items()},
        special_features={i: _declaration(n) for i, n in root.by_id("specialFeatures").items()},
        stacks={i: _stack(n) for i, n in root.by_id("stacks", required=False).items()},
        data_categories={i: _data_category(n) for i, n in root.by_id("dataCategories", required=False).items()},
    )


def _declaration(node: _Node) -> Declaration:
    illustrations = node.get("illustrations", list, [])
    if not all(isinstance(text, str) for text in illustrations):
        raise node.fail("illustrations", "must be a list of strings")
    return Declaration(
        id=node.get("id", int),
        name=node.get("name", str),
        description=node.get("description", str),
        illustrations=tuple(illustrations),
        consentable=node.get("consentable", bool, True),
        right_to_object=node.get("rightToObject", bool, True),
    )


def _stack(node: _Node) -> Stack:
    return Stack(
        node.get("id", int),
        node.get("name", str),
        node.get("description", str),
        node.ids("purposes"),
        node.ids("specialFeatures"),
    )


def _data_category(node: _Node) -> DataCategory:
    return DataCategory(node.get("id", int), node.get("name", str), node.get("description", str))


def _vendor(node: _Node, texts: Texts) -> Vendor:
    vendor = Vendor(
        id=node.get("id", int),
        name=node.get("name", str),
        purposes=node.ids("purposes"),
        leg_int_purposes=node.ids("legIntPurposes"),
        flexible_purposes=node.ids("flexiblePurposes"),
        special_purposes=node.ids("specialPurposes"),
        features=node.ids("features"),
        special_features=node.ids("specialFeatures"),
        urls=tuple(_url(_Node(node.source, f"{node.path}.urls", u)) for u in node.get("urls", list, [])),
        uses_cookies=node.get("usesCookies", bool),
        cookie_max_age_seconds=node.get("cookieMaxAgeSeconds", int, None),
        cookie_refresh=node.get("cookieRefresh", bool, False),
        uses_non_cookie_access=node.get("usesNonCookieAccess", bool),
        data_declaration=node.ids("dataDeclaration"),
        data_retention=_retention(node) if "dataRetention" in node.data else None,
        device_storage_disclosure_url=node.get("deviceStorageDisclosureUrl", str, None),
        deleted_date=node.moment("deletedDate", None),
    )
    _check_references(node, vendor, texts)
    return vendor


def _url(node: _Node) -> VendorUrl:
    return VendorUrl(node.get("langId", str), node.get("privacy", str), node.get("legIntClaim", str, None))


def _retention(vendor: _Node) -> DataRetention:
    node = _Node(vendor.source, f"{vendor.path}.dataRetention", vendor.data["dataRetention"])
    days = {name: node.get(name, dict, {}) for name in ("purposes", "specialPurposes")}
    for name, table in days.items():
        if not all(ID_KEY_RE.match(k) and isinstance(v, int) and not isinstance(v, bool) for k, v in table.items()):
            raise node.fail(name, "must map purpose ids to whole days")
    return DataRetention(
        node.get("stdRetention", int, None),
        {int(k): v for k, v in days["purposes"].items()},
        {int(k): v for k, v in days["specialPurposes"].items()},
    )


def _check_references(node: _Node, vendor: Vendor, texts: Texts) -> None:
    """Only ids the list itself defines; a purpose on one legal basis; flexible ones declared."""
    known: Mapping[str, Mapping[int, Any]] = {
        "purposes": texts.purposes,
        "legIntPurposes": texts.purposes,
        "flexiblePurposes": texts.purposes,
        "specialPurposes": texts.special_purposes,
        "features": texts.features,
        "specialFeatures": texts.special_features,
    }
    for name, table in known.items():
        missing = sorted(set(node.ids(name)) - set(table))
        if missing:
            raise node.fail(name, f"{missing} are not defined in this vendor list")
    if set(vendor.purposes) & set(vendor.leg_int_purposes):
        raise node.fail("legIntPurposes", "a purpose cannot be on both consent and legitimate interest")
    if not set(vendor.flexible_purposes) <= set(vendor.purposes) | set(vendor.leg_int_purposes):
        raise node.fail("flexiblePurposes", "every flexible purpose must also be declared")
