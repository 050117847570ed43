"""Operator commands for access and erasure requests (``flask --app app erase-consent ...``)."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import with_appcontext

from banner.web.context import services


@click.command("export-consent")
@click.option("--site", required=True, help="Site id")
@click.argument("consent_id")
@with_appcontext
def export_consent(site: str, consent_id: str) -> None:
    """Print one visitor's consent history as JSON Lines, newest first (access request).

    An id that starts with '-' goes after '--': export-consent --site demo -- -AbC...
    """
    records = services().proofs.history(site, consent_id)
    if not records:
        raise click.ClickException(f"no consent record {consent_id!r} for site {site!r}")
    for record in records:
        click.echo(json.dumps(record.to_json(), ensure_ascii=False))


@click.command("erase-consent")
@click.option("--site", required=True, help="Site id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@click.argument("consent_id")
@with_appcontext
def erase_consent(site: str, consent_id: str, yes: bool) -> None:
    """Erase one visitor's consent records and their log entries (erasure request).

    An id that starts with '-' goes after '--': erase-consent --site demo -- -AbC...
    """
    proofs = services().proofs
    found = proofs.history(site, consent_id)
    if not found:
        raise click.ClickException(f"no consent record {consent_id!r} for site {site!r}")
    if not yes:
        click.confirm(f"Erase {len(found)} record(s) of this visitor?", abort=True)
    erased = proofs.erase(site, found)
    click.echo(f"erased {len(erased)} record(s): {', '.join(erased)}")


def init_app(app: Flask) -> None:
    app.cli.add_command(export_consent)
    app.cli.add_command(erase_consent)
