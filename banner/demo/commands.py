"""The demo's command: ``flask --app app --debug seed-demo`` fills the dashboard with a month of traffic."""

from __future__ import annotations

import random
from datetime import timedelta

import click
from flask.cli import with_appcontext

from banner.core.clock import utc_now
from banner.demo.seed import DemoSeeder
from banner.web.context import services


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
    now = utc_now()
    dates = [now.date() - timedelta(days=days - 1 - i) for i in range(days)]
    report = DemoSeeder(svc, random.Random(seed)).seed(site, dates, volume, now)
    click.echo(
        f"Seeded site {site.id!r}, {dates[0]} to {dates[-1]}: {report.consents} consents, "
        f"{report.withdrawals} withdrawals, {report.views} banner views, {report.bots} bot consents."
    )
    click.echo("Sign in at /dashboard/ to see them.")
