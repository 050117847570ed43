"""Typed access to one table of the operator's TOML, checked against its declaration.

A :class:`Section` refuses keys its :class:`~banner.core.config_fields.Table` does not declare
(suggesting the key the operator probably meant) and reads values as declared, so every error
names the file, the dotted key and what is wrong.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from banner.core.config_fields import Field, Shape, Table, unknown_key
from banner.core.errors import ConfigError

T = TypeVar("T", str, bool, int)


class Section:
    """A TOML table, its dotted path and its declaration; ``root`` is the whole file's."""

    def __init__(self, source: str, path: str, data: Any, spec: Table, root: Table | None = None) -> None:
        self.source, self.path, self.spec = source, path, spec
        self.root = root or spec
        if not isinstance(data, dict):
            raise ConfigError(source, path or "(top level)", "must be a table")
        self.data: dict[str, Any] = data
        for key, value in data.items():
            if key not in spec.keys:
                raise self.fail(key, unknown_key(self.root, spec, key, value))

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.source, self.key(name), problem)

    def value(self, name: str, kind: type[T]) -> T:
        """The value of a declared scalar key, or its default."""
        field = self._field(name, kind, many=False)
        value = self._raw(field)
        self._check(name, field, value)
        return value

    def values(self, name: str, kind: type[T]) -> tuple[T, ...]:
        """The values of a declared list key, or its default."""
        field = self._field(name, kind, many=True)
        values = self._raw(field)
        if not isinstance(values, list | tuple):
            raise self.fail(name, f"must be a list, not {type(values).__name__}")
        for i, value in enumerate(values):
            self._check(f"{name}[{i}]", field, value)
            if field.unique and value in values[:i]:
                raise self.fail(f"{name}[{i}]", f"{value!r} is listed twice")
        return tuple(values)

    def table(self, name: str) -> Section:
        return Section(self.source, self.key(name), self.data.get(name, {}), self._child(name, Shape.ONE), self.root)

    def tables(self, name: str) -> list[Section]:
        """The entries of an array of tables, such as ``[[sites]]``."""
        child = self.spec.child(name)
        items = self.data.get(name, [])
        if not isinstance(items, list):
            raise self.fail(name, f"must be a list of tables, not {type(items).__name__}")
        if len(items) < child.min_items:
            raise self.fail(name, f"at least one {child.table.title} entry is required")
        path = self.key(name)
        return [Section(self.source, f"{path}[{i}]", t, child.table, self.root) for i, t in enumerate(items)]

    def keyed(self, name: str) -> dict[str, Section]:
        """Tables by key, such as ``[texts.en]`` and ``[texts.fr]``."""
        child, path = self.spec.child(name), self.key(name)
        tables = self.data.get(name, {})
        if not isinstance(tables, dict):
            raise self.fail(name, "must be a table")
        for key in tables:
            if not re.fullmatch(child.key_pattern, key):
                raise ConfigError(self.source, f"{path}.{key}", f"{key!r} must match {child.key_pattern}")
        return {k: Section(self.source, f"{path}.{k}", t, child.table, self.root) for k, t in tables.items()}

    def _field(self, name: str, kind: type, many: bool) -> Field:
        field = self.spec.field(name)
        assert field.type is kind and field.many is many, f"{self.spec.title} {name} is declared otherwise"
        return field

    def _child(self, name: str, shape: Shape) -> Table:
        child = self.spec.child(name)
        assert child.shape is shape, f"{self.spec.title} {name} is declared otherwise"
        return child.table

    def _raw(self, field: Field) -> Any:
        value = self.data.get(field.name, None if field.required else field.default)
        if value is None:
            raise self.fail(field.name, "is required")
        return value

    def _check(self, name: str, field: Field, value: Any) -> None:
        if not isinstance(value, field.type) or (field.type is int and isinstance(value, bool)):
            raise self.fail(name, f"must be a {field.type.__name__}, not {type(value).__name__}")
        problem = field.fault(value)
        if problem:
            raise self.fail(name, problem)
