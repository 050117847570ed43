"""GPP strings on their own: round trips, header and section strictness, usnat rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import assert_decodes_or_refuses
from hypothesis import given
from hypothesis import strategies as st
from iab_strategies import tc_strings, usnat_sections

from banner.core.iab import gpp, tcf
from banner.core.iab.bits import ALPHABET
from banner.core.iab.errors import GPPStringError
from banner.web.errors import status_of

OPTED_OUT = gpp.UsNat(
    sale_opt_out_notice=gpp.Notice.PROVIDED,
    sharing_opt_out_notice=gpp.Notice.PROVIDED,
    targeted_advertising_opt_out_notice=gpp.Notice.PROVIDED,
    sale_opt_out=gpp.OptOut.OPTED_OUT,
    sharing_opt_out=gpp.OptOut.OPTED_OUT,
    targeted_advertising_opt_out=gpp.OptOut.OPTED_OUT,
    gpc=True,
)
USNAT_ONLY = gpp.encode(gpp.GPPString(usnat=OPTED_OUT))
DAY = datetime(2026, 3, 5, tzinfo=UTC)


@given(st.one_of(st.none(), tc_strings(with_restrictions=False)), st.one_of(st.none(), usnat_sections()))
def test_every_allowed_gpp_string_round_trips(tc: tcf.TCString | None, usnat: gpp.UsNat | None) -> None:
    value = gpp.GPPString(tcfeuv2=tc, usnat=usnat)
    text = gpp.encode(value)
    assert gpp.decode(text) == value
    assert text.count("~") == len(value.section_ids)


def test_section_ids_follow_the_sections_present() -> None:
    tc = tcf.TCString(DAY, DAY, 300, 1, 120)
    assert gpp.GPPString().section_ids == ()
    assert gpp.GPPString(usnat=OPTED_OUT).section_ids == (7,)
    assert gpp.GPPString(tcfeuv2=tc, usnat=OPTED_OUT).section_ids == (2, 7)
    assert gpp.encode(gpp.GPPString()) == "DBAA"
    assert gpp.encode(gpp.GPPString(tcfeuv2=tc)).split("~")[1] == tcf.encode(tc)


def test_parsed_section_uses_the_cmp_api_names() -> None:
    parsed = OPTED_OUT.parsed_section()
    assert parsed["Version"] == 2 and parsed["SaleOptOut"] == 1 and parsed["Gpc"] is True
    assert parsed["SensitiveDataProcessing"] == [0] * 16 and parsed["KnownChildSensitiveDataConsents"] == [0] * 3
    assert "Gpc" not in replace(OPTED_OUT, gpc=None).parsed_section()


def _usnat_core_with(value_bits: str) -> str:
    """A usnat core subsection whose 70 bits after the header are replaced by ``value_bits``."""
    bits = value_bits + "0" * (-len(value_bits) % 24)
    return "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


HEADER, SECTION = USNAT_ONLY.split("~")
CORE, GPC = SECTION.split(".")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "required"),
        ("DBAB", "ends early"),
        ("CBABLA~" + SECTION, "type 2 version 1"),
        ("DCABLA~" + SECTION, "type 3 version 2"),
        (HEADER, "lists 1 sections but 0 follow"),
        (HEADER + "~" + SECTION + "~" + SECTION, "lists 1 sections but 2 follow"),
        ("DBABMA~" + SECTION, "tcfeuv2 section: TC string core segment: ends early"),
        ("DBABTA~1YNN", "section 6 is not supported"),
        ("DBABLA~", "not base64url"),
        (HEADER + "~" + CORE + "." + GPC + "." + GPC, "2 subsections"),
        (HEADER + "~" + _usnat_core_with("000001" + "0" * 64), "version 1 is not supported"),
        (HEADER + "~" + _usnat_core_with("000010" + "11" + "0" * 62), "SharingNotice value \\[3\\] is undefined"),
        (HEADER + "~" + CORE[:6], "ends early"),
        (HEADER + "~" + CORE + ".AA", "subsection type is not 1"),
        (HEADER + "~" + CORE + "AAAA", "unexpected bits"),
    ],
)
def test_bad_strings_raise_a_gpp_string_error_that_says_why(text: str, problem: str) -> None:
    with pytest.raises(GPPStringError, match=problem) as caught:
        gpp.decode(text)
    assert caught.value.code == "invalid_gpp_string" and status_of(caught.value) == 400


@given(st.text(ALPHABET + "~.", max_size=80))
def test_any_text_decodes_or_raises_a_gpp_string_error(text: str) -> None:
    assert_decodes_or_refuses(gpp.decode, text, GPPStringError)


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"sale_opt_out_notice": gpp.Notice.NOT_APPLICABLE}, "sale_opt_out", "NOT_APPLICABLE when"),
        ({"sharing_notice": 3}, "sharing_notice", "one of \\[0, 1, 2\\]"),
        ({"sensitive_data_processing": (gpp.Consent.CONSENT,) * 12}, "sensitive_data_processing", "16 of"),
        ({"known_child_sensitive_data_consents": (0, 1, 4)}, "known_child_sensitive_data_consents", "3 of"),
        ({"known_child_sensitive_data_consents": 2}, "known_child_sensitive_data_consents", "3 of"),
        ({"mspa_covered_transaction": gpp.Mspa.NOT_APPLICABLE}, "mspa_covered_transaction", "YES or NO"),
        ({"gpc": 1}, "gpc", "true, false or absent"),
    ],
)
def test_the_encoder_refuses_impossible_usnat_values(changes: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(GPPStringError, match=problem) as caught:
        gpp.encode(gpp.GPPString(usnat=replace(OPTED_OUT, **changes)))
    assert caught.value.field == field


def test_a_bad_tc_string_inside_is_reported_as_a_gpp_error() -> None:
    bad = tcf.TCString(DAY, DAY, cmp_id=1, cmp_version=1, vendor_list_version=120)
    with pytest.raises(GPPStringError, match="tcfeuv2 section: cmp_id"):
        gpp.encode(gpp.GPPString(tcfeuv2=bad))
