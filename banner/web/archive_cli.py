"""``flask --app app archive`` (for cron) and ``flask --app app verify-archive DIR`` (offline)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from banner.archive import format_report, verify
from banner.core.clock import today
from banner.web.context import services


@click.command("archive")
@click.option("--site", "site_ids", multiple=True, help="Only these sites (default: all).")
@with_appcontext
def archive_command(site_ids: tuple[str, ...]) -> None:
    """Move consent records older than policy.hot_days from Redis to the archive (run it daily).

    Each day becomes one sealed, hash-chained file per site under service.archive_dir, then leaves
    Redis. Safe to repeat and to interrupt: a run finishes what an earlier one began.
    """
    svc = services()
    unknown = sorted(set(site_ids) - set(svc.config.sites))
    if unknown:
        raise click.BadParameter(f"unknown site {unknown[0]!r}", param_hint="--site")
    run = svc.proofs.archive(site_ids or list(svc.config.sites), today())
    for site, days in run.days.items():
        span = f"{days[0]} to {days[-1]}" if days else "nothing new"
        click.echo(f"{site}: {len(days)} day(s) archived ({span}), {run.records[site]} record(s) left Redis")
    click.echo(f"archive: {svc.proofs.root} (hot window: {svc.config.policy.hot_days} days)")


@click.command("verify-archive")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--public-key", default=None, help="The archive's key as kept elsewhere (hex): pins it.")
def verify_archive(directory: Path, public_key: str | None) -> None:
    """Prove offline that nothing in an archive was changed, added or removed (exit status 1 if so)."""
    report = verify(directory, public_key)
    click.echo(format_report(report))
    if not report.ok:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(archive_command)
    app.cli.add_command(verify_archive)
