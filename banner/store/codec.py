"""How a consent record is stored: compact JSON, so a million consents fit in a few hundred MB.

A record is kept for years (retention) and there is one per consent, so its size is what sizes
Redis. The stored form uses one- or two-letter keys, epoch seconds for instants, 0/1 for flags,
and leaves out what is implied: the site and id (both in the key), null fields, signals that were
absent, the event (``updated`` exactly when it ``replaces`` another consent), the A/B variant
when it is ``a`` (the site's own banner, and every record written before variants). Records written
in the long form earlier still read. The withdraw script (:mod:`banner.store.scripts`) edits
the stored form in place and reads ``i``, ``a`` and ``w``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from banner.core.clock import utc_iso
from banner.core.config import BASE_VARIANT
from banner.core.consent import ConsentRecord
from banner.core.iab.signals import TCF_HEADER

#: Record field -> stored key, for the plain-valued fields.
SHORT = {
    "id": "i",
    "action": "a",
    "policy_version": "pv",
    "banner_version": "bv",
    "lang": "l",
    "device": "d",
    "browser": "b",
    "os": "o",
    "region": "r",
    "replaces": "rp",
    "withdrawn_at": "w",
}
INSTANTS = {"given_at": "t", "expires_at": "x"}
VARIANT = "vr"
SIGNALS = ("dnt", "gpc")
#: The IAB strings issued with the consent (receipts show them), only where issued. A GPP string
#: that only carries the TC string (section 2) is not kept twice: it is kept as the number 2.
IAB = {"tc_string": "tc", "gpp_string": "gp", "us_privacy": "up"}
TCF_SECTION = 2


def dump_record(record: ConsentRecord) -> str:
    data: dict[str, Any] = {
        short: getattr(record, name) for name, short in SHORT.items() if getattr(record, name) is not None
    }
    for name, short in INSTANTS.items():
        data[short] = _seconds(getattr(record, name))
    data["c"] = {k: int(v) for k, v in record.choices.items()}
    if record.trackers:
        data["tr"] = {k: int(v) for k, v in record.trackers.items()}
    seen = {name: [1, int(s["honored"])] for name, s in record.signals.items() if s["present"]}
    if seen:
        data["s"] = seen
    if record.variant != BASE_VARIANT:
        data[VARIANT] = record.variant
    data.update({IAB[name]: text for name, text in record.iab.items()})
    carried = _carried(record.iab)
    if carried and data.get("gp") == carried:
        data["gp"] = TCF_SECTION
    return orjson.dumps(data).decode()


def load_record(raw: str, site: str) -> ConsentRecord:
    data = orjson.loads(raw)
    if "i" not in data:  # the long form
        return ConsentRecord.from_json(data)
    fields: dict[str, Any] = {name: data.get(short) for name, short in SHORT.items()}
    fields.update({name: _iso(data[short]) for name, short in INSTANTS.items()})
    seen = data.get("s", {})
    return ConsentRecord(
        **fields,
        site=site,
        event="updated" if fields["replaces"] else "given",
        choices={k: bool(v) for k, v in data["c"].items()},
        trackers={k: bool(v) for k, v in data.get("tr", {}).items()},
        signals={
            name: {"present": name in seen, "honored": bool(seen[name][1]) if name in seen else False}
            for name in SIGNALS
        },
        variant=data.get(VARIANT, BASE_VARIANT),
        iab=_iab(data),
    )


def _carried(iab: dict[str, str]) -> str | None:
    """The GPP string that only carries the TC string, as section 2."""
    return f"{TCF_HEADER}~{iab['tc_string']}" if "tc_string" in iab else None


def _iab(data: dict[str, Any]) -> dict[str, str]:
    iab = {name: data[short] for name, short in IAB.items() if short in data}
    if iab.get("gpp_string") == TCF_SECTION:
        iab["gpp_string"] = f"{TCF_HEADER}~{iab['tc_string']}"
    return iab


def _seconds(iso: str) -> int | str:
    """Epoch seconds when that reads back to the very same text; the text otherwise."""
    try:
        seconds = int(datetime.fromisoformat(iso).timestamp())
    except ValueError:
        return iso
    return seconds if _iso(seconds) == iso else iso


def _iso(value: int | str) -> str:
    if isinstance(value, str):
        return value
    return utc_iso(datetime.fromtimestamp(value, UTC))
