"""Whether a banner's first layer shows Reject all as prominently as Accept all.

Start-up holds every site's own texts and every A/B variant to these rules, in every language
the site ships; a config that breaks one does not start. A variant can change its words and its
layout, so the rules are about those:

- the layout draws both buttons alike: same element, size class and emphasis (:mod:`layouts`);
- no first-layer button is blank;
- neither label is longer than two lines of the layout's narrowest button;
- the two labels take as many lines as each other there (or differ by at most two characters,
  closer than the estimate can tell apart), so neither button stands taller;
- neither label is more than twice as long as the other: no pleading refusal, no curt one;
- a refusal (Reject all, and "Do not sell or share" under opt_out) never says a word of consent
  (accept, agree, allow, OK, ...) nor a word of its counterpart's label that the site's own
  pair does not share, unless a negation just before it turns it around ("Continue without
  accepting").

Label widths are estimated from their length: the banner's 15 px semibold type averages about
8.5 px per character in common interface fonts, a little less than in the widest fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from banner.core.layouts import Layout

CHAR_PX = 8.5
MAX_LINES = 2
#: Labels this close in length may wrap differently only by the error of the estimate.
NEAR = 2
LONGER = 2
FIRST_LAYER_BUTTONS = ("accept_all", "reject_all", "customize", "ok", "do_not_sell")
#: (consent, refusal) pairs of the first layer: opt_in's, then opt_out's.
PAIRS = (("accept_all", "reject_all"), ("ok", "do_not_sell"))
NAMES = {"accept_all": "Accept all", "reject_all": "Reject all", "ok": "OK", "do_not_sell": "Do not sell or share"}
CONSENT_WORDS = frozenset(
    {
        *("accept", "accepts", "accepting", "agree", "allow", "allowing", "ok", "okay", "yes", "sure"),
        *("accepte", "accepter", "acceptez", "accepté", "accord", "autorise", "autoriser", "autorisez", "oui"),
    }
)
NEGATIONS = frozenset({"not", "no", "don", "dont", "never", "without", "sans", "pas", "ne", "n", "jamais"})

Texts = Mapping[str, str]


def first_layer_problem(texts: Texts, layout: Layout, own: Texts) -> str | None:
    """What keeps ``texts`` in ``layout`` from showing Reject all as Accept all, or None.

    ``own`` are the site's own texts in the same language: words its own pair shares ("all",
    "tout") may appear in both labels of a variant.
    """
    checks: list[Callable[[], str | None]] = [
        lambda: _layout_problem(layout),
        lambda: next(_blank(texts), None),
        lambda: _size_problem(texts["accept_all"], texts["reject_all"], layout),
        lambda: next(_consenting_refusals(texts, own), None),
    ]
    return next((problem for check in checks if (problem := check())), None)


def _layout_problem(layout: Layout) -> str | None:
    if layout.accept == layout.reject:
        return None
    return f"the {layout.name} layout draws Reject all as {layout.reject} but Accept all as {layout.accept}"


def _blank(texts: Texts) -> Iterator[str]:
    for name in FIRST_LAYER_BUTTONS:
        if not texts[name].strip():
            yield f"the {name} button has no words"


def _size_problem(accept: str, reject: str, layout: Layout) -> str | None:
    per_line = int(layout.label_px // CHAR_PX)
    lines = {label: -(-len(label) // per_line) for label in (accept, reject)}
    for label in (accept, reject):
        if lines[label] > MAX_LINES:
            most = MAX_LINES * per_line
            return f"{label!r} is longer than {MAX_LINES} lines of a {layout.name} button ({most} characters)"
    if lines[accept] != lines[reject] and abs(len(accept) - len(reject)) > NEAR:
        return (
            f"{accept!r} takes {lines[accept]} line(s) of a {layout.name} button and {reject!r} "
            f"{lines[reject]}, so one button stands taller"
        )
    short, long = sorted((accept, reject), key=len)
    if len(long) > LONGER * len(short):
        return f"{long!r} is more than {LONGER} times as long as {short!r}"
    return None


def _consenting_refusals(texts: Texts, own: Texts) -> Iterator[str]:
    for consent, refusal in PAIRS:
        shared = set(words(own[consent])) & set(words(own[refusal]))
        forbidden = CONSENT_WORDS | (set(words(texts[consent])) - shared)
        said = affirmed(texts[refusal]) & forbidden
        if said:
            yield f"the {NAMES[refusal]} button {texts[refusal]!r} says {sorted(said)[0]!r}, a word of consent"


def words(label: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", label.casefold())


def affirmed(label: str) -> set[str]:
    """The words of ``label`` not turned around by a negation just before them."""
    found = words(label)
    return {word for i, word in enumerate(found) if not NEGATIONS.intersection(found[max(i - 2, 0) : i])}
