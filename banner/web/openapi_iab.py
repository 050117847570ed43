"""The parts of ``/openapi.json`` that exist only where a site uses TCF: the consent body's
``tcf`` answers, named by this deployment's vendors, and the vendor list documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from banner.core.config import Config
from banner.core.iab.choices import LI_PURPOSES
from banner.core.iab.tcf_rules import PURPOSE_IDS, SPECIAL_FEATURE_IDS


def _answers(ids: Iterable[int], what: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {str(i): {"type": "boolean"} for i in sorted(ids)},
        "additionalProperties": False,
        "description": what,
    }


def tcf_only_on_tcf_sites(config: Config) -> dict[str, Any]:
    """A consent body for a site without TCF has no ``tcf`` answers."""
    others = sorted(set(config.sites) - set(config.tcf))
    if not config.tcf or not others:
        return {}
    site = {"properties": {"site": {"enum": others}}, "required": ["site"]}
    return {"if": site, "then": {"not": {"required": ["tcf"]}}}


def tcf_answers(config: Config) -> dict[str, Any]:
    """The ``tcf`` property of a consent body; vendors are those of every TCF site."""
    if not config.tcf:
        return {}
    sites = config.tcf.values()
    properties = {
        "purposes": _answers(PURPOSE_IDS, "Consent by TCF purpose; overrides the categories"),
        "special_features": _answers(SPECIAL_FEATURE_IDS, "Opt-in by TCF special feature"),
        "vendors": _answers({v for s in sites for v in s.vendors}, "Consent by vendor id (the site's own)"),
        "li_purposes": _answers(LI_PURPOSES, "false = objects to legitimate interest for that purpose"),
        "li_vendors": _answers({v for s in sites for v in s.li_vendors}, "false = objects to that vendor's"),
    }
    description = "A TCF site's per-purpose and per-vendor answers (action custom only)"
    return {
        "tcf": {"type": "object", "additionalProperties": False, "properties": properties, "description": description}
    }


def tcf_paths(config: Config) -> dict[str, Any]:
    if not config.tcf:
        return {}
    parameter = {"in": "path", "required": True}
    return {
        "/gvl/{site}/{version}/{lang}.json": {
            "get": {
                "summary": "A TCF site's vendors with every standard text, in one language (the banner's vendor layer)",
                "parameters": [
                    {"name": "site", **parameter, "schema": {"$ref": "#/components/schemas/SiteId"}},
                    {"name": "version", **parameter, "schema": {"type": "integer", "minimum": 1}},
                    {"name": "lang", **parameter, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "The Global Vendor List (v3 JSON) cut down to the site's vendors",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "302": {"description": "Another version: where the one in use is"},
                    "304": {"description": "Not modified"},
                    "404": {"$ref": "#/components/responses/Error404"},
                },
            }
        }
    }
