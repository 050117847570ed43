"""What a request tells us about the visitor: DNT, GPC, device and region.

Pure: it reads a header mapping, so the web layer passes ``request.headers`` and tests pass a
dict. The user agent is parsed once per distinct string (parsing costs about a millisecond).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from user_agents import parse as parse_user_agent

COUNTRY_RE = re.compile(r"[A-Z]{2}\Z")


@dataclass(frozen=True)
class Device:
    """The visitor's software, reduced to classes that are safe to count."""

    bot: bool = False
    device: str = "other"  # desktop | mobile | tablet | bot | other
    browser: str = "Other"
    os: str = "Other"


@dataclass(frozen=True)
class Signals:
    """Privacy signals and context of one request."""

    dnt: bool = False
    gpc: bool = False
    device: Device = Device()
    region: str | None = None


class HeaderSource(Protocol):
    """Anything with ``get`` like a dict of headers (``request.headers`` or a plain dict)."""

    def get(self, key: str, default: str) -> str: ...


def read_signals(headers: HeaderSource, country_header: str = "") -> Signals:
    """Read ``DNT``, ``Sec-GPC``, ``User-Agent`` and the trusted country header."""
    return Signals(
        dnt=headers.get("DNT", "").strip() == "1",
        gpc=headers.get("Sec-GPC", "").strip() == "1",
        device=classify_user_agent(headers.get("User-Agent", "")[:512]),
        region=read_region(headers.get(country_header, "")) if country_header else None,
    )


def read_region(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code, or None for anything else (``XX``, ``T1``, junk)."""
    code = value.strip().upper()
    return code if COUNTRY_RE.match(code) and code not in ("XX", "ZZ") else None


@lru_cache(maxsize=4096)
def classify_user_agent(user_agent: str) -> Device:
    if not user_agent:
        return Device()
    ua = parse_user_agent(user_agent)
    if ua.is_bot:
        return Device(bot=True, device="bot", browser=_short(ua.browser.family), os=_short(ua.os.family))
    if ua.is_tablet:
        device = "tablet"
    elif ua.is_mobile:
        device = "mobile"
    elif ua.is_pc:
        device = "desktop"
    else:
        device = "other"
    return Device(device=device, browser=_short(ua.browser.family), os=_short(ua.os.family))


def _short(family: str) -> str:
    """Keep counter field names short and free of separators."""
    return re.sub(r"[^A-Za-z0-9 ._-]", "", family)[:32] or "Other"
