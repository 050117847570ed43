"""Checking one site of an archive: its manifest, its chain, and every file it lists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from banner.archive.chain import GENESIS, day_link
from banner.archive.disk import DAY_FILE_RE, MANIFEST, file_digest, index_name, listed_files, read_lines
from banner.archive.index import build_index
from banner.archive.lines import read_line
from banner.archive.manifest import DayFile, Manifest, parse_manifest
from banner.archive.report import Problem, SiteReport

#: An erasure as both the tombstone and the manifest's log tell it: (day, id, hash, erased at).
Erased = tuple[str, str, str, str]


@dataclass
class DayScan:
    """What a day file holds, read line by line."""

    lines: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    ids: list[str] = field(default_factory=list)
    erased: set[Erased] = field(default_factory=set)


class SiteCheck:
    """Collects every problem of one site; :meth:`run` answers its :class:`SiteReport`."""

    def __init__(self, root: Path, site: str, public_key: str) -> None:
        self.root, self.site, self.public_key = root, site, public_key
        self.problems: list[Problem] = []
        self.records = self.tombstones = 0

    def run(self) -> SiteReport:
        manifest = self._manifest()
        if manifest is None:
            return SiteReport(self.site, problems=tuple(self.problems))
        self._chain(manifest)
        erased: set[Erased] = set()
        for day in manifest.days:
            erased |= self._day(day)
        self._erasure_log(manifest, erased)
        for name in sorted({p.name for p in (self.root / self.site).iterdir()} - listed_files(manifest)):
            self._problem(name, "not listed in the manifest (added, or left by an interrupted write)")
        return SiteReport(
            self.site, len(manifest.days), self.records, self.tombstones, manifest.head, tuple(self.problems)
        )

    def _problem(self, name: str, what: str, day: str | None = None) -> None:
        self.problems.append(Problem(f"{self.site}/{name}" if name else self.site, what, day))

    def _manifest(self) -> Manifest | None:
        try:
            manifest = parse_manifest((self.root / self.site / MANIFEST).read_bytes(), self.public_key)
        except (FileNotFoundError, NotADirectoryError):
            self._problem(MANIFEST, "missing")
            return None
        except (ValueError, RecursionError) as error:
            self._problem(MANIFEST, str(error))
            return None
        if manifest.site != self.site:
            self._problem(MANIFEST, f"is the manifest of site {manifest.site!r}")
        return manifest

    def _chain(self, manifest: Manifest) -> None:
        prev, last = GENESIS, ""
        for day in manifest.days:
            before = last or "the start of the chain"
            if not _is_day(day.day) or day.day <= last:
                self._problem(MANIFEST, f"day out of order or malformed (after {before})", day.day)
            if day.prev != prev:
                self._problem(MANIFEST, f"does not link to the day before ({before})", day.day)
            if day.link != day_link(self.site, day.day, day.records, day.digest, day.prev):
                self._problem(MANIFEST, "its link is not the hash of its header", day.day)
            match = DAY_FILE_RE.match(day.file)
            if not match or match.group(1) != day.day:
                self._problem(MANIFEST, f"names {day.file!r}, not a file of this day", day.day)
            prev, last = day.link, day.day

    def _day(self, day: DayFile) -> set[Erased]:
        if not _is_day(day.day) or not DAY_FILE_RE.match(day.file):
            return set()  # reported with the chain; never a path to follow
        path = self.root / self.site / day.file
        if not path.is_file():
            self._problem(day.file, "missing", day.day)
            return set()
        if file_digest(path) != (day.file_bytes, day.file_sha256):
            self._problem(day.file, "changed: its size or SHA-256 is not the sealed one", day.day)
        scan = self._scan(path, day)
        if scan is None:
            return set()
        held = scan.lines - len(scan.erased)
        if (scan.lines, len(scan.erased)) != (day.records, day.tombstones):
            self._problem(day.file, f"holds {held} records and {len(scan.erased)} tombstones, not as sealed", day.day)
        if scan.digest.hexdigest() != day.digest:
            self._problem(day.file, "its record hashes do not give the sealed digest", day.day)
        self.records += held
        self.tombstones += len(scan.erased)
        self._index(day, scan.ids)
        return scan.erased

    def _scan(self, path: Path, day: DayFile) -> DayScan | None:
        scan = DayScan()
        try:
            for raw in read_lines(path):
                entry = read_line(raw)
                scan.lines += 1
                scan.digest.update(bytes.fromhex(entry.hash))
                scan.ids.append(entry.id)
                if entry.erased_at is not None:
                    scan.erased.add((day.day, entry.id, entry.hash, entry.erased_at))
        except (OSError, ValueError, RecursionError) as error:
            self._problem(day.file, f"line {scan.lines + 1}: {error}", day.day)
            return None
        return scan

    def _index(self, day: DayFile, ids: list[str]) -> None:
        name = index_name(day.day)
        try:
            data = (self.root / self.site / name).read_bytes()
        except FileNotFoundError:
            self._problem(name, "missing", day.day)
            return
        if hashlib.sha256(data).hexdigest() != day.index_sha256:
            self._problem(name, "changed: its SHA-256 is not the sealed one", day.day)
        if data != build_index(ids):
            self._problem(name, "does not index the day file's lines", day.day)

    def _erasure_log(self, manifest: Manifest, erased: set[Erased]) -> None:
        logged = {(e.day, e.id, e.hash, e.erased_at) for e in manifest.erasures}
        for day, consent_id, _, _ in sorted(erased - logged):
            self._problem(MANIFEST, f"the tombstone of {consent_id!r} is not in the erasure log", day)
        for day, consent_id, _, _ in sorted(logged - erased):
            self._problem(MANIFEST, f"logs the erasure of {consent_id!r} but the day holds no such tombstone", day)


def _is_day(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False
