"""GPP strings: the header, the US National section (``usnat`` v2) and a carried TC string.

A GPP string is ``header~section~section``: the header (type 3, version 1) lists the section ids
as a Fibonacci-coded range, in the order the sections follow. ``usnat`` (id 7) is a core
subsection plus an optional GPC subsection joined by ``.``; ``tcfeuv2`` (id 2) is a whole TC
string. Sections are padded to whole bytes then to 6 bits, as ``@iabgpp/cmpapi`` writes them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from banner.core.iab import tcf
from banner.core.iab.bits import BitReader, BitWriter
from banner.core.iab.errors import GPPStringError, TCStringError

HEADER_TYPE = 3
GPP_VERSION = 1
USNAT_VERSION = 2
TCFEUV2_ID = 2
USNAT_ID = 7
GPC_SUBSECTION = 1
MAX_SECTION_ID = 64  # the registry holds a few dozen; bounds a hostile header
PADDING = (8, 6)


class Notice(enum.IntEnum):
    NOT_APPLICABLE = 0
    PROVIDED = 1
    NOT_PROVIDED = 2


class OptOut(enum.IntEnum):
    NOT_APPLICABLE = 0
    OPTED_OUT = 1
    DID_NOT_OPT_OUT = 2


class Consent(enum.IntEnum):
    NOT_APPLICABLE = 0
    NO_CONSENT = 1
    CONSENT = 2


class Mspa(enum.IntEnum):
    NOT_APPLICABLE = 0  # not allowed for MspaCoveredTransaction
    YES = 1
    NO = 2


def _not_applicable(count: int) -> tuple[Consent, ...]:
    return (Consent.NOT_APPLICABLE,) * count


@dataclass(frozen=True)
class UsNat:
    """The MSPA US National section, v2. Field order is the bit order; ``gpc=None`` omits the
    GPC subsection. ``mspa_covered_transaction`` defaults to NO: no MSPA signature is assumed."""

    sharing_notice: Notice = Notice.NOT_APPLICABLE
    sale_opt_out_notice: Notice = Notice.NOT_APPLICABLE
    sharing_opt_out_notice: Notice = Notice.NOT_APPLICABLE
    targeted_advertising_opt_out_notice: Notice = Notice.NOT_APPLICABLE
    sensitive_data_processing_opt_out_notice: Notice = Notice.NOT_APPLICABLE
    sensitive_data_limit_use_notice: Notice = Notice.NOT_APPLICABLE
    sale_opt_out: OptOut = OptOut.NOT_APPLICABLE
    sharing_opt_out: OptOut = OptOut.NOT_APPLICABLE
    targeted_advertising_opt_out: OptOut = OptOut.NOT_APPLICABLE
    sensitive_data_processing: tuple[Consent, ...] = _not_applicable(16)
    known_child_sensitive_data_consents: tuple[Consent, ...] = _not_applicable(3)
    personal_data_consents: Consent = Consent.NOT_APPLICABLE
    mspa_covered_transaction: Mspa = Mspa.NO
    mspa_opt_out_option_mode: Mspa = Mspa.NOT_APPLICABLE
    mspa_service_provider_mode: Mspa = Mspa.NOT_APPLICABLE
    gpc: bool | None = None

    def parsed_section(self) -> dict[str, Any]:
        """The section as the GPP CMP API's ``parsedSections.usnat`` names it."""
        out: dict[str, Any] = {"Version": USNAT_VERSION}
        for name, _, count in _LAYOUT:
            value = getattr(self, name)
            out[_api_name(name)] = [int(v) for v in value] if count else int(value)
        if self.gpc is not None:
            out |= {"GpcSegmentType": GPC_SUBSECTION, "Gpc": self.gpc}
        return out


# The bit order of the usnat core subsection after its 6-bit Version: (field, values, list length).
_LAYOUT: tuple[tuple[str, type[enum.IntEnum], int], ...] = (
    ("sharing_notice", Notice, 0),
    ("sale_opt_out_notice", Notice, 0),
    ("sharing_opt_out_notice", Notice, 0),
    ("targeted_advertising_opt_out_notice", Notice, 0),
    ("sensitive_data_processing_opt_out_notice", Notice, 0),
    ("sensitive_data_limit_use_notice", Notice, 0),
    ("sale_opt_out", OptOut, 0),
    ("sharing_opt_out", OptOut, 0),
    ("targeted_advertising_opt_out", OptOut, 0),
    ("sensitive_data_processing", Consent, 16),
    ("known_child_sensitive_data_consents", Consent, 3),
    ("personal_data_consents", Consent, 0),
    ("mspa_covered_transaction", Mspa, 0),
    ("mspa_opt_out_option_mode", Mspa, 0),
    ("mspa_service_provider_mode", Mspa, 0),
)
# Each opt-out and the notice it follows: no opt-out can be recorded where the notice does not apply.
NOTICE_OF_OPT_OUT = {
    "sale_opt_out": "sale_opt_out_notice",
    "sharing_opt_out": "sharing_opt_out_notice",
    "targeted_advertising_opt_out": "targeted_advertising_opt_out_notice",
}


def _api_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


@dataclass(frozen=True)
class GPPString:
    """The sections a GPP string carries; absent sections are ``None``."""

    tcfeuv2: tcf.TCString | None = None
    usnat: UsNat | None = None

    @property
    def section_ids(self) -> tuple[int, ...]:
        return tuple(i for i, s in ((TCFEUV2_ID, self.tcfeuv2), (USNAT_ID, self.usnat)) if s is not None)


