"""``flask --app app gvl-update [--url URL]``: refresh the local copy of the IAB Global Vendor List.

Like ``check-config`` it runs where the service cannot start (a TCF site without a vendor list
refuses to start), needing no Redis and no secret key. Run it daily; the service reads the list
when it starts, so restart (or reload) it after an update.
"""

from __future__ import annotations

import os

import click

from banner.core.clock import utc_now
from banner.core.config_parse import load_config
from banner.core.errors import ConfigError
from banner.vendor_list.files import VendorListFiles
from banner.vendor_list.update import IAB_URL, update


@click.command("gvl-update")
@click.option("--url", default=IAB_URL, show_default=True, help="Where the v3 list is (https, http or file).")
def gvl_update(url: str) -> None:
    """Download the Global Vendor List and the purposes translations of the sites' languages.

    A list that is corrupt, truncated, too new for this service (TCF policy version above 5),
    older than the one on disk or missing a configured vendor is refused: the previous one is
    kept and the command exits 1.
    """
    path = os.environ.get("BANNER_CONFIG", "config.toml")
    try:
        config = load_config(path, os.environ, require_secret=False)
    except ConfigError as e:
        click.echo(f"error: {e}", err=True)
        raise click.exceptions.Exit(1) from None
    sites = config.sites.values()
    vendors = {v for site in sites for v in site.tcf_vendors} | {t.tcf_vendor_id for t in config.trackers} - {0}
    files = VendorListFiles(config.iab.gvl)
    report = update(files, url, {lang for site in sites for lang in site.languages}, vendors, utc_now())
    if report.outcome == "refused":
        click.echo(f"refused, the previous list is kept: {report.reason}", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"{files.path}: version {report.version} {report.outcome}")
    for note in report.notes:
        click.echo(f"  {note}")
