"""The vendor list at start-up, and ``GET /gvl/<site>/<version>/<lang>.json`` for TCF banners.

A site with ``tcf_vendors`` cannot start without a usable local list (``gvl-update`` makes one):
its vendors are checked against it and bound into the config (:mod:`banner.core.iab.binding`).
Each TCF site's banner is then served, from our origin, the list cut down to its own vendors with
every standard text in the visitor's language: built once here, named by the list's version, so
caches keep it for a year. Sites without TCF load nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, url_for

from banner.core.clock import utc_now
from banner.core.config import Config, Site
from banner.core.errors import NotFound
from banner.core.iab.binding import bind_vendor_list
from banner.core.iab.client import tcf_client_config
from banner.core.iab.gvl import VendorList
from banner.vendor_list.files import LocalList, VendorListFiles, iab_language
from banner.web.context import services
from banner.web.cors import add_cors_headers, check_origin
from banner.web.script import IMMUTABLE

log = logging.getLogger(__name__)

bp = Blueprint("gvl", __name__)
EXTENSION = "consent.gvl"
COMPACT = (",", ":")


@dataclass
class ServedLists:
    """The list in use (None: no site uses TCF), each TCF site's document by language, and what
    its banner inlines (:func:`banner.core.iab.client.tcf_client_config`), by language too."""

    files: VendorListFiles
    local: LocalList | None = None
    documents: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)  # body, ETag
    banners: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


def init_app(app: Flask, config: Config) -> Config:
    """Load the list if any site uses TCF, and answer the config with those sites bound to it."""
    served = ServedLists(VendorListFiles(config.iab.gvl))
    app.extensions[EXTENSION] = served
    app.register_blueprint(bp)
    tcf_sites = [site for site in config.sites.values() if site.tcf_vendors]
    if not tcf_sites:
        return config
    local = served.local = served.files.load({lang for site in tcf_sites for lang in site.languages})
    for problem in local.problems:
        log.warning("vendor list: %s", problem)
    now = utc_now()
    bound = bind_vendor_list(config, local.vendor_list, now)
    for site in tcf_sites:
        _prepare(served, bound, site, local.vendor_list.subset(bound.tcf[site.id].vendors, now))
    return bound


def _prepare(served: ServedLists, config: Config, site: Site, subset: VendorList) -> None:
    """The site's document and banner config in each of its languages."""
    tcf_site = config.tcf[site.id]
    for lang in site.languages:
        shown = _translated(subset, served, lang)
        body = json.dumps(shown.to_json(), ensure_ascii=False, separators=COMPACT).encode()
        served.documents[(site.id, lang)] = (body, hashlib.sha256(body).hexdigest()[:16])
        url = document_path(site.id, tcf_site.vendor_list_version, lang)
        served.banners[(site.id, lang)] = tcf_client_config(config, tcf_site, shown, url)


def _translated(subset: VendorList, served: ServedLists, lang: str) -> VendorList:
    translation = served.local.translations.get(iab_language(lang)) if served.local else None
    return subset.translated(translation) if translation else subset


def banner_config(app: Flask, site: str, lang: str) -> dict[str, Any] | None:
    """What a TCF site's banner inlines in ``lang``; None for a site without TCF."""
    served: ServedLists = app.extensions[EXTENSION]
    return served.banners.get((site, lang))


def document_path(site: str, version: int, lang: str) -> str:
    """Where a TCF banner fetches its vendors (the banner's vendor layer, loaded when opened)."""
    return f"/gvl/{site}/{version}/{lang}.json"


@bp.get("/gvl/<site>/<int:version>/<lang>.json")
def vendor_list(site: str, version: int, lang: str) -> Response:
    served: ServedLists = current_app.extensions[EXTENSION]
    document = served.documents.get((site, lang))
    if document is None or served.local is None:
        raise NotFound(f"no vendor list for site {site[:40]!r} in {lang[:10]!r}")
    config_site = services().config.sites[site]
    check_origin(config_site)
    current = served.local.vendor_list.vendor_list_version
    if version != current:
        moved = Response(status=302, headers={"Cache-Control": "no-cache"})
        moved.headers["Location"] = url_for("gvl.vendor_list", site=site, version=current, lang=lang)
        return add_cors_headers(moved, config_site.origins)
    body, etag = document
    fresh = request.if_none_match.contains(etag)
    response = Response(status=304) if fresh else Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = IMMUTABLE
    return add_cors_headers(response, config_site.origins)


def health() -> dict[str, Any] | None:
    """For ``/healthz``: the list in use, and what the last update did (a refusal stays until a list is kept)."""
    served: ServedLists | None = current_app.extensions.get(EXTENSION)
    if served is None or served.local is None:
        return None
    in_use = served.local.vendor_list
    status = served.files.status()
    return {
        "version": in_use.vendor_list_version,
        "tcf_policy_version": in_use.tcf_policy_version,
        "source": served.local.source,
        "problems": list(served.local.problems),
        "last_update": status.get("last_update"),
        "last_refused": status.get("last_refused"),
    }
