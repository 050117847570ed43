"""The vocabulary for declaring the config file's keys: fields, tables and how tables nest.

A key is declared once (in :mod:`banner.core.config_spec`); the parser, the JSON Schema and the
README's reference all read that declaration, so they cannot disagree about what a key means.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


class Required:
    """The default of a key the operator must write."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = Required()


@dataclass(frozen=True)
class Field:
    """One key holding a value (or, with ``many``, a list of values) of ``type``.

    ``pattern`` (matched against the whole value), ``choices``, ``minimum``/``maximum`` and, for
    lists, ``unique`` are understood by both the parser and the schema; ``check`` is a further
    test only the parser can run (a real calendar date, a rate limit). ``problem`` replaces the
    default message when a value fails any of them; ``{value!r}`` in it is filled in.
    """

    name: str
    type: type[str] | type[bool] | type[int]
    description: str
    default: Any = REQUIRED
    many: bool = False
    pattern: str = ""
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    unique: bool = False  # lists: no value twice (vendor ids, purposes)
    problem: str = ""
    check: Callable[[Any], bool] | None = None
    shown_default: str = ""  # what the README says instead of the default value

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def fault(self, value: Any) -> str | None:
        """What is wrong with one value (of the right type), or None."""
        if self.pattern and not re.fullmatch(self.pattern, value):
            default = f"{value!r} is not a valid entry" if self.many else f"{value!r} must match {self.pattern}"
            return self._problem(value, default)
        if self.choices and value not in self.choices:
            return self._problem(value, f"{value!r} is not one of {', '.join(self.choices)}")
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            return self._problem(value, self._range(value))
        if self.check and not self.check(value):
            return self._problem(value, f"{value!r} is not valid")
        return None

    def _range(self, value: Any) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"{value!r} is not between {self.minimum} and {self.maximum}"
        if self.minimum is not None:
            return f"{value!r} is below {self.minimum}"
        return f"{value!r} is above {self.maximum}"

    def _problem(self, value: Any, default: str) -> str:
        return self.problem.format(value=value) if self.problem else default


class Shape(enum.Enum):
    """How a nested table appears in the file."""

    ONE = "table"  # [policy]
    ARRAY = "array of tables"  # [[sites]]
    MAP = "tables by key"  # [texts.en], [texts.fr]


@dataclass(frozen=True)
class Child:
    """A table nested under a key of its parent.

    ``required`` is for the schema; the parser finds a missing table through its required keys
    (or, for tables by language, through the languages the sites use).
    """

    name: str
    table: Table
    description: str
    shape: Shape = Shape.ONE
    required: bool = False
    min_items: int = 0  # ARRAY
    key_pattern: str = ""  # MAP: what the keys look like
    key_name: str = ""  # MAP: how the reference names a key, e.g. "<lang>"


@dataclass(frozen=True)
class Table:
    """A table's keys; ``title`` is how messages and the reference name it, e.g. ``[[sites]]``.

    ``compact`` tables take one row in the README's reference (the banner texts).
    """

    title: str
    description: str
    fields: tuple[Field, ...] = ()
    children: tuple[Child, ...] = ()
    compact: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields) + tuple(c.name for c in self.children)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def child(self, name: str) -> Child:
        return next(c for c in self.children if c.name == name)

    def tables(self) -> Iterator[Table]:
        """This table and every table under it."""
        yield self
        for child in self.children:
            yield from child.table.tables()


def unknown_key(root: Table, table: Table, key: str, value: Any) -> str:
    """The problem to report for ``key``, which ``table`` does not declare: what to type instead."""
    what = "table" if isinstance(value, dict) or (isinstance(value, list) and value and _all_tables(value)) else "key"
    known = table.keys
    place = "at the top level" if table is root else f"in {table.title}"
    close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.75)
    if close:
        return f"unknown {what} {place}; did you mean {close[0]}?"
    homes = ["the top level" if t is root else t.title for t in root.tables() if key in t.keys and t is not table]
    if homes:
        return f"unknown {what} {place}; {key} belongs in {homes[0]}"
    return f"unknown {what} {place}; known: {', '.join(known)}"


def _all_tables(values: list[Any]) -> bool:
    return all(isinstance(v, dict) for v in values)
