"""Errors the archive raises on purpose; each says what was refused and why."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class: the archive refused an operation and left what is on disk unchanged."""


class InvalidRecord(ArchiveError):
    """A record handed to :func:`~banner.archive.write_day` cannot be archived (no id, not JSON, ...)."""


class DayOrderError(ArchiveError):
    """A day that is already archived, or earlier than the chain head: days are appended in order."""


class KeyMismatch(ArchiveError):
    """The archive is sealed by another key than the one derived from this secret."""


class CorruptArchive(ArchiveError):
    """What is on disk does not match its seal, so it is not extended or re-sealed.

    ``file`` names the file at fault, relative to the archive root.
    """

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem
