"""``GET /openapi.json``: an OpenAPI 3.1 description of every public endpoint."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from banner.core.config import Config
from banner.web.context import services
from banner.web.openapi_iab import tcf_answers, tcf_only_on_tcf_sites, tcf_paths
from banner.web.openapi_schemas import (
    ACTIONS,
    CONSENT_ID,
    PORT,
    RESPONSES,
    SCHEMAS,
    SITE,
    TOKEN_HEADER,
    TOKEN_QUERY,
    error_answers,
    json_content,
    ref,
)

bp = Blueprint("openapi", __name__)

PATHS: dict[str, Any] = {
    "/api/v1/decision": {
        "get": {
            "summary": "Which trackers this visitor's page may load",
            "parameters": [SITE, TOKEN_HEADER, TOKEN_QUERY],
            "responses": {"200": json_content(ref("Decision"), "The decision"), **error_answers(400, 403, 404)},
        }
    },
    "/api/v1/consent": {
        "post": {
            "summary": "Record a consent; answers a signed token and sets the cookie",
            "parameters": [TOKEN_HEADER],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ConsentRequest")}}},
            "responses": {
                "201": json_content(ref("ConsentCreated"), "Consent recorded"),
                **error_answers(400, 403, 404, 413, 415, 503),
            },
        },
        "delete": {
            "summary": "Withdraw consent; clears the cookie and answers the new decision",
            "parameters": [SITE, TOKEN_HEADER, TOKEN_QUERY],
            "responses": {
                "200": json_content(ref("Decision"), "Decision after withdrawal"),
                **error_answers(400, 403, 404, 503),
            },
        },
    },
    "/api/v1/consent/{consent_id}": {
        "get": {
            "summary": "The consent receipt (proof of consent); the matching token is required",
            "parameters": [
                {"name": "consent_id", "in": "path", "required": True, "schema": CONSENT_ID},
                SITE,
                TOKEN_HEADER,
                TOKEN_QUERY,
            ],
            "responses": {
                "200": json_content(ref("ConsentRecord"), "The receipt"),
                **error_answers(400, 403, 404, 503),
            },
        }
    },
    "/api/v1/events": {
        "post": {
            "summary": "Count a banner view (navigator.sendBeacon sends text/plain)",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": ref("Event")},
                    "text/plain": {"schema": {"type": "string"}},
                },
            },
            "responses": {"204": {"description": "Counted"}, **error_answers(400, 403, 404, 413, 415)},
        }
    },
    "/api/v1/vast": {
        "get": {
            "summary": "A VAST ad tag with the visitor's privacy macros and parameters filled in",
            "parameters": [
                SITE,
                {
                    "name": "url",
                    "in": "query",
                    "required": True,
                    "schema": {"$ref": "#/components/schemas/VastTag"},
                },
                TOKEN_HEADER,
                TOKEN_QUERY,
            ],
            "responses": {
                "200": json_content(ref("AdRequest"), "Whether and what to request"),
                **error_answers(400, 403, 404),
            },
        }
    },
    "/api/v1/stats": {
        "get": {
            "summary": "Dashboard figures for a site and date range (signed-in session required)",
            "parameters": [
                SITE,
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
            ],
            "responses": {
                "200": json_content({"type": "object"}, "Totals, rates, breakdowns, daily series"),
                **error_answers(400, 401, 404),
            },
        }
    },
    "/api/v1/dnt-log": {
        "get": {
            "summary": "The DNT (or GPC) log, newest first (signed-in session required)",
            "parameters": [
                SITE,
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                {"name": "before", "in": "query", "schema": {"type": "string"}},
                {"name": "signal", "in": "query", "schema": {"type": "string", "enum": ["dnt", "gpc"]}},
            ],
            "responses": {
                "200": json_content({"type": "object"}, "Entries and the next page's cursor"),
                **error_answers(400, 401, 404),
            },
        }
    },
    "/.well-known/gpc.json": {
        "get": {
            "summary": "Global Privacy Control support resource",
            "responses": {
                "200": json_content(
                    {
                        "type": "object",
                        "required": ["gpc", "lastUpdate"],
                        "properties": {"gpc": {"type": "boolean"}, "lastUpdate": {"type": "string"}},
                    },
                    "Whether GPC is honored, and since which policy version",
                )
            },
        }
    },
    "/config.schema.json": {
        "get": {
            "summary": "JSON Schema (draft-07) of config.toml, for TOML editors",
            "responses": {
                "200": {
                    "description": "The schema",
                    "content": {"application/schema+json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
    "/healthz": {
        "get": {
            "summary": "Liveness and store health",
            "responses": {
                "200": json_content({"type": "object"}, "Healthy"),
                "503": json_content({"type": "object"}, "Degraded"),
            },
        }
    },
}


def build_document(config: Config) -> dict[str, Any]:
    """The document for this deployment: its sites, categories, trackers and languages are named."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Consent service", "version": "1.0.0"},
        "paths": {**PATHS, **tcf_paths(config)},
        "components": {"schemas": {**SCHEMAS, **_deployment_schemas(config)}, "responses": RESPONSES},
    }


def _deployment_schemas(config: Config) -> dict[str, Any]:
    languages = sorted({lang for site in config.sites.values() for lang in site.languages})

    def flags(ids: list[str], what: str) -> dict[str, Any]:
        properties = {i: {"type": "boolean"} for i in ids}
        return {"type": "object", "properties": properties, "additionalProperties": False, "description": what}

    hosts = "|".join(re.escape(h) for h in sorted(config.vast_hosts))
    return {
        "VastTag": {
            "type": "string",
            "pattern": f"^https?://({hosts})(:{PORT})?([/?#][!-~]*)?$",
            "description": "An http(s) ad tag on a configured VAST host",
        },
        "SiteId": {"type": "string", "enum": sorted(config.sites), "description": "A configured site id"},
        "ConsentRequest": {
            "type": "object",
            "required": ["site"],
            "additionalProperties": False,
            "properties": {
                "site": {"$ref": "#/components/schemas/SiteId"},
                "choices": flags([c.id for c in config.categories], "By category id; missing = false"),
                "trackers": flags([t.id for t in config.trackers], "Per-tracker overrides (action custom only)"),
                "action": {"type": "string", "enum": ACTIONS, "default": "custom"},
                "lang": {"type": "string", "enum": languages, "description": "Language the banner was shown in"},
                "variant": {"type": "string", "description": "A/B variant shown; one not configured counts as a"},
                **tcf_answers(config),
            },
            "oneOf": [
                {"properties": {"action": {"const": "custom"}}},
                {
                    "required": ["action"],
                    "properties": {"action": {"enum": ["accept_all", "reject_all"]}},
                    "not": {"anyOf": [{"required": ["trackers"]}, {"required": ["tcf"]}]},
                    "description": "Tracker overrides and TCF answers only go with action custom",
                },
            ],
            **tcf_only_on_tcf_sites(config),
        },
    }


@bp.get("/openapi.json")
def document() -> Response:
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_document(services().config)
    return jsonify(current_app.extensions["openapi"])
