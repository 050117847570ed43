"""TC strings on their own: round trips, the specification's example, strictness, policy rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import assert_decodes_or_refuses
from hypothesis import given
from hypothesis import strategies as st
from iab_strategies import tc_strings

from banner.core.iab import tcf
from banner.core.iab.bits import ALPHABET
from banner.core.iab.errors import TCStringError
from banner.web.errors import status_of

DAY = datetime(2026, 3, 5, tzinfo=UTC)
SPEC_EXAMPLE = "CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA"
R = tcf.RestrictionType


def simple(**changes: Any) -> tcf.TCString:
    fields: dict[str, Any] = {
        "created": DAY,
        "last_updated": DAY,
        "cmp_id": 300,
        "cmp_version": 2,
        "vendor_list_version": 120,
        "purpose_consents": frozenset({1, 2}),
        "vendor_consents": frozenset({21}),
        "disclosed_vendors": frozenset({21, 77}),
    }
    return tcf.TCString(**fields | changes)


@given(tc_strings())
def test_every_allowed_tc_string_round_trips(tc: tcf.TCString) -> None:
    text = tcf.encode(tc)
    assert tcf.decode(text) == tc
    assert all(len(segment) % 4 == 0 for segment in text.split("."))  # whole bytes, no '='


def test_the_specifications_example_string_decodes() -> None:
    tc = tcf.decode(SPEC_EXAMPLE)
    assert (tc.cmp_id, tc.vendor_list_version, tc.publisher_cc, tc.consent_language) == (880, 48, "DE", "EN")
    assert tc.created == tc.last_updated == datetime(2025, 6, 3, tzinfo=UTC)
    assert tc.vendor_consents == {1, 2, 3, 4}
    assert tc.disclosed_vendors == {1, 2, 3, 4, 5, 100, 404}
    assert tc.publisher_tc == tcf.PublisherTC()


def test_disclosed_vendors_are_always_written_and_publisher_tc_only_when_given() -> None:
    assert [s[0] for s in tcf.encode(simple()).split(".")] == ["C", "I"]
    assert len(tcf.encode(simple(publisher_tc=tcf.PublisherTC())).split(".")) == 3
    assert (
        tcf.decode(tcf.encode(simple(disclosed_vendors=frozenset(), vendor_consents=frozenset()))).disclosed_vendors
        == set()
    )


def test_empty_sets_and_the_largest_vendor_id() -> None:
    empty = simple(purpose_consents=frozenset(), vendor_consents=frozenset(), disclosed_vendors=frozenset())
    assert tcf.decode(tcf.encode(empty)) == empty
    top = simple(
        vendor_consents=frozenset({65535}), vendor_li=frozenset({1, 65535}), disclosed_vendors=frozenset({1, 65535})
    )
    assert tcf.decode(tcf.encode(top)) == top
    assert len(tcf.encode(top)) < 120  # ranges, not 65535-bit fields


def test_day_stamp_is_midnight_utc_of_the_instant() -> None:
    late_in_paris = datetime(2026, 3, 6, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert tcf.day_stamp(late_in_paris) == DAY


def _core_bits(text: str) -> str:
    return "".join(format(ALPHABET.index(c), "06b") for c in text.split(".")[0])


def _letters(bits: str) -> str:
    bits += "0" * (-len(bits) % 24)
    return "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


def _with_core_bit(text: str, index: int, bit: str) -> str:
    core = _core_bits(text)
    return ".".join([_letters(core[:index] + bit + core[index + 1 :]), *text.split(".")[1:]])


GOOD = tcf.encode(simple())
CORE, DISCLOSED = GOOD.split(".")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "required"),
        ("CQSbk4A", "ends early"),
        (CORE[:40] + "." + DISCLOSED, "ends early"),
        (CORE, "no Disclosed Vendors segment"),
        (CORE + ".", "not base64url"),
        (CORE + "=." + DISCLOSED, "not base64url"),
        ("B" + CORE[1:] + "." + DISCLOSED, "version 1 is not supported"),
        ("D" + CORE[1:] + "." + DISCLOSED, "version 3 is not supported"),
        (_with_core_bit(GOOD, 138, "0"), "IsServiceSpecific is 0"),
        (CORE + "AAAA." + DISCLOSED, "unexpected bits"),
        (CORE + "." + DISCLOSED + "." + DISCLOSED, "unknown, retired or repeated"),
        (CORE + ".QAAA." + DISCLOSED, "segment type 2"),
        (CORE + "." + DISCLOSED + ".YAAAAAAA", "ends early"),
        (_letters(_core_bits(GOOD)[:108] + "111111" + _core_bits(GOOD)[114:]) + "." + DISCLOSED, "outside A-Z"),
    ],
)
def test_bad_strings_raise_a_tc_string_error_that_says_why(text: str, problem: str) -> None:
    with pytest.raises(TCStringError, match=problem) as caught:
        tcf.decode(text)
    assert caught.value.code == "invalid_tc_string" and status_of(caught.value) == 400


@given(st.text(ALPHABET + ".", max_size=120))
def test_any_text_decodes_or_raises_a_tc_string_error(text: str) -> None:
    assert_decodes_or_refuses(tcf.decode, text, TCStringError)


@given(tc_strings(with_restrictions=False), st.data())
def test_a_cut_string_never_raises_anything_but_a_tc_string_error(tc: tcf.TCString, data: st.DataObject) -> None:
    text = tcf.encode(tc)
    assert_decodes_or_refuses(tcf.decode, text[: data.draw(st.integers(0, len(text) - 1))], TCStringError)


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"cmp_id": 1}, "cmp_id", "from 2 to 4095"),
        ({"cmp_version": 4096}, "cmp_version", "from 0 to 4095"),
        ({"consent_screen": 64}, "consent_screen", "from 0 to 63"),
        ({"vendor_list_version": 0}, "vendor_list_version", "from 1"),
        ({"policy_version": 6}, "policy_version", "from 4 to 5"),
        ({"policy_version": 3}, "policy_version", "from 4 to 5"),
        ({"consent_language": "FRA"}, "consent_language", "two letters"),
        ({"publisher_cc": "F1"}, "publisher_cc", "two letters"),
        ({"purpose_consents": frozenset({12})}, "purpose_consents", "outside 1-11"),
        ({"special_feature_opt_ins": frozenset({3})}, "special_feature_opt_ins", "outside 1-2"),
        ({"purpose_li_transparency": frozenset({2, 3})}, "purpose_li_transparency", r"\[3\] rest on consent only"),
        ({"purpose_li_transparency": frozenset({1})}, "purpose_li_transparency", "consent only"),
        ({"vendor_consents": frozenset({0})}, "vendor_consents", "outside 1-65535"),
        ({"vendor_li": frozenset({65536})}, "vendor_li", "outside 1-65535"),
        ({"vendor_consents": frozenset({99})}, "disclosed_vendors", r"\[99\] have a signal but were not disclosed"),
        ({"created": datetime(2026, 3, 5, 9, tzinfo=UTC)}, "created", "UTC day"),
        ({"created": datetime(2026, 3, 5)}, "created", "UTC day"),
        ({"last_updated": DAY + timedelta(days=1)}, "created", "same day-level"),
        (
            {"publisher_restrictions": (tcf.PublisherRestriction(1, R.REQUIRE_CONSENT, frozenset({21})),)},
            "publisher_restrictions",
            "purpose 1 is never flexible",
        ),
        (
            {"publisher_restrictions": (tcf.PublisherRestriction(4, R.REQUIRE_LI, frozenset({21})),)},
            "publisher_restrictions",
            "cannot require legitimate interest",
        ),
        (
            {"publisher_restrictions": (tcf.PublisherRestriction(2, R.NOT_ALLOWED, frozenset()),)},
            "publisher_restrictions",
            "needs a type and vendors",
        ),
        (
            {
                "publisher_restrictions": (
                    tcf.PublisherRestriction(2, R.NOT_ALLOWED, frozenset({21})),
                    tcf.PublisherRestriction(2, R.REQUIRE_LI, frozenset({21, 77})),
                )
            },
            "publisher_restrictions",
            "vendor 21 has two restrictions on purpose 2",
        ),
        (
            {"publisher_tc": tcf.PublisherTC(num_custom_purposes=2, custom_purpose_consents=frozenset({3}))},
            "publisher_tc.custom_purpose_consents",
            "outside 1-2",
        ),
        (
            {"publisher_tc": tcf.PublisherTC(purpose_li_transparency=frozenset({5}))},
            "publisher_tc.purpose_li_transparency",
            "consent only",
        ),
        ({"publisher_tc": tcf.PublisherTC(num_custom_purposes=64)}, "publisher_tc.num_custom_purposes", "0 to 63"),
    ],
)
def test_the_encoder_refuses_what_the_policy_forbids(changes: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(TCStringError, match=problem) as caught:
        tcf.encode(simple(**changes))
    assert caught.value.field == field


def test_restrictions_on_distinct_vendors_or_purposes_are_allowed() -> None:
    tc = simple(
        publisher_restrictions=(
            tcf.PublisherRestriction(2, R.REQUIRE_CONSENT, frozenset({21})),
            tcf.PublisherRestriction(2, R.REQUIRE_LI, frozenset({77})),
            tcf.PublisherRestriction(7, R.NOT_ALLOWED, frozenset({21, 22, 23, 900})),
        )
    )
    assert tcf.decode(tcf.encode(tc)) == tc
