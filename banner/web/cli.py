"""Operator commands: ``flask --app app hash-password``, ``check-config`` and ``gvl-update``."""

from __future__ import annotations

import sys

import click
from flask import Flask
from werkzeug.security import generate_password_hash

from banner.web.config_cli import check_config
from banner.web.gvl_cli import gvl_update


def init_app(app: Flask) -> None:
    app.cli.add_command(hash_password)
    app.cli.add_command(check_config)
    app.cli.add_command(gvl_update)


@click.command("hash-password")
def hash_password() -> None:
    """Print a werkzeug hash of a password for [dashboard].users in config.toml.

    Prompts (twice) on a terminal; otherwise reads one line from standard input.
    """
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError("the password is empty")
    click.echo(generate_password_hash(password))
