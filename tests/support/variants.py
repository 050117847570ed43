"""A config edit that runs the shipped config's stopped A/B test again: variant b at 50 %, a the rest."""

from __future__ import annotations

#: For :func:`tests.support.edited_app`: variant b (other words, the box layout) for half the new visitors.
TWO_VARIANTS = ('id = "b"\nweight = 0\n', 'id = "b"\nweight = 50\n')
#: For :func:`tests.support.edited_app`: the shipped config without its A/B test.
NO_TEST = (
    '[[sites.variants]]\nid = "b"\nweight = 0\nlayout = "box"\n'
    'texts.en.title = "Cookies on this site"\ntexts.en.accept_all = "Allow all"\n'
    'texts.fr.title = "Les cookies de ce site"\ntexts.fr.accept_all = "Tout autoriser"\n',
    "",
)
