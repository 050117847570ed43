"""Proving offline that an archive is exactly what its seals say: nothing changed, added or removed.

Every file is accounted for: ``archive.json`` and each manifest by their canonical bytes and
Ed25519 signature, each day file by the size and SHA-256 its manifest seals, each index by its
sealed SHA-256 and by being rebuilt from the day file. Any other file is reported. On top of the
bytes, the content is recomputed: record hashes, day digests, the chain of links, the counts, and
the erasure log against the tombstones. ``verify`` only reads; it never stops at a first problem.

The one thing it cannot see alone is the archive rolled back whole to an earlier sealed state:
compare each site's ``head`` with a copy kept elsewhere (or keep the synced copy versioned).
"""

from __future__ import annotations

from pathlib import Path

from banner.archive.disk import ROOT_FILE
from banner.archive.manifest import RootFile, parse_root
from banner.archive.report import Problem, Report
from banner.archive.site_check import SiteCheck


def verify(root: Path, public_key: str | None = None) -> Report:
    """Check the archive at ``root``; with ``public_key`` (hex), its seals must be by that key."""
    if not root.is_dir():
        return Report(str(root), public_key, problems=(Problem(".", "no archive directory here"),))
    problems: list[Problem] = []
    root_file = _root_file(root, public_key, problems)
    listed = root_file.sites if root_file else ()
    for path in sorted(root.iterdir()):
        if path.name != ROOT_FILE and not (path.name in listed and path.is_dir()):
            problems.append(Problem(path.name, f"not part of the archive (not listed in {ROOT_FILE})"))
    if root_file is None:
        return Report(str(root), public_key, problems=tuple(problems))
    key = public_key or root_file.public_key
    sites = tuple(SiteCheck(root, site, key).run() for site in listed)
    return Report(str(root), key, sites, tuple(problems))


def _root_file(root: Path, public_key: str | None, problems: list[Problem]) -> RootFile | None:
    try:
        root_file = parse_root((root / ROOT_FILE).read_bytes())
    except FileNotFoundError:
        problems.append(Problem(ROOT_FILE, "missing"))
        return None
    except (ValueError, RecursionError) as error:
        problems.append(Problem(ROOT_FILE, str(error)))
        return None
    if public_key is not None and root_file.public_key != public_key:
        problems.append(Problem(ROOT_FILE, f"sealed by key {root_file.public_key}, not by the pinned key"))
    if len(set(root_file.sites)) != len(root_file.sites):
        problems.append(Problem(ROOT_FILE, "lists a site twice"))
    return root_file
