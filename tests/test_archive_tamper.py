"""``verify`` fails on any change to an archive: a flipped byte anywhere, a day removed, forged or moved."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banner.archive import Sealer, erase, verify, write_day
from banner.archive.chain import day_link
from banner.archive.manifest import render
from tests.support.archive import SITE, START, archive_days, archive_files, problems_of, sealer

ATTACKER = Sealer.from_secret("not-the-deployment-secret")
PINNED = sealer().public_key


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six days of a site, two records erased (a second-generation file, an erasure log), a second site."""
    root = tmp_path_factory.mktemp("sealed") / "archive"
    written = archive_days(root, 6, 12)
    erase(root, SITE, [written[START][2]["id"], written[START + timedelta(days=3)][5]["id"]], sealer())
    write_day(root, "other", START, [{"id": "o1", "site": "other"}], sealer())
    assert verify(root, PINNED).ok
    return root


@pytest.fixture()
def archive(sealed: Path, tmp_path: Path) -> Path:
    """A copy of the sealed archive to damage."""
    return Path(shutil.copytree(sealed, tmp_path / "archive"))


@contextmanager
def flipped(path: Path, position: int, mask: int) -> Iterator[None]:
    original = path.read_bytes()
    changed = bytearray(original)
    changed[position] ^= mask
    path.write_bytes(bytes(changed))
    try:
        yield
    finally:
        path.write_bytes(original)


def _fails(root: Path, *expected: str) -> None:
    """Verify (against the pinned key) must fail, and say each ``expected`` fragment among its problems."""
    report = verify(root, PINNED)
    problems = list(problems_of(report))
    assert not report.ok and problems
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_flipping_any_byte_of_any_file_fails_verify(sealed: Path, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(archive_files(sealed)), label="file")
    position = data.draw(st.integers(0, path.stat().st_size - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="xor mask")
    with flipped(path, position, mask):
        assert not verify(sealed, PINNED).ok
        assert not verify(sealed).ok  # the archive's own key catches it too
    assert verify(sealed, PINNED).ok


def _edges(path: Path) -> list[int]:
    """Every byte of the root file and of the small site's day; the gzip header and trailer of every day."""
    size = path.stat().st_size
    if path.name == "archive.json" or (path.parent.name == "other" and path.name != "manifest.json"):
        return list(range(size))
    return [*range(10), *range(size - 8, size)] if path.suffix == ".gz" else []


def test_every_gzip_header_and_trailer_byte_and_every_byte_of_small_files_is_covered(sealed: Path) -> None:
    checked = 0
    for path in archive_files(sealed):
        for position in _edges(path):
            with flipped(path, position, 0x01):
                assert not verify(sealed, PINNED).ok, (path.name, position)
            checked += 1
    assert checked > 400
    assert verify(sealed, PINNED).ok


@pytest.mark.parametrize("name", ["2020-03-03.jsonl.gz", "2020-03-03.idx", "2020-03-06.jsonl.gz", "manifest.json"])
def test_removing_a_file_fails(archive: Path, name: str) -> None:
    (archive / SITE / name).unlink()
    _fails(archive, f"{SITE}/{name}: missing")


def test_removing_the_last_day_and_its_entry_fails(archive: Path) -> None:
    for name in ("2020-03-06.jsonl.gz", "2020-03-06.idx"):
        (archive / SITE / name).unlink()
    _resign(archive, lambda body: body["days"].pop())
    _fails(archive, "the signature does not verify")


def test_removing_a_site_fails(archive: Path) -> None:
    shutil.rmtree(archive / "other")
    _fails(archive, "other/manifest.json: missing")


def test_a_forged_day_added_beside_the_chain_fails(archive: Path) -> None:
    for name in ("2020-03-06.jsonl.gz", "2020-03-06.idx"):
        shutil.copy(archive / SITE / name, archive / SITE / name.replace("03-06", "03-07"))
    _fails(archive, "2020-03-07.jsonl.gz: not listed in the manifest", "2020-03-07.idx: not listed")


def test_a_forged_day_chained_and_sealed_with_another_key_fails(archive: Path) -> None:
    forged = archive.parent / "forged"
    write_day(forged, SITE, START + timedelta(days=6), [{"id": "forged-consent"}], ATTACKER)
    for name in ("2020-03-07.jsonl.gz", "2020-03-07.idx"):
        shutil.copy(forged / SITE / name, archive / SITE / name)
    entry = _body(forged / SITE / "manifest.json")["days"][0]
    entry["prev"] = _body(archive / SITE / "manifest.json")["head"]
    entry["link"] = day_link(SITE, entry["day"], entry["records"], entry["digest"], entry["prev"])
    _resign(archive, lambda body: body["days"].append(entry))
    _fails(archive, f"{SITE}/manifest.json: the signature does not verify")
    # Even an attacker who swaps the archive's key and re-seals everything is caught by a pinned key.
    root_body = {**_body(archive / "archive.json"), "public_key": ATTACKER.public_key}
    (archive / "archive.json").write_bytes(render(root_body, ATTACKER))
    _resign(archive, lambda body: None, site="other")
    _fails(archive, "archive.json: sealed by key", "the signature does not verify")
    # Without a pinned key the re-keyed archive is consistent: the report's key, compared with a copy kept
    # elsewhere, is what tells.
    report = verify(archive)
    assert report.ok and report.public_key == ATTACKER.public_key


def test_reordering_days_fails(archive: Path) -> None:
    site = archive / SITE
    first, second = site / "2020-03-02.jsonl.gz", site / "2020-03-03.jsonl.gz"
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)
    _fails(archive, "2020-03-02.jsonl.gz: changed", "2020-03-03.jsonl.gz: changed")


def test_reordering_the_manifest_fails_even_when_resealed(archive: Path) -> None:
    _resign(archive, lambda body: body["days"].insert(1, body["days"].pop(2)), sealer())
    _fails(archive, "day out of order", "does not link to the day before")


def test_stray_files_fail(archive: Path) -> None:
    (archive / SITE / "notes.txt").write_text("hello")
    (archive / "README").write_text("hello")
    _fails(archive, f"{SITE}/notes.txt: not listed in the manifest", "README: not part of the archive")


def _body(path: Path) -> dict[str, Any]:
    return {k: v for k, v in json.loads(path.read_bytes()).items() if k != "signature"}


def _resign(root: Path, edit: Any, key: Sealer = ATTACKER, site: str = SITE) -> None:
    """Edit a site's manifest and seal it again with ``key`` (an attacker's, unless said otherwise)."""
    path = root / site / "manifest.json"
    body = _body(path)
    edit(body)
    body["head"] = body["days"][-1]["link"] if body["days"] else "0" * 64
    path.write_bytes(render(body, key))
