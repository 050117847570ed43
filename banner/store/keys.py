"""Redis key names, and how one site's data spreads over a Redis Cluster.

A site's consent records, event streams, signal logs and revocations are split into ``BUCKETS``
buckets by consent id; each bucket has a hash tag of its own (``{site:07}``), so a big site's data
lands on many Cluster slots (and so on every master), while everything one consent write touches
(its record, its bucket's streams and revocations) shares one slot: a write stays one
transaction. The daily counters of a site keep the site's own tag (``{site}``): one hash per day,
read in one place.
"""

from __future__ import annotations

import zlib

PREFIX = "cs"
#: Buckets per site. Changing it moves every record to another key: it is fixed for a deployment.
BUCKETS = 16
BUCKET_IDS = range(BUCKETS)


def bucket_of(consent_id: str) -> int:
    """The bucket of a consent: stable, and even across ids (they are random)."""
    return zlib.crc32(consent_id.encode()) % BUCKETS


def _tag(site: str, bucket: int) -> str:
    return f"{PREFIX}:{{{site}:{bucket:02d}}}"


def record(site: str, consent_id: str) -> str:
    return f"{_tag(site, bucket_of(consent_id))}:rec:{consent_id}"


def log(site: str, bucket: int) -> str:
    """Stream of consent events of one bucket: given / updated / withdrawn."""
    return f"{_tag(site, bucket)}:log"


def signal_log(site: str, signal: str, bucket: int) -> str:
    """Stream of one bucket's consents recorded while a DNT or GPC signal was present."""
    return f"{_tag(site, bucket)}:{signal}log"


def revoked(site: str, bucket: int) -> str:
    """Sorted set of one bucket's consent ids that no longer count (withdrawn or replaced), scored by when."""
    return f"{_tag(site, bucket)}:revoked"


def day(site: str, yyyymmdd: str) -> str:
    """Hash of one site-day's counters: storage grows with sites x days, never with visitors."""
    return f"{PREFIX}:{{{site}}}:day:{yyyymmdd}"


def dashboard_session(digest: str) -> str:
    """One signed-in dashboard session, by the SHA-256 of its id (not a site's key: no hash tag)."""
    return f"{PREFIX}:dashboard:session:{digest}"


def record_pattern(site: str) -> str:
    """A ``SCAN`` pattern for every consent record of a site, in any bucket."""
    return f"{PREFIX}:{{{site}:*}}:rec:*"


def logs(site: str) -> list[str]:
    return [log(site, b) for b in BUCKET_IDS]


def signal_logs(site: str, signal: str) -> list[str]:
    return [signal_log(site, signal, b) for b in BUCKET_IDS]


def revoked_sets(site: str) -> list[str]:
    return [revoked(site, b) for b in BUCKET_IDS]
