"""``gvl-update``: download the Global Vendor List and its translations, and keep them only if usable.

A list that does not download, is not whole JSON, does not parse as a v3 list, has a TCF policy
version newer than the encoder knows, is older than the one on disk, or lacks a vendor the config
names, is refused: the previous files stay, and the reason is logged and recorded for
``/healthz``. Translations are checked the same way, one language at a time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.error import URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

from banner.core.clock import utc_iso
from banner.core.iab.errors import VendorListError
from banner.core.iab.gvl import VendorList
from banner.core.iab.gvl_json import parse_translation, parse_vendor_list
from banner.vendor_list.files import BASE_LANGUAGE, VendorListFiles, iab_language, read_vendor_list

log = logging.getLogger(__name__)

IAB_URL = "https://vendor-list.consensu.org/v3/vendor-list.json"
MAX_BYTES = 16 * 1024 * 1024  # the real list is a few MB
TIMEOUT = 30
SCHEMES = ("https", "http", "file")


class Refused(Exception):
    """A download that is not kept; the message says why."""


@dataclass
class Report:
    """What an update did: ``outcome`` is updated, unchanged or refused."""

    outcome: str
    version: int | None
    reason: str = ""
    notes: list[str] = field(default_factory=list)


def update(files: VendorListFiles, url: str, languages: Iterable[str], vendors: Iterable[int], now: datetime) -> Report:
    """Fetch the list at ``url`` (and ``purposes-<lang>.json`` beside it), keep it if usable."""
    current = _version_on_disk(files)
    try:
        data = fetch(url)
        new = _usable(parse_vendor_list(_json(data, url), url), current, vendors)
    except (Refused, VendorListError) as e:
        report = Report("refused", None, str(e))
        log.warning("vendor list from %s refused, the previous one is kept: %s", url, e)
    else:
        if current != new.vendor_list_version:
            files.replace(files.path, data)
        report = Report("unchanged" if current == new.vendor_list_version else "updated", new.vendor_list_version)
        report.notes = [_update_translation(files, url, lang, new) for lang in _languages(languages)]
    _record(files, url, report, now)
    return report


def fetch(url: str) -> bytes:
    if urlsplit(url).scheme not in SCHEMES:
        raise Refused(f"{url}: only {', '.join(SCHEMES)} URLs")
    try:
        with urlopen(url, timeout=TIMEOUT) as response:  # schemes checked above
            data: bytes = response.read(MAX_BYTES + 1)
    except (URLError, OSError, ValueError) as e:
        raise Refused(f"{url}: download failed: {getattr(e, 'reason', e)}") from None
    if len(data) > MAX_BYTES:
        raise Refused(f"{url}: over {MAX_BYTES} bytes")
    return data


def _json(data: bytes, url: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise Refused(f"{url}: not valid JSON (truncated?)") from None


def _usable(new: VendorList, current: int | None, vendors: Iterable[int]) -> VendorList:
    if current is not None and new.vendor_list_version < current:
        raise Refused(f"version {new.vendor_list_version} is older than version {current}, on disk")
    missing = sorted(set(vendors) - set(new.vendors))
    if missing:
        raise Refused(f"vendor {missing[0]}, which the config names, is not in version {new.vendor_list_version}")
    return new


def _version_on_disk(files: VendorListFiles) -> int | None:
    try:
        return read_vendor_list(files.path).vendor_list_version
    except VendorListError:
        return None


def _languages(languages: Iterable[str]) -> list[str]:
    return sorted({iab_language(lang) for lang in languages} - {BASE_LANGUAGE})


def _update_translation(files: VendorListFiles, url: str, language: str, vendor_list: VendorList) -> str:
    source = urljoin(url, f"purposes-{language}.json")
    try:
        data = fetch(source)
        vendor_list.translated(parse_translation(_json(data, source), language, source))
    except (Refused, VendorListError) as e:
        log.warning("translation %s refused, the previous one is kept: %s", language, e)
        return f"{language}: refused, the previous translation is kept: {e}"
    files.replace(files.translation_path(language), data)
    return f"{language}: updated"


def _record(files: VendorListFiles, url: str, report: Report, now: datetime) -> None:
    """The last attempt, and the last refusal until a list is kept again."""
    status = files.status()
    attempt = {"at": utc_iso(now), "url": url, "outcome": report.outcome, "version": report.version}
    status["last_update"] = attempt | ({"reason": report.reason} if report.reason else {})
    if report.outcome == "refused":
        status["last_refused"] = status["last_update"]
    else:
        status.pop("last_refused", None)
    files.write_status(status)
