"""The demo: a publisher page with stand-in trackers, and synthetic traffic for the dashboard.

Served only in debug or testing mode, or with ``DEMO=1``: a production service has no demo page
and no stand-in tracker that sets cookies, and no command that writes synthetic consents.
"""

from __future__ import annotations

import os

from flask import Flask

from banner.demo import commands, page


def enabled(app: Flask) -> bool:
    return bool(app.debug or app.testing or app.config.get("DEMO") or os.environ.get("DEMO") == "1")


def init_app(app: Flask) -> None:
    if not enabled(app):
        return
    app.config.setdefault("DEMO_BANNER_URL", f"/banner.js?site={page.SITE}")
    app.register_blueprint(page.bp)
    app.cli.add_command(commands.seed_demo)