def header(section_ids: tuple[int, ...]) -> str:
    """The header of a GPP string whose sections are ``section_ids``, in order."""
    bits = BitWriter()
    bits.uint(HEADER_TYPE, 6)
    bits.uint(GPP_VERSION, 6)
    bits.fibonacci_range(section_ids)
    return bits.base64url(*PADDING)


def encode(gpp: GPPString) -> str:
    parts = [header(gpp.section_ids)]
    if gpp.tcfeuv2 is not None:
        try:
            parts.append(tcf.encode(gpp.tcfeuv2))
        except TCStringError as e:
            raise GPPStringError(f"tcfeuv2 section: {e.message}", e.field) from e
    if gpp.usnat is not None:
        parts.append(_encode_usnat(gpp.usnat))
    return "~".join(parts)


def _encode_usnat(usnat: UsNat) -> str:
    _check_usnat(usnat)
    core = BitWriter()
    core.uint(USNAT_VERSION, 6)
    for name, _, count in _LAYOUT:
        for value in getattr(usnat, name) if count else [getattr(usnat, name)]:
            core.uint(value, 2)
    if usnat.gpc is None:
        return core.base64url(*PADDING)
    gpc = BitWriter()
    gpc.uint(GPC_SUBSECTION, 2)
    gpc.flag(usnat.gpc)
    return f"{core.base64url(*PADDING)}.{gpc.base64url(*PADDING)}"


def _check_usnat(usnat: UsNat) -> None:
    for name, kind, count in _LAYOUT:
        value = getattr(usnat, name)
        values = value if count and isinstance(value, tuple | list) else [value]
        if (count and len(values) != count) or any(v not in set(kind) for v in values):
            raise GPPStringError(f"usnat.{name} must be {count or 'one'} of {[int(m) for m in kind]}", name)
    if usnat.mspa_covered_transaction == Mspa.NOT_APPLICABLE:
        raise GPPStringError("usnat.mspa_covered_transaction must be YES or NO", "mspa_covered_transaction")
    for choice, notice in NOTICE_OF_OPT_OUT.items():
        if getattr(usnat, notice) == Notice.NOT_APPLICABLE and getattr(usnat, choice) != OptOut.NOT_APPLICABLE:
            raise GPPStringError(f"usnat.{choice} must be NOT_APPLICABLE when {notice} is", choice)
    if usnat.gpc is not None and not isinstance(usnat.gpc, bool):
        raise GPPStringError("usnat.gpc must be true, false or absent", "gpc")


def decode(text: str) -> GPPString:
    """Read a GPP string holding ``tcfeuv2`` and/or ``usnat``; any other section is refused."""
    if not isinstance(text, str) or not text:
        raise GPPStringError("a GPP string is required")
    header, *sections = text.split("~")
    reader = BitReader(header, GPPStringError, "GPP header")
    kind, version = reader.uint(6), reader.uint(6)
    if (kind, version) != (HEADER_TYPE, GPP_VERSION):
        raise reader.fail(f"type {kind} version {version} is not a GPP v{GPP_VERSION} header")
    ids = sorted(reader.fibonacci_range(MAX_SECTION_ID))
    reader.finish()
    if len(ids) != len(sections):
        raise GPPStringError(f"GPP header lists {len(ids)} sections but {len(sections)} follow")
    found: dict[str, Any] = {}
    for section_id, section in zip(ids, sections, strict=True):
        if section_id == TCFEUV2_ID:
            found["tcfeuv2"] = _decode_tc_string(section)
        elif section_id == USNAT_ID:
            found["usnat"] = _decode_usnat(section)
        else:
            raise GPPStringError(f"GPP section {section_id} is not supported (only 2 tcfeuv2 and 7 usnat)")
    return GPPString(**found)


def _decode_tc_string(section: str) -> tcf.TCString:
    try:
        return tcf.decode(section)
    except TCStringError as e:
        raise GPPStringError(f"tcfeuv2 section: {e.message}", e.field) from e


def _decode_usnat(section: str) -> UsNat:
    core_text, *subsections = section.split(".")
    if len(subsections) > 1:
        raise GPPStringError(f"usnat has {len(subsections)} subsections after the core; only GPC exists")
    core = BitReader(core_text, GPPStringError, "usnat core subsection")
    version = core.uint(6)
    if version != USNAT_VERSION:
        raise core.fail(f"version {version} is not supported (only {USNAT_VERSION})")
    values: dict[str, Any] = {name: _read_values(core, name, kind, count) for name, kind, count in _LAYOUT}
    core.finish()
    if subsections:
        gpc = BitReader(subsections[0], GPPStringError, "usnat GPC subsection")
        if gpc.uint(2) != GPC_SUBSECTION:
            raise gpc.fail(f"subsection type is not {GPC_SUBSECTION} (GPC)")
        values["gpc"] = gpc.flag()
        gpc.finish()
    return UsNat(**values)


def _read_values(reader: BitReader, name: str, kind: type[enum.IntEnum], count: int) -> Any:
    raw = [reader.uint(2) for _ in range(count or 1)]
    if any(value not in set(kind) for value in raw):
        raise reader.fail(f"{_api_name(name)} value {raw} is undefined")
    values = tuple(kind(value) for value in raw)
    return values if count else values[0]
