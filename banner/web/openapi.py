"""``GET /openapi.json``: an OpenAPI 3.1 description of every public endpoint."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from banner.core.config import Config, TrackerKind
from banner.core.consent import Action
from banner.core.regimes import Regime
from banner.core.tokens import TokenStatus
from banner.web.api import CONSENT_ID_PATTERN, EVENT_TYPES
from banner.web.context import services
from banner.web.openapi_iab import tcf_answers, tcf_only_on_tcf_sites, tcf_paths

bp = Blueprint("openapi", __name__)

KINDS = [k.value for k in TrackerKind]
SITE = {"name": "site", "in": "query", "required": True, "schema": {"$ref": "#/components/schemas/SiteId"}}
TOKEN_SCHEMA = {"type": "string", "description": "A consent token; anything else counts as invalid"}
TOKEN_HEADER = {"name": "X-Consent-Token", "in": "header", "required": False, "schema": TOKEN_SCHEMA}
TOKEN_QUERY = {"name": "token", "in": "query", "required": False, "schema": TOKEN_SCHEMA}
CONSENT_ID = {"type": "string", "pattern": f"^{CONSENT_ID_PATTERN}$"}
#: A TCP port, 0-65535, as a regular expression.
PORT = "([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
REGIMES = [r.value for r in Regime]
ACTIONS = [a.value for a in Action]
FLAGS = {"type": "object", "additionalProperties": {"type": "boolean"}}
NULLABLE_STR = {"type": ["string", "null"]}
SIGNAL: dict[str, Any] = {
    "type": "object",
    "required": ["present", "honored"],
    "properties": {"present": {"type": "boolean"}, "honored": {"type": "boolean"}},
}
BY_KIND = {
    "type": "object",
    "required": KINDS,
    "properties": {k: {"type": "array", "items": {"type": "string"}} for k in KINDS},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/Error{s}"} for s in statuses}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
    "Decision": {
        "type": "object",
        "required": [
            "site",
            "policy",
            "token_status",
            "banner_required",
            "consent",
            "categories",
            "allowed",
            "denied",
            "google_consent_mode",
            "signals",
            "visitor",
            "iab",
        ],
        "properties": {
            "site": {"type": "string"},
            "regime": {"type": "string", "enum": REGIMES},
            "region": {**NULLABLE_STR, "description": "ISO country from the trusted country header"},
            "policy": {
                "type": "object",
                "required": ["version", "url"],
                "properties": {"version": {"type": "string"}, "url": {"type": "string"}},
            },
            "token_status": {"type": "string", "enum": [t.value for t in TokenStatus]},
            "banner_required": {"type": "boolean"},
            "consent": {
                "type": ["object", "null"],
                "required": ["id", "given_at", "expires_at", "choices"],
                "properties": {
                    "id": {"type": "string"},
                    "given_at": {"type": "string"},
                    "expires_at": {"type": "string"},
                    "choices": FLAGS,
                    "trackers": FLAGS,
                },
            },
            "categories": FLAGS,
            "allowed": BY_KIND,
            "denied": BY_KIND,
            "google_consent_mode": {
                "type": "object",
                "additionalProperties": {"type": "string", "enum": ["granted", "denied"]},
            },
            "signals": {
                "type": "object",
                "required": ["dnt", "gpc"],
                "properties": {
                    "dnt": {
                        "type": "object",
                        "required": ["present", "honored", "policy_version", "note"],
                        "properties": {
                            **SIGNAL["properties"],
                            "policy_version": {"type": "string"},
                            "note": {"type": "string"},
                        },
                    },
                    "gpc": SIGNAL,
                },
            },
            "visitor": {
                "type": "object",
                "required": ["bot", "device"],
                "properties": {"bot": {"type": "boolean"}, "device": {"type": "string"}, "region": NULLABLE_STR},
            },
            "iab": _ref("IabSignals"),
            "withdrawn": {**NULLABLE_STR, "description": "DELETE only: the withdrawn consent id"},
        },
    },
    "IabSignals": {
        "type": "object",
        "description": "The IAB strings that say what the decision says",
        "required": ["tcf", "gpp", "us_privacy"],
        "properties": {
            "tcf": {
                "type": ["object", "null"],
                "description": "On a site with tcf_vendors; applies for opt_in visitors, the string once they chose",
                "required": ["applies", "tc_string", "cmp_id", "policy_version", "vendor_list_version"],
                "properties": {
                    "applies": {"type": "boolean", "description": "gdprApplies"},
                    "tc_string": {**NULLABLE_STR, "description": "TCF v2.3 TC string, with Disclosed Vendors"},
                    "cmp_id": {"type": "integer"},
                    "policy_version": {"type": "integer"},
                    "vendor_list_version": {"type": "integer"},
                    "tc_data": {"type": "object", "description": "The TC string's fields, ids as sorted lists"},
                },
            },
            "gpp": {
                "type": ["object", "null"],
                "description": "usnat (section 7) for opt_out visitors; the TC string (section 2) where TCF applies",
                "required": ["string", "sid"],
                "properties": {
                    "string": NULLABLE_STR,
                    "sid": {"type": "array", "items": {"type": "integer"}},
                    "usnat": {"type": "object", "description": "The usnat fields, named as the GPP CMP API names them"},
                },
            },
            "us_privacy": {**NULLABLE_STR, "description": "IAB US Privacy string, for opt_out visitors"},
        },
    },
    "ConsentCreated": {
        "type": "object",
        "required": ["id", "token", "expires_at", "decision"],
        "properties": {
            "id": {"type": "string"},
            "token": {"type": "string"},
            "expires_at": {"type": "string"},
            "decision": _ref("Decision"),
        },
    },
    "ConsentRecord": {
        "type": "object",
        "required": [
            "id",
            "site",
            "event",
            "action",
            "given_at",
            "expires_at",
            "policy_version",
            "banner_version",
            "lang",
            "choices",
            "trackers",
            "signals",
            "device",
            "browser",
            "os",
        ],
        "properties": {
            "id": {"type": "string"},
            "site": {"type": "string"},
            "event": {"type": "string", "enum": ["given", "updated"]},
            "action": {"type": "string", "enum": ACTIONS},
            "given_at": {"type": "string"},
            "expires_at": {"type": "string"},
            "policy_version": {"type": "string"},
            "banner_version": {"type": "string", "description": "Hash of the texts, categories and trackers shown"},
            "lang": {"type": "string"},
            "choices": FLAGS,
            "trackers": FLAGS,
            "signals": {"type": "object", "properties": {"dnt": SIGNAL, "gpc": SIGNAL}},
            "device": {"type": "string"},
            "browser": {"type": "string"},
            "os": {"type": "string"},
            "region": NULLABLE_STR,
            "replaces": NULLABLE_STR,
            "withdrawn_at": NULLABLE_STR,
            "variant": {"type": "string", "description": "A/B variant shown (a: the site's own banner)"},
            "iab": {
                "type": "object",
                "description": "The IAB strings issued with this consent, where any were",
                "additionalProperties": False,
                "properties": {name: {"type": "string"} for name in ("tc_string", "gpp_string", "us_privacy")},
            },
        },
    },
    "AdRequest": {
        "type": "object",
        "required": ["allowed", "url", "reason", "regime", "macros"],
        "properties": {
            "allowed": {"type": "boolean", "description": "false: no ad request may be made"},
            "url": {**NULLABLE_STR, "description": "The tag to request, when allowed"},
            "reason": {"type": "string"},
            "regime": {"type": "string", "enum": REGIMES},
            "macros": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "Event": {
        "type": "object",
        "required": ["site", "type"],
        "additionalProperties": False,
        "properties": {
            "site": {"$ref": "#/components/schemas/SiteId"},
            "type": {"type": "string", "enum": list(EVENT_TYPES)},
            "variant": {"type": "string", "description": "A/B variant shown; one not configured counts as a"},
        },
    },
}

RESPONSES = {
    f"Error{status}": _json(_ref("Error"), text)
    for status, text in {
        400: "Bad body or field",
        401: "Not signed in to the dashboard",
        403: "Origin not allowed for this site",
        404: "Unknown site or record",
        413: "Body over 8 KiB",
        415: "Body is not JSON",
        429: "Rate limited",
        503: "Consent store unavailable",
    }.items()
}

PATHS: dict[str, Any] = {
    "/api/v1/decision": {
        "get": {
            "summary": "Which trackers this visitor's page may load",
            "parameters": [SITE, TOKEN_HEADER, TOKEN_QUERY],
            "responses": {"200": _json(_ref("Decision"), "The decision"), **_errors(400, 403, 404)},
        }
    },
    "/api/v1/consent": {
        "post": {
            "summary": "Record a consent; answers a signed token and sets the cookie",
            "parameters": [TOKEN_HEADER],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ConsentRequest")}}},
            "responses": {
                "201": _json(_ref("ConsentCreated"), "Consent recorded"),
                **_errors(400, 403, 404, 413, 415, 503),
            },
        },
        "delete": {
            "summary": "Withdraw consent; clears the cookie and answers the new decision",
            "parameters": [SITE, TOKEN_HEADER, TOKEN_QUERY],
            "responses": {"200": _json(_ref("Decision"), "Decision after withdrawal"), **_errors(400, 403, 404, 503)},
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
            "responses": {"200": _json(_ref("ConsentRecord"), "The receipt"), **_errors(400, 403, 404, 503)},
        }
    },
    "/api/v1/events": {
        "post": {
            "summary": "Count a banner view (navigator.sendBeacon sends text/plain)",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _ref("Event")},
                    "text/plain": {"schema": {"type": "string"}},
                },
            },
            "responses": {"204": {"description": "Counted"}, **_errors(400, 403, 404, 413, 415)},
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
            "responses": {"200": _json(_ref("AdRequest"), "Whether and what to request"), **_errors(400, 403, 404)},
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
                "200": _json({"type": "object"}, "Totals, rates, breakdowns, daily series"),
                **_errors(400, 401, 404),
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
                "200": _json({"type": "object"}, "Entries and the next page's cursor"),
                **_errors(400, 401, 404),
            },
        }
    },
    "/.well-known/gpc.json": {
        "get": {
            "summary": "Global Privacy Control support resource",
            "responses": {
                "200": _json(
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
                "200": _json({"type": "object"}, "Healthy"),
                "503": _json({"type": "object"}, "Degraded"),
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
