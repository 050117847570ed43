"""Bit-level primitives shared by the TCF and GPP codecs.

Both standards write big-endian bit sequences and carry them as base64url without ``=``:
fixed-width integers, booleans, bit fields indexed from id 1, 6-bit letters (``A`` = 0),
36-bit decisecond timestamps, Fibonacci-coded integers and ranges (GPP), and the TCF's
"bit field or range, whichever is shorter" id sets. A :class:`BitReader` raises the caller's
own error type (TC or GPP), so a bad string never surfaces as an ``IndexError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from banner.core.errors import InvalidInput

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE_OF = {char: index for index, char in enumerate(ALPHABET)}
_BASE64URL_RE = re.compile(r"[A-Za-z0-9_-]+\Z")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DECISECOND = timedelta(milliseconds=100)
ID_WIDTH = 16  # vendor ids in TCF id sets and range entries
COUNT_WIDTH = 12  # number of range entries
MAX_FIBONACCI_BITS = 40  # ample for any id; bounds the work a hostile string can cause
MAX_ID = (1 << ID_WIDTH) - 1


def runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ids as inclusive runs of consecutive values: ``{1, 2, 3, 7}`` -> ``[(1, 3), (7, 7)]``."""
    result: list[tuple[int, int]] = []
    for value in sorted(set(ids)):
        if result and result[-1][1] == value - 1:
            result[-1] = (result[-1][0], value)
        else:
            result.append((value, value))
    return result


def _fibonacci_numbers(limit: int) -> list[int]:
    """1, 2, 3, 5, 8 ... up to ``limit``: the place values of a Fibonacci code."""
    numbers, following = [1], 2
    while following <= limit:
        numbers.append(following)
        following += numbers[-2]
    return numbers


_PLACES = _fibonacci_numbers(1 << MAX_FIBONACCI_BITS)


