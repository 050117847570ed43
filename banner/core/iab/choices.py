"""The visitor's answers in the TCF layers, as a consent body sends them and as the token keeps them.

A TCF site's banner may send, with action ``custom``, per-purpose, per-special-feature and
per-vendor answers, and objections to legitimate interests::

    "tcf": {"purposes": {"4": false}, "special_features": {"1": true}, "vendors": {"21": false},
            "li_purposes": {"7": false}, "li_vendors": {"755": false}}

Each overrides what the chosen categories imply, as per-tracker overrides do. Ids are checked
against the TCF (purposes 1-11, special features 1-2, legitimate interest never for purposes
1 and 3-6) and the site's own vendors; anything else is :class:`InvalidInput` (a 400).
The token keeps the answers with what they were given under (:class:`TcfConsent`), so the TC
string can be issued again from the token alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from banner.core.errors import InvalidInput
from banner.core.iab.site import TcfSite
from banner.core.iab.tcf_rules import NO_LEGITIMATE_INTEREST, PURPOSE_IDS, SPECIAL_FEATURE_IDS

ID_KEY_RE = re.compile(r"[1-9][0-9]{0,4}\Z")
#: Body name -> token key, in the order the body documents them.
KEYS = {"purposes": "p", "special_features": "s", "vendors": "v", "li_purposes": "lp", "li_vendors": "lv"}
ACTIONS = {"accept_all": "a", "reject_all": "r", "custom": "c"}
LI_PURPOSES = frozenset(PURPOSE_IDS) - NO_LEGITIMATE_INTEREST

Answers = Mapping[int, bool]


@dataclass(frozen=True)
class TcfChoices:
    """Answers by id; ``li_*`` false = the visitor objects to that legitimate interest."""

    purposes: Answers = field(default_factory=dict)
    special_features: Answers = field(default_factory=dict)
    vendors: Answers = field(default_factory=dict)
    li_purposes: Answers = field(default_factory=dict)
    li_vendors: Answers = field(default_factory=dict)


@dataclass(frozen=True)
class TcfConsent:
    """What a token on a TCF site records for the TC string: the list and vendors it was given
    under (``disclosure``, see :class:`TcfSite`), the action, the language, the answers."""

    vendor_list_version: int
    disclosure: str
    action: str  # a key of ACTIONS
    language: str  # the banner's language, e.g. "fr"
    choices: TcfChoices = TcfChoices()

    @classmethod
    def given(cls, site: TcfSite, action: str, language: str, choices: TcfChoices | None) -> TcfConsent:
        """A consent given now, on ``site`` as it is bound."""
        return cls(site.vendor_list_version, site.disclosure, action, language, choices or TcfChoices())

    def covers(self, site: TcfSite) -> bool:
        """Given for the vendors and policy version the site has now."""
        return self.disclosure == site.disclosure

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "g": self.vendor_list_version,
            "h": self.disclosure,
            "a": ACTIONS[self.action],
            "l": self.language,
        }
        for name, key in KEYS.items():
            answers: Answers = getattr(self.choices, name)
            if answers:
                data[key] = {str(i): int(on) for i, on in sorted(answers.items())}
        return data

    @classmethod
    def from_payload(cls, data: Any) -> TcfConsent | None:
        """The consent a signed payload records; None when it is not one this service wrote."""
        if not isinstance(data, dict):
            return None
        version, disclosure, action, language = (data.get(k) for k in ("g", "h", "a", "l"))
        actions = {short: name for name, short in ACTIONS.items()}
        if not (isinstance(version, int) and isinstance(disclosure, str) and isinstance(language, str)):
            return None
        read = {name: _payload_answers(data.get(key, {})) for name, key in KEYS.items()}
        answers = {name: value for name, value in read.items() if value is not None}
        if action not in actions or len(answers) < len(read):
            return None
        return cls(version, disclosure, actions[action], language, TcfChoices(**answers))


def _payload_answers(value: Any) -> dict[int, bool] | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) and ID_KEY_RE.match(k) for k in value):
        return None
    if not all(v in (0, 1) and not isinstance(v, float) for v in value.values()):
        return None
    return {int(k): bool(v) for k, v in value.items()}


def parse_tcf_choices(site: TcfSite | None, custom: bool, value: Any) -> tuple[TcfSite, TcfChoices]:
    """Validate the body's ``tcf`` object for ``site`` (None: not a TCF site)."""
    if site is None:
        raise InvalidInput("'tcf' answers only go to a site with tcf_vendors", "tcf")
    if not custom:
        raise InvalidInput("'tcf' answers only go with action 'custom'", "tcf")
    if not isinstance(value, dict):
        raise InvalidInput("'tcf' must be an object", "tcf")
    unknown = sorted(set(value) - KEYS.keys())
    if unknown:
        raise InvalidInput(f"unknown field 'tcf.{unknown[0][:40]}'", f"tcf.{unknown[0][:40]}")
    allowed = {
        "purposes": (frozenset(PURPOSE_IDS), "a TCF purpose (1-11)"),
        "special_features": (frozenset(SPECIAL_FEATURE_IDS), "a TCF special feature (1-2)"),
        "vendors": (site.vendors, "one of this site's vendors"),
        "li_purposes": (LI_PURPOSES, "a purpose that may rest on legitimate interest (2, 7-11)"),
        "li_vendors": (site.li_vendors, "one of this site's vendors claiming a legitimate interest"),
    }
    return site, TcfChoices(**{name: _answers(f"tcf.{name}", value.get(name, {}), *allowed[name]) for name in KEYS})


def _answers(name: str, value: Any, allowed: frozenset[int], what: str) -> dict[int, bool]:
    if not isinstance(value, dict):
        raise InvalidInput(f"'{name}' must be an object of booleans by id", name)
    answers = {}
    for key, on in value.items():
        ident = int(key) if isinstance(key, str) and ID_KEY_RE.match(key) else None
        if ident is None or ident not in allowed:
            raise InvalidInput(f"'{name}': {key[:20]!r} is not {what}", f"{name}.{key[:20]}")
        if not isinstance(on, bool):
            raise InvalidInput(f"'{name}.{key}' must be true or false", f"{name}.{key}")
        answers[ident] = on
    return answers


def linked_tracker_answers(site: TcfSite, choices: TcfChoices, trackers: Mapping[str, bool]) -> dict[str, bool]:
    """Tracker overrides with each vendor answer applied to the trackers that are that vendor.

    A tracker that is an IAB vendor is one thing with two names: refusing either refuses both.
    """
    merged = dict(trackers)
    for vendor, on in choices.vendors.items():
        for tracker in site.vendor_trackers.get(vendor, ()):
            merged[tracker] = merged.get(tracker, on) and on
    return merged
