"""Access and erasure requests: one visitor's consent history, found and removed by consent id.

A visitor proves who they are with their consent id (in their cookie and on their receipt).
Their history is the chain of records linked by ``replaces``. Erasure removes those records and
every stream entry naming them; daily counters are aggregates and stay.
"""

from __future__ import annotations

from banner.core.consent import ConsentRecord
from banner.store import keys
from banner.store.consents import ConsentStore

MAX_CHAIN = 1000  # a loop guard: no visitor changes their mind a thousand times


def history(store: ConsentStore, site: str, consent_id: str) -> list[ConsentRecord]:
    """The record with this id and every earlier one it replaced, newest first."""
    records: list[ConsentRecord] = []
    next_id: str | None = consent_id
    while next_id and len(records) < MAX_CHAIN:
        record = store.record(site, next_id)
        if record is None:
            break
        records.append(record)
        next_id = record.replaces
    return records


def erase(store: ConsentStore, site: str, records: list[ConsentRecord]) -> list[str]:
    """Delete a visitor's records (their ``history``) and the stream entries naming them; returns the ids."""
    ids = [r.id for r in records]
    if not ids:
        return []
    redis = store.redis
    redis.delete(*[keys.record(site, i) for i in ids])
    wanted = set(ids)
    for stream, field in ((keys.log(site), "id"), *((keys.signal_log(site, s), "consent_id") for s in ("dnt", "gpc"))):
        entries = (entry for page in store.stream_pages(stream) for entry in page)
        doomed = [entry_id for entry_id, fields in entries if fields.get(field) in wanted]
        if doomed:
            redis.xdel(stream, *doomed)
    return ids
