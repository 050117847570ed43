"""The banner's JavaScript parts joined into one function and minified by tdewolff/minify.

The minifier (a Go library shipped inside the ``tdewolff-minify`` wheel, so no Node at build
time) parses the whole script, so any valid modern JavaScript keeps its meaning: shorthand
properties, statements without semicolons, nested template literals, optional chaining and
spread included. It shortens local names scope by scope; globals and properties keep theirs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import minify as tdewolff

from banner.assets import AssetError

MEDIA_TYPE = "application/javascript"
#: The parts become the body of one arrow function called at once: they share its scope, and
#: nothing they declare leaks into the page. Each part starts on a line of its own.
PROLOGUE = "(() => {\n"
SEPARATOR = "\n;\n"
EPILOGUE = "\n})();\n"
_WHERE = re.compile(r" on line (\d+) and column (\d+)")


@dataclass(frozen=True)
class ScriptPart:
    """One source file of the banner: a list of statements, named in error messages."""

    name: str
    text: str


def minify_script(parts: Sequence[ScriptPart]) -> str:
    """The ``parts``, in order, as one immediately called function, minified."""
    source = PROLOGUE + SEPARATOR.join(part.text for part in parts) + EPILOGUE
    try:
        return str(tdewolff.string(MEDIA_TYPE, source))
    except tdewolff.MinifyError as error:
        raise AssetError(_located(str(error), parts)) from None


def _located(message: str, parts: Sequence[ScriptPart]) -> str:
    """The minifier's message with the line of the joined source turned into a part's own line."""
    summary = message.split("\n", 1)[0]  # the rest quotes the joined source
    where = _WHERE.search(summary)
    if where is None or not parts:
        return f"banner script: {summary}"
    problem = summary[: where.start()] + summary[where.end() :]
    line, column = int(where.group(1)), where.group(2)
    start = PROLOGUE.count("\n") + 1
    for part in parts:
        end = start + part.text.count("\n")
        if start <= line <= end:
            return f"{part.name} line {line - start + 1}, column {column}: {problem}"
        start = end + SEPARATOR.count("\n")
    return f"{parts[-1].name} at its end: {problem}"
