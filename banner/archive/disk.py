"""Where an archive's files live, and how they reach the disk without ever being half-written.

Every file is written beside its final name as ``.<name>.tmp``, flushed and fsync'd, renamed over
the final name, and the directory is fsync'd: after a crash a name holds either its old bytes or
its new ones. Several files change together (a day file, its index, the manifest), so the
manifest is always renamed last: until then nothing that readers or ``verify`` trust points at
the new files. What an interrupted write leaves behind (temp files, day files no manifest lists,
a day file an erasure replaced) is swept by the next write or erasure of that site.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from banner.archive.manifest import Manifest

ROOT_FILE = "archive.json"
MANIFEST = "manifest.json"
DAY_FILE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\.([1-9]\d*))?\.jsonl\.gz\Z")
INDEX_RE = re.compile(r"\d{4}-\d{2}-\d{2}\.idx\Z")
TEMP_RE = re.compile(r"\..+\.tmp\Z")
LEFTOVER_KINDS = (TEMP_RE, DAY_FILE_RE, INDEX_RE)
CHUNK = 1 << 20


def day_file_name(day: str, generation: int = 0) -> str:
    """``2024-01-31.jsonl.gz`` as first written; each erasure writes the next generation (``.1``, ...)."""
    return f"{day}.{generation}.jsonl.gz" if generation else f"{day}.jsonl.gz"


def generation_of(name: str) -> int:
    match = DAY_FILE_RE.match(name)
    return int(match.group(2) or 0) if match else 0


def index_name(day: str) -> str:
    return f"{day}.idx"


def listed_files(manifest: Manifest) -> set[str]:
    """Every file name a site directory should hold, according to its manifest."""
    return {MANIFEST} | {day.file for day in manifest.days} | {index_name(day.day) for day in manifest.days}


def _temp_of(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    temp = _temp_of(path)
    with open(temp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)
    sync_dir(path.parent)


def write_day_file(path: Path, lines: Iterable[bytes]) -> tuple[int, str]:
    """Stream ``lines`` into ``path`` as one gzip member (level 9, mtime 0); answers its size and SHA-256."""
    temp = _temp_of(path)
    try:
        with open(temp, "wb") as out:
            with gzip.GzipFile(filename="", fileobj=out, mode="wb", compresslevel=9, mtime=0) as packed:
                for line in lines:
                    packed.write(line + b"\n")
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    size, digest = file_digest(temp)
    os.replace(temp, path)
    sync_dir(path.parent)
    return size, digest


def read_lines(path: Path) -> Iterator[bytes]:
    """The lines of a day file, without their newline; ``ValueError`` if it is not whole, readable gzip."""
    try:
        with gzip.open(path, "rb") as packed:
            for line in packed:
                if not line.endswith(b"\n"):
                    raise ValueError("the last line is not terminated")
                yield line[:-1]
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ValueError(f"not a readable gzip file: {error}") from error


def file_digest(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as data:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """One writer at a time per archive (an flock on the root directory: no lock file to verify)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def sweep(directory: Path, keep: set[str], kinds: tuple[re.Pattern[str], ...] = LEFTOVER_KINDS) -> None:
    """Remove what interrupted writes left in ``directory``; files of other kinds are left to ``verify``."""
    leftovers = [
        path
        for path in directory.iterdir()
        if path.name not in keep and path.is_file() and any(kind.match(path.name) for kind in kinds)
    ]
    for path in leftovers:
        path.unlink()
    if leftovers:
        sync_dir(directory)
