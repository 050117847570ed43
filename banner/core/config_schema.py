"""The JSON Schema (draft-07) of ``config.toml``, generated from the declarations that validate it.

TOML editors (Taplo, Even Better TOML) read it to complete, explain and check keys as the operator
types. It says what the parser says about each key's type, pattern, choices and range; the parser
checks more (ids are unique, a tracker's category exists, real dates, rate limits), which a schema
cannot express.
"""

from __future__ import annotations

from typing import Any

from banner.core.config_fields import Child, Field, Shape, Table
from banner.core.config_spec import ROOT

DRAFT = "http://json-schema.org/draft-07/schema#"
JSON_TYPES = {str: "string", bool: "boolean", int: "integer"}


def json_schema() -> dict[str, Any]:
    """The whole file's schema; every table refuses keys it does not declare."""
    return {"$schema": DRAFT, "title": "Consent service config.toml", **_table(ROOT)}


def _table(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": table.description,
        "properties": {f.name: _field(f) for f in table.fields} | {c.name: _child(c) for c in table.children},
        "additionalProperties": False,
    }
    required = [f.name for f in table.fields if f.required] + [c.name for c in table.children if c.required]
    if required:
        schema["required"] = required
    return schema


def _field(field: Field) -> dict[str, Any]:
    value = _value(field)
    schema: dict[str, Any] = {"type": "array", "items": value} if field.many else value
    if field.unique:
        schema["uniqueItems"] = True
    schema["description"] = field.description
    if not field.required and field.default is not None:
        schema["default"] = list(field.default) if field.many else field.default
    return schema


def _value(field: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": JSON_TYPES[field.type]}
    if field.pattern:
        schema["pattern"] = _anchored(field.pattern)
    if field.choices:
        schema["enum"] = list(field.choices)
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.maximum is not None:
        schema["maximum"] = field.maximum
    return schema


def _child(child: Child) -> dict[str, Any]:
    table = _table(child.table)
    if child.shape is Shape.ONE:
        return {**table, "description": child.description}
    if child.shape is Shape.ARRAY:
        schema: dict[str, Any] = {"type": "array", "description": child.description, "items": table}
        if child.min_items:
            schema["minItems"] = child.min_items
        else:
            schema["default"] = []
        return schema
    return {
        "type": "object",
        "description": child.description,
        "patternProperties": {_anchored(child.key_pattern): table},
        "additionalProperties": False,
    }


def _anchored(pattern: str) -> str:
    """Schema patterns match anywhere; the parser matches the whole value."""
    return f"^(?:{pattern})$"
