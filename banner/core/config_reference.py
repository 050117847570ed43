"""The README's table of config keys, generated from the declarations that validate them."""

from __future__ import annotations

import json
from collections.abc import Iterator

from banner.core.config_fields import Field, Shape, Table
from banner.core.config_spec import ROOT

HEADER = ("| key | default | meaning |", "| --- | --- | --- |")


def reference_table() -> str:
    """One Markdown row per key (one for all the banner texts), in declaration order."""
    return "\n".join((*HEADER, *_rows(ROOT, "")))


def _rows(table: Table, prefix: str) -> Iterator[str]:
    if table.compact:
        yield f"| `{prefix}<name>` | | {table.description}: {_names(table)} |"
        return
    for field in table.fields:
        yield f"| `{prefix}{field.name}` | {_default(field)} | {_meaning(field)} |"
    for child in table.children:
        joint = {Shape.ONE: ".", Shape.ARRAY: "[].", Shape.MAP: f".{child.key_name}."}[child.shape]
        yield from _rows(child.table, f"{prefix}{child.name}{joint}")


def _meaning(field: Field) -> str:
    """The description (a ``|`` would end the cell), and the choices if there are any."""
    text = field.description.replace("|", "\\|")
    return f"{text}: {', '.join(f'`{c}`' for c in field.choices)}" if field.choices else text


def _names(table: Table) -> str:
    required = ", ".join(f"`{f.name}`" for f in table.fields if f.required)
    optional = ", ".join(f"`{f.name}`" for f in table.fields if not f.required)
    if not required:
        return optional
    return required + (f"; optional: {optional}" if optional else "")


def _default(field: Field) -> str:
    if field.shown_default:
        return field.shown_default
    if field.required:
        return "(required)"
    default = list(field.default) if field.many else field.default
    return f"`{json.dumps(default)}`"
