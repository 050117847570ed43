"""Typed access to one table of the operator's TOML, with errors that name the key."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from banner.core.errors import ConfigError

T = TypeVar("T")


class Section:
    """A TOML table plus its dotted path, with typed getters that raise named errors."""

    def __init__(self, source: str, path: str, data: Any) -> None:
        self.source, self.path = source, path
        if not isinstance(data, dict):
            raise ConfigError(source, path or "(top level)", "must be a table")
        self.data: dict[str, Any] = data

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.source, self.key(name), problem)

    def get(self, name: str, kind: type[T], default: T | None = None) -> T:
        value = self.data.get(name, default)
        if value is None:
            raise self.fail(name, "is required")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(name, f"must be a {kind.__name__}, not {type(value).__name__}")
        return value

    def strings(self, name: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        values = self.get(name, list, [])
        for i, value in enumerate(values):
            if not isinstance(value, str) or (pattern and not pattern.match(value)):
                raise self.fail(f"{name}[{i}]", f"{value!r} is not a valid entry")
        return tuple(values)

    def matching(self, name: str, pattern: re.Pattern[str], default: str | None = None) -> str:
        value = self.get(name, str, default)
        if not pattern.match(value):
            raise self.fail(name, f"{value!r} must match {pattern.pattern}")
        return value

    def table(self, name: str) -> Section:
        return Section(self.source, self.key(name), self.data.get(name, {}))

    def tables(self, name: str) -> list[Section]:
        items = self.get(name, list, [])
        return [Section(self.source, f"{self.key(name)}[{i}]", t) for i, t in enumerate(items)]
