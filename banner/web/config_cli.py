"""``flask --app app check-config [PATH]``: check a config file without starting the service.

For operators' CI: exit status 0 when the file is valid, 1 on any error. It needs no Redis and
no secret key, and applies no environment variables: it checks the file as written.
"""

from __future__ import annotations

import json
import os

import click
from flask import current_app
from flask.cli import with_appcontext

from banner.core.client_config import BundleKey, client_configs
from banner.core.config import Config
from banner.core.config_checks import deployment_warnings
from banner.core.config_parse import load_config
from banner.core.config_reference import reference_table
from banner.core.config_schema import json_schema
from banner.core.config_summary import budget_warnings, summary
from banner.core.errors import ConfigError
from banner.core.tokens import TokenSigner
from banner.vendor_list.files import vendor_list_warnings
from banner.web.script import build_bundles

#: Stands in for the secret when none is set: a public key has the same length whatever the key.
SIZING_KEY = "check-config sizing key"


@click.command("check-config")
@click.argument("path", required=False)
@click.option("--schema", is_flag=True, help="Print the JSON Schema of config.toml (for TOML editors) instead.")
@click.option("--reference", is_flag=True, help="Print the table of every config key (Markdown) instead.")
@with_appcontext
def check_config(path: str | None, schema: bool, reference: bool) -> None:
    """Check PATH (default: $BANNER_CONFIG, else config.toml) and summarise what it sets up.

    Exits 1 on any error, so it can guard a deployment.
    """
    if schema or reference:
        click.echo(json.dumps(json_schema(), indent=2) if schema else reference_table())
        return
    path = path or os.environ.get("BANNER_CONFIG", "config.toml")
    try:
        config = load_config(path, {}, require_secret=False)
    except ConfigError as e:
        click.echo(f"error: {e}", err=True)
        raise click.exceptions.Exit(1) from None
    sizes = banner_sizes(config)
    click.echo(f"{path}: valid")
    for line in summary(config, sizes):
        click.echo(line)
    warnings = [*deployment_warnings(config), *budget_warnings(sizes), *vendor_list_warnings(config)]
    click.echo("warnings:" if warnings else "no warnings")
    for warning in warnings:
        click.echo(f"  {warning}")


def banner_sizes(config: Config) -> dict[BundleKey, int]:
    """Gzipped bytes of every banner this config serves, built as the service builds them."""
    keys = TokenSigner(list(config.service.signing_keys) or [SIZING_KEY], 1).public_keys  # sizes only
    bundles = build_bundles(client_configs(config, keys), current_app.static_folder or "static")
    return {key: len(bundle.gzipped) for key, bundle in bundles.items()}
