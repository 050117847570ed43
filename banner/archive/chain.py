"""The hash chain: each archived day of a site is linked to the day archived before it.

A day's *digest* is SHA-256 over its record hashes (32 raw bytes each, in file order), so it
survives erasure: a tombstone keeps the hash of the record it replaced. The day's *link* is
SHA-256 of the canonical JSON header ``{"day", "digest", "prev", "records", "site"}`` where
``prev`` is the previous day's link (64 zeros for a site's first day). Changing, adding, removing
or reordering any record or day changes every later link.
"""

from __future__ import annotations

import hashlib

from banner.archive.lines import canonical

GENESIS = "0" * 64


def day_link(site: str, day: str, records: int, digest: str, prev: str) -> str:
    header = {"day": day, "digest": digest, "prev": prev, "records": records, "site": site}
    return hashlib.sha256(canonical(header)).hexdigest()
