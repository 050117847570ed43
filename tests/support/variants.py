"""A config edit that runs an A/B test on the demo site: variant b (new words, the box layout) at 50/50."""

from __future__ import annotations

SITE_LANGUAGES = 'languages = ["en", "fr"]\n'
VARIANT_B = """
[[sites.variants]]
id = "b"
weight = 50
layout = "box"
texts.en.title = "Cookies on this site"
texts.fr.title = "Cookies sur ce site"
"""
#: For :func:`tests.support.edited_app`: the shipped config with variant b at 50 % (a keeps the rest).
TWO_VARIANTS = (SITE_LANGUAGES, SITE_LANGUAGES + VARIANT_B)
