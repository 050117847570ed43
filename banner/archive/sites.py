"""Opening a site's part of an archive: for reading, and (under the lock) for extending it.

A writer re-seals what it changes, so it first checks that what it extends still holds its seal:
a tampered manifest must be refused, never signed again.
"""

from __future__ import annotations

from pathlib import Path

from banner.archive.disk import MANIFEST, ROOT_FILE, TEMP_RE, listed_files, sweep, sync_dir, write_atomic
from banner.archive.errors import ArchiveError, CorruptArchive, KeyMismatch
from banner.archive.manifest import Manifest, RootFile, parse_manifest, parse_root, render
from banner.archive.seal import Sealer
from banner.core.config_spec_banner import SITE_ID_RE


def check_site(site: str) -> None:
    if not isinstance(site, str) or not SITE_ID_RE.match(site):
        raise ArchiveError(f"site id {str(site)[:40]!r} is not [a-z0-9-]{{1,40}}")


def read_root(root: Path) -> RootFile | None:
    """The root file, or None when nothing was archived yet; :class:`CorruptArchive` if it is broken."""
    path = root / ROOT_FILE
    if not path.exists():
        return None
    try:
        return parse_root(path.read_bytes())
    except (ValueError, RecursionError) as error:
        raise CorruptArchive(ROOT_FILE, str(error)) from error


def read_manifest(root: Path, site: str, public_key: str) -> Manifest:
    """The manifest of a site the root file lists, checked against its seal."""
    path = root / site / MANIFEST
    try:
        manifest = parse_manifest(path.read_bytes(), public_key)
    except FileNotFoundError as error:
        raise CorruptArchive(f"{site}/{MANIFEST}", "missing") from error
    except (ValueError, RecursionError) as error:
        raise CorruptArchive(f"{site}/{MANIFEST}", str(error)) from error
    if manifest.site != site:
        raise CorruptArchive(f"{site}/{MANIFEST}", f"it is the manifest of site {manifest.site!r}")
    return manifest


def open_for_writing(root: Path, site: str, sealer: Sealer) -> Manifest:
    """The site's manifest, once the root file lists the site under this sealer's key.

    Also sweeps what an interrupted write left, so a retry starts from the committed state.
    """
    root_file = read_root(root) or RootFile(sealer.public_key)
    if root_file.public_key != sealer.public_key:
        raise KeyMismatch(
            f"the archive is sealed by key {root_file.public_key[:16]}..., this secret gives "
            f"{sealer.public_key[:16]}...; archive with the secret it was started with"
        )
    sweep(root, {ROOT_FILE, *root_file.sites}, (TEMP_RE,))
    if site not in root_file.sites:
        _start_site(root, site, sealer)
        write_atomic(root / ROOT_FILE, render(RootFile(sealer.public_key, (*root_file.sites, site)).body(), sealer))
    manifest = read_manifest(root, site, sealer.public_key)
    sweep(root / site, listed_files(manifest))
    return manifest


def _start_site(root: Path, site: str, sealer: Sealer) -> None:
    """A new site's directory and empty manifest, made before the root file lists it.

    So a listed site always has a manifest: one without is a site removed, never a crash. An
    unlisted directory is reused only when an interrupted start left it, never when it holds days.
    """
    site_dir = root / site
    if not site_dir.exists():
        site_dir.mkdir()
        sync_dir(root)
    if (site_dir / MANIFEST).exists():
        if read_manifest(root, site, sealer.public_key).days:
            raise CorruptArchive(site, f"holds archived days but {ROOT_FILE} does not list it")
        return
    write_atomic(site_dir / MANIFEST, render(Manifest(site).body(), sealer))
