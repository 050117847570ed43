"""The vendor list's files: ``vendor-list.json`` with ``purposes-<lang>.json`` beside it.

A file is only ever replaced whole (written beside it, fsync'd, renamed over it), and the file it
replaces is kept as ``<name>.previous.json``: a list that turns out unusable at start-up (edited
by hand, a disk fault) gives way to the previous one, with a warning. ``update-status.json``
records the last update and the last list refused, for ``/healthz``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from banner.archive.disk import write_atomic
from banner.core.clock import utc_now
from banner.core.config import Config
from banner.core.errors import ConfigError
from banner.core.iab.binding import bind_vendor_list
from banner.core.iab.errors import VendorListError
from banner.core.iab.gvl import Translation, VendorList
from banner.core.iab.gvl_json import parse_translation, parse_vendor_list

STATUS = "update-status.json"
BASE_LANGUAGE = "en"  # the language of the list itself; other languages come as translations


def iab_language(lang: str) -> str:
    """The IAB's name for a site language: ``fr``, ``pt-br``."""
    return lang.lower()


@dataclass(frozen=True)
class LocalList:
    """The list the service uses, its translations by IAB language, and what had to be skipped."""

    vendor_list: VendorList
    translations: dict[str, Translation]
    source: str
    problems: tuple[str, ...] = ()


class VendorListFiles:
    """The files of one deployment's vendor list; ``path`` is ``iab.gvl``."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.directory = self.path.parent

    def translation_path(self, language: str) -> Path:
        return self.directory / f"purposes-{iab_language(language)}.json"

    @staticmethod
    def previous(path: Path) -> Path:
        return path.with_name(f"{path.stem}.previous.json")

    def load(self, languages: set[str]) -> LocalList:
        """The list (or, if it is unusable, the previous one) and the translations of ``languages``.

        Raises :class:`VendorListError` when there is no usable list at all.
        """
        problems: list[str] = []
        try:
            vendor_list, source = read_vendor_list(self.path), str(self.path)
        except VendorListError as current:
            try:
                vendor_list, source = read_vendor_list(self.previous(self.path)), str(self.previous(self.path))
            except VendorListError:
                raise current from None
            problems.append(f"{current}; using the previous list, {source}")
        translations = {}
        for language in sorted({iab_language(lang) for lang in languages} - {BASE_LANGUAGE}):
            try:
                translation = read_translation(self.translation_path(language), language)
                vendor_list.translated(translation)  # same policy version, or refused
                translations[language] = translation
            except VendorListError as e:
                problems.append(f"{e}; the banner shows the IAB texts in English for {language}")
        return LocalList(vendor_list, translations, source, tuple(problems))

    def replace(self, path: Path, data: bytes) -> None:
        """Write ``data`` as ``path``, keeping the file it replaces as its ``.previous.json``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if path.exists():
            os.replace(path, self.previous(path))
        write_atomic(path, data)

    def status(self) -> dict[str, Any]:
        try:
            with open(self.directory / STATUS, encoding="utf-8") as f:
                status = json.load(f)
        except (OSError, ValueError):
            return {}
        return status if isinstance(status, dict) else {}

    def write_status(self, status: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomic(self.directory / STATUS, json.dumps(status, indent=2).encode())


def vendor_list_warnings(config: Config) -> list[str]:
    """For ``check-config``: whether the TCF sites could start with the local vendor list."""
    tcf_sites = [site for site in config.sites.values() if site.tcf_vendors]
    if not tcf_sites:
        return []
    try:
        local = VendorListFiles(config.iab.gvl).load({lang for site in tcf_sites for lang in site.languages})
        bind_vendor_list(config, local.vendor_list, utc_now())
    except ConfigError as e:
        return [f"{e} (TCF sites cannot start so)"]
    return [f"iab.gvl: {problem}" for problem in local.problems]


def read_vendor_list(path: Path) -> VendorList:
    return parse_vendor_list(_read_json(path), str(path))


def read_translation(path: Path, language: str) -> Translation:
    return parse_translation(_read_json(path), language, str(path))


def _read_json(path: Path) -> Any:
    try:
        with open(path, "rb") as f:
            return json.load(f)
    except FileNotFoundError:
        raise VendorListError(str(path), "(file)", "not found; run: flask --app app gvl-update") from None
    except OSError as e:
        raise VendorListError(str(path), "(file)", e.strerror or str(e)) from None
    except (ValueError, RecursionError):
        raise VendorListError(str(path), "(file)", "not valid JSON (truncated?)") from None