class BitWriter:
    """Appends fields to a bit sequence; values are validated by the codec before they get here."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    @property
    def bits(self) -> str:
        return "".join(self._parts)

    def uint(self, value: int, width: int) -> None:
        if not 0 <= value < (1 << width):
            raise ValueError(f"{value} does not fit in {width} bits")
        self._parts.append(format(value, f"0{width}b"))

    def flag(self, value: bool) -> None:
        self._parts.append("1" if value else "0")

    def bitfield(self, ids: Iterable[int], width: int) -> None:
        """One bit per id from 1 to ``width``; the first bit is id 1."""
        chosen = set(ids)
        self._parts.append("".join("1" if i in chosen else "0" for i in range(1, width + 1)))

    def letters(self, text: str) -> None:
        for char in text.upper():
            self.uint(ord(char) - ord("A"), 6)

    def deciseconds(self, moment: datetime) -> None:
        self.uint(round((moment - EPOCH) / DECISECOND), 36)

    def fibonacci(self, value: int) -> None:
        """Zeckendorf digits, smallest place first, closed by the extra ``1`` that makes ``11``."""
        if value < 1:
            raise ValueError(f"Fibonacci coding needs a positive integer, not {value}")
        numbers = _fibonacci_numbers(value)
        digits = ["0"] * len(numbers)
        for place in range(len(numbers) - 1, -1, -1):
            if numbers[place] <= value:
                digits[place] = "1"
                value -= numbers[place]
        self._parts.append("".join(digits) + "1")

    def fibonacci_range(self, ids: Iterable[int]) -> None:
        """GPP ``Range(Fibonacci)``: a 12-bit count, then runs as offsets from the previous id."""
        groups = runs(ids)
        self.uint(len(groups), COUNT_WIDTH)
        previous = 0
        for start, end in groups:
            self.flag(start != end)
            self.fibonacci(start - previous)
            if start != end:
                self.fibonacci(end - start)
            previous = end

    def range_entries(self, ids: Iterable[int]) -> None:
        """TCF ``NumEntries`` plus one entry per run: ``IsARange``, start and (for a run) end id."""
        groups = runs(ids)
        self.uint(len(groups), COUNT_WIDTH)
        for start, end in groups:
            self.flag(start != end)
            self.uint(start, ID_WIDTH)
            if start != end:
                self.uint(end, ID_WIDTH)

    def id_set(self, ids: Iterable[int]) -> None:
        """TCF vendor section: ``MaxVendorId``, ``IsRangeEncoding``, then whichever form is shorter
        (a tie keeps the bit field, the simpler one)."""
        chosen = set(ids)
        max_id = max(chosen, default=0)
        range_bits = COUNT_WIDTH + sum(1 + ID_WIDTH * (1 if a == b else 2) for a, b in runs(chosen))
        self.uint(max_id, ID_WIDTH)
        self.flag(range_bits < max_id)
        if range_bits < max_id:
            self.range_entries(chosen)
        else:
            self.bitfield(chosen, max_id)

    def base64url(self, *multiples: int) -> str:
        """Pad with zeros to each multiple in turn (TCF: 24; GPP: 8 then 6) and encode 6 bits a letter."""
        bits = self.bits
        for multiple in multiples:
            bits += "0" * (-len(bits) % multiple)
        return "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


class BitReader:
    """Reads fields back in order; every shortfall or impossible value raises ``error``."""

    def __init__(self, text: str, error: type[InvalidInput], label: str) -> None:
        if not _BASE64URL_RE.match(text):
            raise error(f"{label} is not base64url (A-Z, a-z, 0-9, '-', '_', no padding): {text[:40]!r}")
        self._bits = "".join(format(_VALUE_OF[char], "06b") for char in text)
        self._position = 0
        self._error = error
        self._label = label

    def fail(self, problem: str) -> InvalidInput:
        return self._error(f"{self._label}: {problem}")

    def take(self, width: int) -> str:
        end = self._position + width
        if end > len(self._bits):
            raise self.fail(f"ends early: {width} more bits needed at bit {self._position}")
        chunk, self._position = self._bits[self._position : end], end
        return chunk

    def uint(self, width: int) -> int:
        return int(self.take(width), 2)

    def flag(self) -> bool:
        return self.take(1) == "1"

    def bitfield(self, width: int) -> frozenset[int]:
        return frozenset(i + 1 for i, bit in enumerate(self.take(width)) if bit == "1")

    def letters(self, count: int) -> str:
        values = [self.uint(6) for _ in range(count)]
        if any(value > 25 for value in values):
            raise self.fail(f"letter codes {values} are outside A-Z")
        return "".join(chr(ord("A") + value) for value in values)

    def deciseconds(self) -> datetime:
        return EPOCH + self.uint(36) * DECISECOND

    def fibonacci(self) -> int:
        digits = ""
        while not digits.endswith("11"):
            if len(digits) >= MAX_FIBONACCI_BITS:
                raise self.fail(f"Fibonacci-coded integer longer than {MAX_FIBONACCI_BITS} bits")
            digits += self.take(1)
        return sum(_PLACES[place] for place, digit in enumerate(digits[:-1]) if digit == "1")

    def fibonacci_range(self, max_id: int) -> frozenset[int]:
        ids: set[int] = set()
        previous = 0
        for _ in range(self.uint(COUNT_WIDTH)):
            is_run = self.flag()
            start = previous + self.fibonacci()
            end = start + self.fibonacci() if is_run else start
            if end > max_id:
                raise self.fail(f"id {end} is above the largest allowed, {max_id}")
            ids.update(range(start, end + 1))
            previous = end
        return frozenset(ids)

    def range_entries(self, max_id: int = MAX_ID) -> frozenset[int]:
        ids: set[int] = set()
        for _ in range(self.uint(COUNT_WIDTH)):
            is_run = self.flag()
            start = self.uint(ID_WIDTH)
            end = self.uint(ID_WIDTH) if is_run else start
            if not 1 <= start <= end <= max_id:
                raise self.fail(f"range entry {start}-{end} is not within 1-{max_id}")
            ids.update(range(start, end + 1))
        return frozenset(ids)

    def id_set(self) -> frozenset[int]:
        max_id = self.uint(ID_WIDTH)
        return self.range_entries(max_id) if self.flag() else self.bitfield(max_id)

    def finish(self) -> None:
        """Only zero padding may follow the last field (under 24 bits, the TCF's widest padding):
        anything else means a wrong layout, or a string that differs from the canonical one."""
        rest = self._bits[self._position :]
        if len(rest) >= 24 or "1" in rest:
            raise self.fail(f"{len(rest)} unexpected bits after the last field")
