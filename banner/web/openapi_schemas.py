"""The OpenAPI document's parts that every path shares: parameters, schemas and error answers."""

from __future__ import annotations

from typing import Any

from banner.core.config import TrackerKind
from banner.core.consent import Action
from banner.core.regimes import Regime
from banner.core.tokens import TokenStatus
from banner.web.api import CONSENT_ID_PATTERN, EVENT_TYPES

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


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_answers(*statuses: int) -> dict[str, Any]:
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
            "iab": ref("IabSignals"),
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
            "decision": ref("Decision"),
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
    f"Error{status}": json_content(ref("Error"), text)
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
