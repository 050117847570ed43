"""The keys of what the banner shows: ``[[sites]]`` and their ``[[sites.variants]]``, ``[[categories]]``,
``[[trackers]]``, ``[texts.<lang>]``.

Declared once, as in :mod:`banner.core.config_spec`, which puts them under the file's top level.
"""

from __future__ import annotations

import re

from banner.core.config import GCM_KEYS, REQUIRED_TEXTS, TrackerKind
from banner.core.config_fields import REQUIRED, Child, Field, Shape, Table
from banner.core.layouts import DEFAULT_LAYOUT, LAYOUTS

ID = r"[a-z0-9-]{1,40}"
#: A whole site (or category) id, for code outside the config that must recognise one.
SITE_ID_RE = re.compile(ID + r"\Z")
TRACKER_ID = r"[a-z0-9_-]{1,40}"
LANG = r"[a-z]{2,3}(-[A-Z]{2})?"
ORIGIN = r"https?://[A-Za-z0-9.-]+(:\d{1,5})?"
HOST = r"[A-Za-z0-9.-]{1,253}"
COOKIE = r"[A-Za-z0-9_.*-]{1,80}"
COOKIE_NAME = r"[A-Za-z0-9_-]{1,40}"
VARIANT_ID = r"[a-z0-9][a-z0-9-]{0,15}"

#: Every banner text, by name; the ones in REQUIRED_TEXTS must be given for every language.
BANNER_TEXTS = {
    "title": "Heading of the banner and of the choices dialog",
    "body": "First-layer text under opt_in",
    "accept_all": "Accept all button",
    "reject_all": "Reject all button, as prominent as Accept all",
    "customize": "Button that opens the per-category choices",
    "save": "Button that saves the per-category choices",
    "close": "Label of the choices dialog's close button",
    "policy_link": "Text of the link to policy.url",
    "dnt_notice": "Shown when the browser sends Do Not Track: whether the policy honors it",
    "gpc_notice": "Shown when the browser sends Global Privacy Control and the policy honors it",
    "optout_body": "First-layer text under opt_out",
    "do_not_sell": "The opt_out button that turns every ad_network tracker off",
    "notice_body": "First-layer text under notice",
    "ok": "Acknowledge button under opt_out and notice",
    "trackers": "Heading of a category's list of trackers",
    "cookies": "Label of a tracker's cookies",
    "always_on": "Badge on required categories",
    "hosts": "Label of a tracker's hosts",
    **{f"kind_{kind.value}": f"Name of the {kind.value} kind of tracker" for kind in TrackerKind},
    "embed_notice": "A held embed's placeholder: what loading it means; {tracker} is the tracker's name",
    "embed_load_once": "Placeholder button that loads this one embed without recording anything",
    "embed_always_allow": "Placeholder button that records consent for the tracker; {tracker} is its name",
}
#: The placeholder's texts where a language leaves them out.
EMBED_TEXTS = {
    "embed_notice": "Loading it connects you to {tracker}, which can set cookies and recognise you.",
    "embed_load_once": "Load this time",
    "embed_always_allow": "Always allow {tracker}",
}

#: Texts a variant may not change: the policy's own statements are the same for every visitor.
POLICY_TEXTS = ("dnt_notice", "gpc_notice")

VARIANT_TEXTS = Table(
    "[sites.variants.texts.<lang>]",
    "Texts this variant shows instead of the site's in one language, the same names in every language "
    "the site lists, any of",
    fields=tuple(
        Field(name, str, description, None) for name, description in BANNER_TEXTS.items() if name not in POLICY_TEXTS
    ),
    compact=True,
)

VARIANT = Table(
    "[[sites.variants]]",
    "An A/B variant of the site's banner, checked at start-up to keep Reject all as prominent as Accept all",
    fields=(
        Field("id", str, "The variant's id in counters and consent records; a is the site's own", pattern=VARIANT_ID),
        Field(
            "weight",
            int,
            "Percent of new visitors shown this variant; variant a gets what the variants leave",
            minimum=0,
            maximum=100,
        ),
        Field(
            "layout",
            str,
            "The first layer's layout",
            default=DEFAULT_LAYOUT,
            choices=tuple(LAYOUTS),
        ),
    ),
    children=(
        Child(
            "texts",
            VARIANT_TEXTS,
            "Text overrides by language",
            Shape.MAP,
            key_pattern=LANG,
            key_name="<lang>",
        ),
    ),
)


