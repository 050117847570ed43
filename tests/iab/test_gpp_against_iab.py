"""Our GPP strings against the IAB's ``@iabgpp/cmpapi`` GppModel: each side reads the other's."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from conftest import IabCodec, IabRefused
from hypothesis import given, settings
from hypothesis import strategies as st
from iab_strategies import tc_strings, usnat_sections

from banner.core.iab import gpp, tcf
from banner.core.iab.errors import GPPStringError

EXAMPLES = settings(max_examples=200, deadline=None)


def iab_usnat_fields(usnat: gpp.UsNat) -> dict[str, Any]:
    """What to set on the IAB's model: its field names, and whether the GPC subsection is written."""
    fields = usnat.parsed_section()
    del fields["Version"]
    fields.pop("GpcSegmentType", None)
    return fields | {"GpcSegmentIncluded": usnat.gpc is not None, "Gpc": bool(usnat.gpc)}


@EXAMPLES
@given(usnat_sections())
def test_the_iab_model_reads_our_usnat_as_we_meant_it(iab: IabCodec, usnat: gpp.UsNat) -> None:
    text = gpp.encode(gpp.GPPString(usnat=usnat))
    decoded = iab.call("gpp.decode", string=text)
    assert decoded["sectionIds"] == [7]
    assert decoded["gpcIncluded"] is (usnat.gpc is not None)
    # Without the subsection the IAB model still answers its defaults for the GPC fields.
    assert decoded["usnat"] == {"GpcSegmentType": 1, "Gpc": False} | usnat.parsed_section()
    assert decoded["tcfeuv2"] is None


@EXAMPLES
@given(usnat_sections())
def test_our_decoder_reads_the_iab_models_usnat(iab: IabCodec, usnat: gpp.UsNat) -> None:
    text = iab.call("gpp.encode", usnat=iab_usnat_fields(usnat))["string"]
    assert gpp.decode(text) == gpp.GPPString(usnat=usnat)
    assert gpp.encode(gpp.GPPString(usnat=usnat)) == text  # the very same string, padding included


@settings(max_examples=60, deadline=None)
@given(tc_strings(), st.one_of(st.none(), usnat_sections()))
def test_a_tc_string_travels_in_section_2_both_ways(iab: IabCodec, tc: tcf.TCString, usnat: gpp.UsNat | None) -> None:
    ours = gpp.encode(gpp.GPPString(tcfeuv2=tc, usnat=usnat))
    decoded = iab.call("gpp.decode", string=ours)
    assert decoded["sectionIds"] == [2] + ([7] if usnat else [])
    section = decoded["tcfeuv2"]
    assert (section["CmpId"], section["VendorListVersion"], section["PolicyVersion"]) == (
        tc.cmp_id,
        tc.vendor_list_version,
        tc.policy_version,
    )
    assert section["VendorConsents"] == sorted(tc.vendor_consents)
    assert section["VendorsDisclosed"] == sorted(tc.disclosed_vendors)
    assert [i + 1 for i, on in enumerate(section["PurposeConsents"]) if on] == sorted(tc.purpose_consents)

    theirs = iab.call("gpp.encode", usnat=iab_usnat_fields(usnat) if usnat else None, tcfeuv2=tcf.encode(tc))
    # The IAB model re-encodes the TC string itself, always with a Publisher TC segment.
    expected = replace(tc, publisher_tc=tc.publisher_tc or tcf.PublisherTC())
    assert gpp.decode(theirs["string"]) == gpp.GPPString(tcfeuv2=expected, usnat=usnat)


@pytest.mark.parametrize(
    ("usnat", "expected"),
    [
        (gpp.UsNat(), "DBABLA~CAAAAAAAAACA"),
        (
            gpp.UsNat(
                sale_opt_out_notice=gpp.Notice.PROVIDED,
                sale_opt_out=gpp.OptOut.OPTED_OUT,
                mspa_covered_transaction=gpp.Mspa.YES,
                gpc=True,
            ),
            "DBABLA~CEAQAAAAAABA.YA",
        ),
    ],
)
def test_fixed_strings_match_the_iab_model_exactly(iab: IabCodec, usnat: gpp.UsNat, expected: str) -> None:
    assert gpp.encode(gpp.GPPString(usnat=usnat)) == expected
    assert iab.call("gpp.encode", usnat=iab_usnat_fields(usnat))["string"] == expected


def test_a_header_that_lists_more_sections_than_follow_is_refused_by_both(iab: IabCodec) -> None:
    text = "DBACMMA~CAAAAAAAAACA"  # header says sections 2 and 7; only one follows
    with pytest.raises(GPPStringError):
        gpp.decode(text)
    with pytest.raises(IabRefused):
        iab.call("gpp.decode", string=text)
