"""Consent requests and consent records: validating what a visitor sends, and the proof we keep.

A :class:`ConsentRecord` is the receipt a regulator may ask for: when, under which policy version,
what the visitor was shown (the banner version hash), what they chose, and which privacy signals
were present and honored. It never holds an IP address.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from banner.core.config import BASE_VARIANT, Config, Site
from banner.core.errors import InvalidInput, UnknownSite
from banner.core.iab.choices import TcfChoices, linked_tracker_answers, parse_tcf_choices

ID_BYTES = 12  # 16 URL-safe characters, 96 bits: unguessable, short in the cookie


class Action(enum.StrEnum):
    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    CUSTOM = "custom"


@dataclass(frozen=True)
class ConsentRequest:
    site: Site
    action: Action
    choices: dict[str, bool]
    trackers: dict[str, bool]
    lang: str
    variant: str = BASE_VARIANT
    tcf: TcfChoices | None = None  # a TCF site's per-purpose and per-vendor answers


def new_consent_id() -> str:
    """A random URL-safe id that never starts with '-', so operators can pass it to a command as is."""
    while (consent_id := secrets.token_urlsafe(ID_BYTES)).startswith("-"):
        pass
    return consent_id


def site_of(config: Config, site_id: Any) -> Site:
    if not isinstance(site_id, str) or not site_id:
        raise InvalidInput("'site' must be a non-empty string", "site")
    site = config.sites.get(site_id)
    if site is None:
        raise UnknownSite(f"unknown site {site_id[:40]!r}")
    return site


def variant_of(site: Site, value: Any) -> str:
    """The variant a request names (``variant`` in a body, ``a`` when absent): a configured id, else ``a``."""
    if not isinstance(value, str):
        raise InvalidInput("'variant' must be a string", "variant")
    return value if value in site.variant_ids else BASE_VARIANT


def parse_consent_request(config: Config, body: Any) -> ConsentRequest:
    """Validate a ``POST /api/v1/consent`` body; every problem is an :class:`InvalidInput`."""
    if not isinstance(body, dict):
        raise InvalidInput("body must be a JSON object")
    unknown = set(body) - {"site", "choices", "trackers", "action", "lang", "variant", "tcf"}
    if unknown:
        raise InvalidInput(f"unknown field {sorted(unknown)[0][:40]!r}", sorted(unknown)[0][:40])
    site = site_of(config, body.get("site"))
    action_value = body.get("action", "custom")
    if action_value not in Action.__members__.values():
        raise InvalidInput("'action' must be accept_all, reject_all or custom", "action")
    action = Action(action_value)
    choices = _flags(body.get("choices", {}), "choices", lambda k: config.category(k) is not None)
    trackers = _flags(body.get("trackers", {}), "trackers", lambda k: config.tracker(k) is not None)
    if action is not Action.CUSTOM and "trackers" in body:
        raise InvalidInput("'trackers' overrides only go with action 'custom'", "trackers")
    tcf = None
    if "tcf" in body:
        tcf_site, tcf = parse_tcf_choices(config.tcf.get(site.id), action is Action.CUSTOM, body["tcf"])
        trackers = linked_tracker_answers(tcf_site, tcf, trackers)
    lang = body.get("lang", site.default_language)
    if lang not in site.languages:
        raise InvalidInput(f"'lang' must be one of {', '.join(site.languages)}", "lang")
    return ConsentRequest(
        site=site,
        action=action,
        choices=_normalise(config, action, choices),
        trackers=_effective_overrides(config, trackers),
        lang=lang,
        variant=variant_of(site, body.get("variant", BASE_VARIANT)),
        tcf=tcf,
    )


def _flags(value: Any, name: str, known: Any) -> dict[str, bool]:
    if not isinstance(value, dict):
        raise InvalidInput(f"'{name}' must be an object of booleans", name)
    for key, flag in value.items():
        if not known(key):
            raise InvalidInput(f"unknown {name[:-1]} {key[:40]!r}", f"{name}.{key[:40]}")
        if not isinstance(flag, bool):
            raise InvalidInput(f"'{name}.{key[:40]}' must be true or false", f"{name}.{key[:40]}")
    return dict(value)


def _normalise(config: Config, action: Action, choices: dict[str, bool]) -> dict[str, bool]:
    """Every category gets an explicit answer; required ones are always true."""
    result = {}
    for category in config.categories:
        if category.required or action is Action.ACCEPT_ALL:
            result[category.id] = True
        elif action is Action.REJECT_ALL:
            result[category.id] = False
        else:
            result[category.id] = choices.get(category.id, False)
    return result


def _effective_overrides(config: Config, trackers: dict[str, bool]) -> dict[str, bool]:
    """Overrides on always-on trackers mean nothing, so they are dropped."""
    return {
        tid: on
        for tid, on in trackers.items()
        if config.tracker(tid).category not in config.required_ids  # type: ignore[union-attr]
    }


@dataclass(frozen=True)
class ConsentRecord:
    """Proof of one consent, as stored and as shown in the receipt."""

    id: str
    site: str
    event: str  # given | updated
    action: str
    given_at: str
    expires_at: str
    policy_version: str
    banner_version: str
    lang: str
    choices: dict[str, bool]
    trackers: dict[str, bool]
    signals: dict[str, dict[str, bool]]
    device: str
    browser: str
    os: str
    region: str | None = None
    replaces: str | None = None
    withdrawn_at: str | None = None
    variant: str = BASE_VARIANT  # the A/B variant shown; a, the site's own banner, when it runs no test
    iab: dict[str, str] = field(default_factory=dict)  # the IAB strings issued: tc_string, gpp_string, us_privacy
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The receipt's fields; ``iab`` only when strings were issued."""
        data = asdict(self)
        data.pop("extra")
        if not self.iab:
            data.pop("iab")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsentRecord:
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        return cls(**{k: v for k, v in data.items() if k in known})

    def is_well_formed(self) -> bool:
        """Every field has its type (a record read back from somewhere we do not control)."""
        texts = (self.id, self.site, self.event, self.action, self.given_at, self.expires_at, self.policy_version)
        more = (self.banner_version, self.lang, self.device, self.browser, self.os, self.variant)
        optional = (self.region, self.replaces, self.withdrawn_at)
        return (
            all(isinstance(v, str) and v for v in texts)
            and all(isinstance(v, str) for v in more)
            and all(v is None or isinstance(v, str) for v in optional)
            and _is_flags(self.choices)
            and _is_flags(self.trackers)
            and isinstance(self.iab, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in self.iab.items())
            and isinstance(self.signals, dict)
            and all(isinstance(k, str) and _is_flags(v) for k, v in self.signals.items())
        )


def _is_flags(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, bool) for k, v in value.items())
