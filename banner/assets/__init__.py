"""The banner's static assets: its JavaScript and CSS, minified and assembled into bundles.

Not consent logic: this package turns the source files under ``static/`` into the bytes that
``GET /banner.js`` serves. It needs nothing beyond pip: the minifiers run in-process.
"""

from __future__ import annotations


class AssetError(ValueError):
    """The banner cannot be built from its sources; the message says which file and where."""
