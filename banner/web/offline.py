"""The commands that must work where the service cannot start, on a bare app.

The service refuses to start without a secret key or with the demo dashboard user, and starts an
embedded Redis; none of that may stand between an operator and checking a config file or making
the password hash that start-up asks for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click
from flask import Flask

from banner.web.archive_cli import verify_archive
from banner.web.cli import hash_password
from banner.web.config_cli import check_config
from banner.web.gvl_cli import gvl_update

COMMANDS = {command.name: command for command in (check_config, hash_password, verify_archive, gvl_update)}
STATIC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "static")


def offline_app(argv: Sequence[str] = sys.argv) -> Flask | None:
    """A bare app with those commands when the flask command line loads the app for one of them."""
    if click.get_current_context(silent=True) is None or not COMMANDS.keys() & set(argv[1:]):
        return None
    app = Flask(__name__, static_folder=STATIC)
    for command in COMMANDS.values():
        app.cli.add_command(command)
    return app