SITE = Table(
    "[[sites]]",
    "A website that embeds the banner",
    fields=(
        Field("id", str, "The site's id in banner.js?site=ID", pattern=ID),
        Field("name", str, "The site's name, for the dashboard"),
        Field(
            "origins",
            str,
            "Who may embed the banner and post consent (the CORS allowlist), e.g. https://www.example.org",
            default=(),
            many=True,
            pattern=ORIGIN,
        ),
        Field("cookie_name", str, "Name of the first-party consent cookie", "consent", pattern=COOKIE_NAME),
        Field(
            "cookie_domain",
            str,
            '"" = this host only; e.g. .example.org shares the cookie across subdomains',
            default="",
            pattern=r"(\.?[A-Za-z0-9.-]+)?",
            problem="{value!r} is not a domain",
        ),
        Field("languages", str, "Banner languages; the first is the default", ("en",), many=True, pattern=LANG),
        Field(
            "tcf_vendors",
            int,
            "IAB vendor list ids of the vendors this site works with; any = TCF for opt_in visitors (needs iab.cmp_id)",
            default=(),
            many=True,
            minimum=1,
            maximum=65535,
            unique=True,
        ),
    ),
    children=(Child("variants", VARIANT, "A/B variants of the banner; the site's own is variant a", Shape.ARRAY),),
)

CATEGORY_TEXT = Table(
    "[categories.text.<lang>]",
    "A category's words in one language",
    fields=(
        Field("label", str, "The category's name next to its switch"),
        Field("description", str, "What accepting this category lets the site do"),
    ),
)

CATEGORY = Table(
    "[[categories]]",
    "A purpose the visitor accepts or refuses as a whole",
    fields=(
        Field("id", str, "The category's id, e.g. necessary, analytics, advertising", pattern=ID),
        Field("required", bool, "Always on, no switch (strictly necessary)", default=False),
        Field(
            "google_consent_mode",
            str,
            "Google Consent Mode v2 storage types this category grants",
            default=(),
            many=True,
            choices=GCM_KEYS,
        ),
        Field(
            "tcf_purposes",
            int,
            "TCF purposes (1-11) this category stands for, on the consent basis",
            default=(),
            many=True,
            minimum=1,
            maximum=11,
            unique=True,
        ),
        Field(
            "tcf_special_features",
            int,
            "TCF special features (1 precise geolocation, 2 device scanning) this category opts in to",
            default=(),
            many=True,
            minimum=1,
            maximum=2,
            unique=True,
        ),
    ),
    children=(
        Child(
            "text",
            CATEGORY_TEXT,
            "Label and description in every site language",
            Shape.MAP,
            required=True,
            key_pattern=LANG,
            key_name="<lang>",
        ),
    ),
)

TRACKER = Table(
    "[[trackers]]",
    "Something a page loads once its category is allowed",
    fields=(
        Field("id", str, "The tracker's id in data-consent-tracker", pattern=TRACKER_ID),
        Field("name", str, "The tracker's name in the banner"),
        Field("category", str, "The id of the category it belongs to"),
        Field("kind", str, "What sort of tracker it is", choices=tuple(k.value for k in TrackerKind)),
        Field("hosts", str, "Hosts it loads from (VAST tags must come from these)", (), many=True, pattern=HOST),
        Field(
            "cookies",
            str,
            "Cookies it sets (* wildcards), deleted from the page when it is refused",
            default=(),
            many=True,
            pattern=COOKIE,
        ),
        Field(
            "tcf_vendor_id",
            int,
            "The IAB vendor list id of an ad_network or vast tracker; 0 = not an IAB vendor",
            default=0,
            minimum=0,
            maximum=65535,
        ),
    ),
)

TEXTS = Table(
    "[texts.<lang>]",
    "Banner texts in one language; every language a site lists needs all of them",
    fields=tuple(
        Field(name, str, description, REQUIRED if name in REQUIRED_TEXTS else EMBED_TEXTS.get(name))
        for name, description in BANNER_TEXTS.items()
    ),
    compact=True,
)
