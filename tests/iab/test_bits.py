"""The shared bit primitives, checked against the worked examples in the IAB's specifications."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from banner.core.iab.bits import ALPHABET, BitReader, BitWriter, runs
from banner.core.iab.errors import GPPStringError, TCStringError


def written(method: str, *args: object) -> str:
    out = BitWriter()
    getattr(out, method)(*args)
    return out.bits


def reader(bits: str) -> BitReader:
    """A reader over ``bits``, zero-padded to whole letters as real strings are."""
    bits += "0" * (-len(bits) % 6)
    text = "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))
    return BitReader(text, TCStringError, "test")


@pytest.mark.parametrize(
    ("value", "code"),
    [(1, "11"), (2, "011"), (3, "0011"), (4, "1011"), (5, "00011"), (6, "10011"), (7, "01011"), (12, "101011")],
)
def test_fibonacci_codes_are_the_specifications_table(value: int, code: str) -> None:
    assert written("fibonacci", value) == code
    assert reader(code).fibonacci() == value


@pytest.mark.parametrize(
    ("sections", "header"),
    [([2], "DBABM"), ([2, 6], "DBACNY"), ([5, 6], "DBABjw")],  # the GPP spec's header examples
)
def test_gpp_header_examples_from_the_specification(sections: list[int], header: str) -> None:
    out = BitWriter()
    out.uint(3, 6)
    out.uint(1, 6)
    out.fibonacci_range(sections)
    assert out.base64url(6) == header
    read = BitReader(header, GPPStringError, "header")
    assert (read.uint(6), read.uint(6), sorted(read.fibonacci_range(64))) == (3, 1, sections)


def test_runs_group_consecutive_ids() -> None:
    assert runs([7, 1, 3, 2, 9, 8]) == [(1, 3), (7, 9)]
    assert runs([]) == []


def test_an_id_set_picks_the_shorter_form() -> None:
    bit_field = written("id_set", frozenset({1, 3}))
    assert bit_field == "0000000000000011" + "0" + "101"
    one_run = written("id_set", frozenset(range(100, 201)))
    assert one_run[16] == "1" and len(one_run) == 16 + 1 + 12 + 33


def test_padding_to_24_bits_and_to_bytes_then_letters() -> None:
    out = BitWriter()
    out.uint(5, 7)
    assert out.base64url(24) == "CgAA"
    assert out.base64url(8, 6) == "Cg"


def test_deciseconds_and_letters_round_trip() -> None:
    moment = datetime(2026, 3, 5, tzinfo=UTC)
    out = BitWriter()
    out.deciseconds(moment)
    out.letters("fr")
    read = reader(out.bits)
    assert (read.deciseconds(), read.letters(2)) == (moment, "FR")


@given(st.integers(1, 10**8))
def test_any_positive_integer_survives_fibonacci_coding(value: int) -> None:
    code = written("fibonacci", value)
    assert code.endswith("11") and "11" not in code[:-1]
    assert reader(code).fibonacci() == value


@given(st.frozensets(st.integers(1, 3000), max_size=80))
def test_id_sets_and_fibonacci_ranges_round_trip(ids: frozenset[int]) -> None:
    assert reader(written("id_set", ids)).id_set() == ids
    assert reader(written("fibonacci_range", ids)).fibonacci_range(3000) == ids
    assert reader(written("range_entries", ids)).range_entries() == ids


@pytest.mark.parametrize(
    ("bits", "read", "problem"),
    [
        ("0101", lambda r: r.uint(12), "ends early"),
        ("11" + "0" * 10, lambda r: r.letters(2), "outside A-Z"),
        ("0" * 45, lambda r: r.fibonacci(), "longer than 40 bits"),
        ("000000000001" + "1" + "0000000000000101" + "0000000000000011", lambda r: r.range_entries(), "not within"),
        ("0000000000000010" + "1" + "000000000001" + "0" + "0000000000000011", lambda r: r.id_set(), "not within 1-2"),
        ("000000000001" + "0" + "11", lambda r: r.fibonacci_range(0), "above the largest"),
    ],
)
def test_impossible_values_raise_the_callers_error(bits: str, read: object, problem: str) -> None:
    with pytest.raises(TCStringError, match=problem):
        read(reader(bits))  # type: ignore[operator]


def test_only_zero_padding_may_follow_the_last_field() -> None:
    BitReader("AAA", TCStringError, "t").finish()
    with pytest.raises(TCStringError, match="18 unexpected bits"):
        BitReader("AAB", TCStringError, "t").finish()
    with pytest.raises(TCStringError, match="24 unexpected bits"):
        BitReader("AAAA", TCStringError, "t").finish()


@pytest.mark.parametrize("text", ["", "abc=", "ab+c", "a b", "é"])
def test_text_that_is_not_base64url_is_refused(text: str) -> None:
    with pytest.raises(GPPStringError, match="not base64url"):
        BitReader(text, GPPStringError, "section")
