"""Operator commands: ``flask --app app hash-password``, ``seed-demo`` and ``check-config``."""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta

import click
from flask import Flask
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

from banner.web.config_cli import check_config
from banner.web.context import services
from banner.web.dashboard.seed import DemoSeeder


def init_app(app: Flask) -> None:
    app.cli.add_command(hash_password)
    app.cli.add_command(seed_demo)
    app.cli.add_command(check_config)


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


@click.command("seed-demo")
@click.option("--site", "site_id", default=None, help="Site id (default: the first configured site).")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366), help="Days up to today.")
@click.option(
    "--volume", default=220, show_default=True, type=click.IntRange(1, 100_000), help="Average consents per weekday."
)
@click.option("--seed", "seed", default=2015, show_default=True, type=int, help="Random seed, for repeatable data.")
@with_appcontext
def seed_demo(site_id: str | None, days: int, volume: int, seed: int) -> None:
    """Write synthetic traffic (consents, withdrawals, views, DNT/GPC) so the dashboard has data.

    Adds to what is there: running it twice doubles the figures.
    """
    svc = services()
    site = svc.config.sites.get(site_id) if site_id else next(iter(svc.config.sites.values()))
    if site is None:
        raise click.BadParameter(f"unknown site {site_id!r}", param_hint="--site")
    now = datetime.now(UTC)
    dates = [now.date() - timedelta(days=days - 1 - i) for i in range(days)]
    report = DemoSeeder(svc.config, svc.store, svc.banner_versions, random.Random(seed)).seed(site, dates, volume, now)
    click.echo(
        f"Seeded site {site.id!r}, {dates[0]} to {dates[-1]}: {report.consents} consents, "
        f"{report.withdrawals} withdrawals, {report.views} banner views, {report.bots} bot consents."
    )
    click.echo("Sign in at /dashboard/ to see them.")
