"""What a request tells us about the visitor: DNT, GPC, device and region.

Pure: it reads a header mapping, so the web layer passes ``request.headers`` and tests pass a
dict. The User-Agent is classified by :mod:`banner.core.devices`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from banner.core.devices import Device, classify_user_agent

COUNTRY_RE = re.compile(r"[A-Z]{2}\Z")


@dataclass(frozen=True)
class Signals:
    """Privacy signals and context of one request."""

    dnt: bool = False
    gpc: bool = False
    device: Device = field(default_factory=Device)
    region: str | None = None


class HeaderSource(Protocol):
    """Anything with ``get`` like a dict of headers (``request.headers`` or a plain dict)."""

    def get(self, key: str, default: str) -> str: ...


def read_signals(headers: HeaderSource, country_header: str = "") -> Signals:
    """Read ``DNT``, ``Sec-GPC``, ``User-Agent`` and the trusted country header."""
    return Signals(
        dnt=headers.get("DNT", "").strip() == "1",
        gpc=headers.get("Sec-GPC", "").strip() == "1",
        device=classify_user_agent(headers.get("User-Agent", "")),
        region=read_region(headers.get(country_header, "")) if country_header else None,
    )


def read_region(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code, or None for anything else (``XX``, ``T1``, junk)."""
    code = value.strip().upper()
    return code if COUNTRY_RE.match(code) and code not in ("XX", "ZZ") else None
