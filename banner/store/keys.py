"""Redis key names. Every key carries its site as a hash tag (``{site}``) so all of one site's
keys share a Cluster slot: a consent write is one transaction even on a Redis Cluster."""

from __future__ import annotations

PREFIX = "cs"


def record(site: str, consent_id: str) -> str:
    return f"{PREFIX}:{{{site}}}:rec:{consent_id}"


def log(site: str) -> str:
    """Stream of consent events: given / updated / withdrawn."""
    return f"{PREFIX}:{{{site}}}:log"


def signal_log(site: str, signal: str) -> str:
    """Stream of consents recorded while a DNT or GPC signal was present."""
    return f"{PREFIX}:{{{site}}}:{signal}log"


def day(site: str, yyyymmdd: str) -> str:
    """Hash of one site-day's counters: storage grows with sites x days, never with visitors."""
    return f"{PREFIX}:{{{site}}}:day:{yyyymmdd}"


def revoked(site: str) -> str:
    """Sorted set of consent ids that no longer count (withdrawn or replaced), scored by when."""
    return f"{PREFIX}:{{{site}}}:revoked"


def dashboard_session(digest: str) -> str:
    """One signed-in dashboard session, by the SHA-256 of its id (not a site's key: no hash tag)."""
    return f"{PREFIX}:dashboard:session:{digest}"
