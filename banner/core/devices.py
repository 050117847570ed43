"""The visitor's software from its User-Agent: a device class, and a browser and OS from fixed lists.

Anyone can write anything in a User-Agent, and what is read here ends up in counters, the DNT log
and exports. So the text is cut to :data:`MAX_LENGTH` before any pattern sees it (the cost of a
parse grows with the length), and browser and OS names are only ever one of the labels below,
else ``"Other"``: a crafted UA can neither show its own text on the dashboard nor add a counter
field. Parsing uses ua-parser's native resolver (``ua-parser-rs``); parses of recent UAs are kept
in a bounded LRU cache, so a returning browser costs a dictionary lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ua_parser import Domain, PartialResult, Resolver, load_builtins
from ua_parser.regex import Resolver as NativeResolver

#: Longer User-Agents are cut before parsing; real ones are well under this.
MAX_LENGTH = 512
CACHE_SIZE = 4096
OTHER = "Other"
DEVICE_CLASSES = ("desktop", "mobile", "tablet", "bot", "other")

#: ua-parser's browser families, by the label shown for them.
BROWSER_FAMILIES: dict[str, tuple[str, ...]] = {
    "Chrome": ("Chrome", "Chrome Mobile", "Chrome Mobile iOS", "Chrome Mobile WebView", "HeadlessChrome", "Chromium"),
    "Safari": ("Safari", "Mobile Safari", "Mobile Safari UI/WKWebView"),
    "Firefox": ("Firefox", "Firefox Mobile", "Firefox iOS", "Firefox Beta", "Firefox Alpha", "Firefox Focus"),
    "Edge": ("Edge", "Edge Mobile"),
    "Samsung Internet": ("Samsung Internet",),
    "Opera": ("Opera", "Opera Mobile", "Opera Mini", "Opera GX", "Opera Touch", "Opera Coast", "Opera Neon"),
    "Internet Explorer": ("IE", "IE Mobile", "IE Large Screen"),
    "Yandex Browser": ("Yandex Browser",),
    "UC Browser": ("UC Browser",),
    "Brave": ("Brave",),
    "Vivaldi": ("Vivaldi",),
    "DuckDuckGo": ("DuckDuckGo", "DuckDuckGo Mobile"),
    "Silk": ("Amazon Silk",),
    "Android Browser": ("Android",),
    "Facebook app": ("Facebook", "Facebook Messenger"),
    "Instagram app": ("Instagram",),
}
#: ua-parser's OS families, by the label shown for them.
OS_FAMILIES: dict[str, tuple[str, ...]] = {
    "Windows": ("Windows",),
    "macOS": ("Mac OS X", "Mac OS"),
    "iOS": ("iOS",),
    "Android": ("Android",),
    "Linux": ("Linux", "Ubuntu", "Debian", "Fedora", "Red Hat", "Gentoo", "Linux Mint", "Arch Linux", "SUSE"),
    "ChromeOS": ("Chrome OS",),
    "Windows Phone": ("Windows Phone", "Windows Mobile"),
    "KaiOS": ("KaiOS",),
}
DESKTOP_SYSTEMS = frozenset({"Windows", "macOS", "Linux", "ChromeOS"})
MOBILE_SYSTEMS = frozenset({"iOS", "Android", "Windows Phone", "KaiOS"})
PHONES = frozenset({"iPhone", "iPod", "iOS-Device", "Generic Smartphone", "Generic Feature Phone"})
TABLETS = frozenset({"iPad", "Generic Tablet", "BlackBerry Playbook", "HP TouchPad", "Microsoft Surface RT"})
#: Crawlers ua-parser does not mark as ``Spider``, and the "+https://..." contact URL crawlers carry.
BOT_MARKERS = re.compile(
    r"spider|crawl|scraper|mediapartners-google|chrome-lighthouse|phantomjs|google-read-aloud|\+https?://",
    re.IGNORECASE,
)


def _labels(families: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each family, and each label itself, to its label: labels stored earlier map to themselves."""
    return {name: label for label, names in families.items() for name in (label, *names)}


BROWSER_LABELS = _labels(BROWSER_FAMILIES)
OS_LABELS = _labels(OS_FAMILIES)


@dataclass(frozen=True)
class Device:
    """The visitor's software, reduced to classes that are safe to count."""

    bot: bool = False
    device: str = "other"  # one of DEVICE_CLASSES
    browser: str = OTHER
    os: str = OTHER


def browser_label(name: str) -> str:
    """The fixed label for a browser family (or a label read back from storage), else "Other"."""
    return BROWSER_LABELS.get(name, OTHER)


def os_label(name: str) -> str:
    """The fixed label for an OS family (or a label read back from storage), else "Other"."""
    return OS_LABELS.get(name, OTHER)


def classify_user_agent(user_agent: str) -> Device:
    """Classify the first :data:`MAX_LENGTH` characters of ``user_agent``."""
    return _classify(user_agent[:MAX_LENGTH])


@lru_cache(maxsize=CACHE_SIZE)
def _classify(user_agent: str) -> Device:
    if not user_agent:
        return Device()
    parsed = resolver()(user_agent, Domain.ALL)
    browser = browser_label(parsed.user_agent.family if parsed.user_agent else OTHER)
    os = os_label(parsed.os.family if parsed.os else OTHER)
    if _is_bot(parsed):
        return Device(bot=True, device="bot", browser=browser, os=os)
    return Device(device=_device_class(parsed, os), browser=browser, os=os)


@cache
def resolver() -> Resolver:
    """The native resolver over ua-parser's built-in patterns (compiled once, ~0.25 s)."""
    return NativeResolver(load_builtins())


def _is_bot(parsed: PartialResult) -> bool:
    return (parsed.device is not None and parsed.device.family == "Spider") or bool(BOT_MARKERS.search(parsed.string))


def _device_class(parsed: PartialResult, os: str) -> str:
    text, device = parsed.string, parsed.device
    family = device.family if device else ""
    brand = device.brand if device else None
    if family in TABLETS or family.startswith("Kindle") or brand == "Generic_Android_Tablet":
        return "tablet"
    if os == "Android" and ("Tablet" in text or "Mobi" not in text):
        return "tablet"
    if family in PHONES or os in MOBILE_SYSTEMS or "Mobi" in text:
        return "mobile"
    if os in DESKTOP_SYSTEMS or "Windows NT" in text:
        return "desktop"
    return "other"
