"""A small, conservative minifier for the banner's own JavaScript and CSS.

No Node build step: the script is minified in Python when the app starts. The JavaScript pass
removes comments and whitespace and shortens the names the script itself declares (``const``,
``let``, ``function``, parameters); properties, object keys and globals keep their names. It is
made for the banner's source, not for any JavaScript: statements must end with explicit
semicolons (newlines are dropped), object literals must not use shorthand properties, and
template literals must not nest. Strings and regular-expression literals are copied untouched.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

_WORD_START = re.compile(r"[\w$]")
_WORD = re.compile(r"[\w$]+")
#: After these tokens a ``/`` starts a regular expression, not a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^")
_REGEX_KEYWORDS = {"return", "typeof", "case", "do", "else", "in", "of", "void", "delete", "throw"}
#: Pairs that would fuse into another token if the space between them went away.
_KEEP_APART = {("+", "+"), ("-", "-"), ("/", "/")}
_DECLARE = {"const", "let", "var"}
_RESERVED = {
    "as",
    "do",
    "if",
    "in",
    "of",
    "for",
    "let",
    "new",
    "try",
    "var",
    "case",
    "else",
    "enum",
    "null",
    "this",
    "true",
    "void",
    "with",
    "break",
    "catch",
    "class",
    "const",
    "false",
    "super",
    "throw",
    "while",
    "yield",
    "async",
    "await",
    "delete",
    "export",
    "import",
    "return",
    "static",
    "switch",
    "typeof",
    "default",
    "extends",
    "finally",
    "package",
    "private",
    "continue",
    "debugger",
    "function",
    "arguments",
    "undefined",
    "NaN",
    "Infinity",
    "eval",
}


class Token(NamedTuple):
    kind: str  # "word" | "punct" | "literal"
    text: str
    space_before: bool


def minify_js(source: str) -> str:
    """Strip comments and insignificant whitespace, and shorten declared names."""
    return _join(merge_declarations(shorten_literals(mangle_names(tokenize(source)))))


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    space = False
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            space, i = True, i + 1
            continue
        if source.startswith("//", i):
            space, i = True, _line_end(source, i)
            continue
        if source.startswith("/*", i):
            space, i = True, source.index("*/", i + 2) + 2
            continue
        if ch in "'\"`" or (ch == "/" and _regex_allowed(tokens)):
            end = _literal_end(source, i)
            tokens.append(Token("literal", source[i:end], space))
        elif _WORD_START.match(ch):
            end = _WORD.match(source, i).end()  # type: ignore[union-attr]
            tokens.append(Token("word", source[i:end], space))
        else:
            end = i + 1
            tokens.append(Token("punct", ch, space))
        space, i = False, end
    return tokens


def _join(tokens: list[Token]) -> str:
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token.text == "," and _at(tokens, i + 1) in (")", "]", "}"):
            continue  # a trailing comma
        if _lone_arrow_param(tokens, i):
            continue  # ``(x) => ...`` is ``x => ...``
        if token.text == ";" and _at(tokens, i + 1) == "}" and not _ends_header(tokens, i - 1):
            continue  # the parser inserts it before "}"; an empty ``if (x);`` body must stay
        if token.space_before and out and _needs_space(out[-1][-1], token.text[0]):
            out.append(" ")
        out.append(token.text)
    return "".join(out)


def _lone_arrow_param(tokens: list[Token], i: int) -> bool:
    """Whether ``tokens[i]`` is a parenthesis around the single parameter of an arrow function."""
    if tokens[i].kind != "punct" or tokens[i].text not in "()":
        return False
    start = i if tokens[i].text == "(" else i - 2
    return (
        _at(tokens, start) == "("
        and start + 1 < len(tokens)
        and tokens[start + 1].kind == "word"
        and _at(tokens, start + 2) == ")"
        and _at(tokens, start + 3) == "="
        and _at(tokens, start + 4) == ">"
        and not tokens[start + 4].space_before
    )


def _ends_header(tokens: list[Token], i: int) -> bool:
    """Whether ``tokens[i]`` closes the head of ``if``/``for``/``while``/``else``."""
    if _at(tokens, i) == "else":
        return True
    if _at(tokens, i) != ")":
        return False
    depth = 0
    for j in range(i, -1, -1):
        depth += (tokens[j].text == ")") - (tokens[j].text == "(") if tokens[j].kind == "punct" else 0
        if depth == 0:
            return _at(tokens, j - 1) in ("if", "for", "while")
    return False


def _needs_space(left: str, right: str) -> bool:
    both_words = _WORD_START.match(left) is not None and _WORD_START.match(right) is not None
    return both_words or (left, right) in _KEEP_APART


def _line_end(source: str, i: int) -> int:
    end = source.find("\n", i)
    return len(source) if end < 0 else end


def _regex_allowed(tokens: list[Token]) -> bool:
    """Whether a ``/`` here begins a regular expression, judged by the previous token."""
    if not tokens:
        return True
    last = tokens[-1]
    return last.text in _REGEX_AFTER if last.kind == "punct" else last.text in _REGEX_KEYWORDS


def _literal_end(source: str, start: int) -> int:
    """Index just past the string, template or regex literal opening at ``start``."""
    quote = source[start]
    i, in_class = start + 1, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if quote == "/" and ch in "[]":
            in_class = ch == "["
        elif ch == quote and not in_class:
            i += 1
            while quote == "/" and i < len(source) and source[i].isalpha():
                i += 1
            return i
        elif ch == "\n" and quote != "`":
            break
        i += 1
    raise ValueError(f"unterminated literal at offset {start}")


# -- shortening names ------------------------------------------------------------------------


def mangle_names(tokens: list[Token]) -> list[Token]:
    """Rename every declared name, everywhere it is not a property or an object key.

    One global mapping (not per scope) keeps shadowing exactly as written; the new names avoid
    every word already in the source, so no global can be captured.
    """
    declared = _declared(tokens)
    counts = Counter(t.text for i, t in enumerate(tokens) if t.text in declared and not _is_property(tokens, i))
    taken = {t.text for t in tokens if t.kind == "word"} | _RESERVED
    fresh = (name for name in _short_names() if name not in taken)
    mapping = {name: next(fresh) for name, _ in counts.most_common()}
    mapping["const"] = "let"  # same scoping; the source already proved nothing is reassigned
    return [
        t._replace(text=mapping[t.text]) if t.text in mapping and not _is_property(tokens, i) else t
        for i, t in enumerate(tokens)
    ]


def _declared(tokens: list[Token]) -> set[str]:
    names: set[str] = set()
    for i, token in enumerate(tokens):
        if token.kind != "word" and token.text != "=":
            continue
        if token.text in _DECLARE or token.text == "function":
            names.update(_declaration_names(tokens, i + 1))
        elif token.text == "catch":
            names.update(_params(tokens, i + 1))
        elif token.text == "=" and _at(tokens, i + 1) == ">" and not tokens[i + 1].space_before:
            names.update(_arrow_params(tokens, i - 1))
    return names - _RESERVED


def _declaration_names(tokens: list[Token], i: int) -> list[str]:
    """``let a, b;`` ``const a = ...`` ``const [a, b] = ...`` ``function f(x, y)`` ``function (x)``."""
    names = []
    if _at(tokens, i) in ("(", "["):
        return _params(tokens, i)
    while i < len(tokens) and tokens[i].kind == "word":
        names.append(tokens[i].text)
        if _at(tokens, i + 1) == "(":
            return names + _params(tokens, i + 1)
        if _at(tokens, i + 1) != ",":
            break
        i += 2
    return names


def _params(tokens: list[Token], i: int) -> list[str]:
    """Simple names in the parameter list (or array pattern) opening at ``i``."""
    if _at(tokens, i) not in ("(", "["):
        return []
    names, depth = [], 0
    for j in range(i, len(tokens)):
        text = tokens[j].text
        depth += (text in "([{") - (text in ")]}") if tokens[j].kind == "punct" else 0
        if depth == 0:
            break
        spread = all(_at(tokens, j - k) == "." for k in (1, 2, 3))
        if depth == 1 and tokens[j].kind == "word" and (_at(tokens, j - 1) in ("(", "[", ",") or spread):
            names.append(text)
    return names


def _arrow_params(tokens: list[Token], i: int) -> list[str]:
    if _at(tokens, i) != ")":
        return [tokens[i].text] if tokens[i].kind == "word" else []
    depth = 0
    for j in range(i, -1, -1):
        text = tokens[j].text
        depth += (text == ")") - (text == "(") if tokens[j].kind == "punct" else 0
        if depth == 0:
            return _params(tokens, j)
    return []


def _is_property(tokens: list[Token], i: int) -> bool:
    """``a.name`` (but not ``...name``) or an object key ``{name: ...}``."""
    before = _at(tokens, i - 1)
    if before == "." and _at(tokens, i - 2) != ".":
        return True
    return before in ("{", ",") and _at(tokens, i + 1) == ":"


def _at(tokens: list[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) else ""


#: Short names are drawn in the order of English letter frequency: gzip codes common letters cheaply.
_LETTERS = "etaoinsrhldcumfpgwybvkxjqzETAOINSRHLDCUMFPGWYBVKXJQZ"


def _short_names() -> Iterator[str]:
    letters = _LETTERS
    for size in itertools.count(1):
        for combo in itertools.product(letters, repeat=size):
            yield "".join(combo)


def shorten_literals(tokens: list[Token]) -> list[Token]:
    """``true`` and ``false`` as ``!0`` and ``!1`` (not as property names or object keys); strings
    in double quotes, as in the inlined JSON, so that gzip finds more repeats."""
    short = {"true": "!0", "false": "!1"}
    out = []
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.text in short and not _is_property(tokens, i):
            t = t._replace(kind="punct", text=short[t.text])
        elif t.kind == "literal" and t.text[0] == "'" and '"' not in t.text and "\\" not in t.text:
            t = t._replace(text='"' + t.text[1:-1] + '"')
        out.append(t)
    return out


def merge_declarations(tokens: list[Token]) -> list[Token]:
    """``let a = 1; let b = 2;`` as ``let a = 1, b = 2;`` (statements that begin with ``let``)."""
    out: list[Token] = []
    depth = 0
    reading: int | None = None  # bracket depth of the ``let`` statement being read
    ended: int | None = None  # bracket depth of a ``let`` statement that the last token ended
    for i, token in enumerate(tokens):
        if token.kind == "punct":
            depth += (token.text in "([{") - (token.text in ")]}")
        if token.text == "let" and _at(tokens, i - 1) in ("", ";", "{", "}"):
            if ended == depth:
                out[-1] = out[-1]._replace(text=",")
                ended, reading = None, depth
                continue
            reading = depth
        elif token.text == ";" and reading == depth:
            out.append(token)
            ended, reading = depth, None
            continue
        ended = None
        out.append(token)
    return out


# -- CSS ---------------------------------------------------------------------------------------

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_SPACE = re.compile(r"\s+")
_CSS_PUNCT = re.compile(r"\s*([{};,>!]|(?<=\()[\w-]+:)\s*")
_CSS_COLON = re.compile(r"([{;])([\w-]+)\s*:\s*")


def minify_css(source: str) -> str:
    """Strip comments and whitespace; values and selectors are left as written."""
    css = _CSS_COMMENT.sub("", source)
    css = _CSS_SPACE.sub(" ", css)
    css = _CSS_PUNCT.sub(r"\1", css)
    css = _CSS_COLON.sub(r"\1\2:", css)
    return css.replace(";}", "}").strip()
