"""VAST ad tags with the visitor's privacy signals filled in, for players and ad insertion.

IAB VAST 4.1 privacy macros ([GDPR], [GDPRCONSENT], [LIMITADTRACKING], [REGULATIONS],
[GPPSTRING], [GPPSECTIONID]) are replaced wherever they stand, in any letter case and also
percent-encoded (tags are often pasted already encoded), and the query parameters video ad
servers read are set: ``gdpr``, ``gdpr_consent``, ``npa``, ``gpp`` and ``gpp_sid`` and, under the
opt-out regime, ``us_privacy`` (IAB CCPA string).

The strings are the decision's own (:mod:`banner.core.iab.signals`): [GDPRCONSENT] and
``gdpr_consent`` carry the TC string on a TCF site, and are empty elsewhere (under GDPR, ad
servers then serve non-personalised ads); [GPPSTRING] and ``gpp`` carry the GPP string,
[GPPSECTIONID] and ``gpp_sid`` its section ids, comma-separated.
Only tags whose host belongs to a configured ``vast`` tracker are accepted, so the endpoint can
never be used to build links to arbitrary hosts. ``static/banner/vast.js`` mirrors these rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from banner.core.config import Config
from banner.core.errors import InvalidInput
from banner.core.policy import Decision
from banner.core.regimes import Regime

MAX_URL_LENGTH = 4096
MACROS = ("GDPR", "GDPRCONSENT", "LIMITADTRACKING", "REGULATIONS", "GPPSTRING", "GPPSECTIONID")
#: [NAME] or %5BNAME%5D, any letter case; the longer names first so [GDPR] never eats [GDPRCONSENT].
MACRO_RE = re.compile(r"(?:\[|%5B)(" + "|".join(sorted(MACROS, key=len, reverse=True)) + r")(?:\]|%5D)", re.IGNORECASE)
REGULATIONS = {Regime.OPT_IN: "gdpr", Regime.OPT_OUT: "ccpa", Regime.NOTICE: ""}
PARAMS = ("gdpr", "gdpr_consent", "npa", "us_privacy", "gpp", "gpp_sid")


@dataclass(frozen=True)
class AdRequest:
    """Whether an ad request may be made, the URL to request when it may, and the macro values."""

    allowed: bool
    url: str | None
    reason: str
    macros: dict[str, str]


def checked_tag(config: Config, url: object) -> str:
    """The tag URL if it is an http(s) URL on a configured VAST host; InvalidInput otherwise."""
    if not isinstance(url, str) or not url:
        raise InvalidInput("'url' is required", "url")
    if len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput("'url' is too long or contains spaces or control characters", "url")
    try:
        parts = urlsplit(url)
        host, _ = (parts.hostname or "").lower(), parts.port  # a port that is not 0-65535 raises
    except ValueError:
        raise InvalidInput("'url' is not a URL (or its port is not a number from 0 to 65535)", "url") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidInput("'url' must be an http or https URL", "url")
    if "@" in parts.netloc:
        raise InvalidInput("'url' must not carry credentials", "url")
    if host not in config.vast_hosts:
        raise InvalidInput(f"host {host[:80]!r} is not a configured VAST ad server", "url")
    return url


def ad_request(decision: Decision, url: str) -> AdRequest:
    """The ad request a player may make for this visitor, or why it may make none."""
    values = signal_values(decision)
    if not decision.allowed["vast"]:
        return AdRequest(False, None, "video ad trackers are not allowed for this visitor", values)
    filled = MACRO_RE.sub(lambda m: quote(values[m.group(1).upper()], safe=""), url)
    return AdRequest(True, _with_params(filled, values, decision), "allowed", values)


def signal_values(decision: Decision) -> dict[str, str]:
    gdpr = decision.regime is Regime.OPT_IN
    limited = decision.google_consent_mode["ad_personalization"] == "denied"
    iab = decision.iab
    return {
        "GDPR": "1" if gdpr else "0",
        "GDPRCONSENT": (iab.tcf.tc_string if iab.tcf else None) or "",
        "LIMITADTRACKING": "1" if limited else "0",
        "REGULATIONS": REGULATIONS[decision.regime],
        "GPPSTRING": iab.gpp_string or "",
        "GPPSECTIONID": ",".join(map(str, iab.gpp_sid)) if iab.gpp_string else "",
    }


def _with_params(url: str, values: dict[str, str], decision: Decision) -> str:
    """Set our parameters on the raw query: in place where the tag has them, else at the end.

    Every other byte of the tag stays as it was (players substitute their own macros, such as
    [CACHEBUSTING], only in their literal form). Ours that do not apply are removed.
    """
    ours = {"gdpr": values["GDPR"]}
    if values["GDPR"] == "1":
        ours["gdpr_consent"] = values["GDPRCONSENT"]
    if values["LIMITADTRACKING"] == "1":
        ours["npa"] = "1"
    if values["GPPSTRING"]:
        ours |= {"gpp": values["GPPSTRING"], "gpp_sid": values["GPPSECTIONID"]}
    if decision.iab.us_privacy:
        ours["us_privacy"] = decision.iab.us_privacy
    head, _, fragment = url.partition("#")
    path, _, raw_query = head.partition("?")
    query, placed = [], set()
    for pair in (p for p in raw_query.split("&") if p):
        name = unquote(pair.split("=", 1)[0])
        if name not in PARAMS:
            query.append(pair)
        elif name in ours and name not in placed:
            query.append(f"{name}={quote(ours[name], safe='')}")
            placed.add(name)
    query += [f"{k}={quote(v, safe='')}" for k, v in ours.items() if k not in placed]
    return f"{path}?{'&'.join(query)}" + (f"#{fragment}" if fragment else "")
