"""The consent archive: a month archived, found, exported, erased and verified on a real disk."""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from banner.archive import (
    ArchiveError,
    CorruptArchive,
    DayOrderError,
    InvalidRecord,
    KeyMismatch,
    erase,
    find,
    format_report,
    iter_records,
    verify,
    write_day,
)
from tests.support.archive import (
    SITE,
    START,
    archive_days,
    archive_files,
    consent_records,
    everything_stored,
    problems_of,
    sealer,
)

MONTH = 30
PER_DAY = 40


@pytest.fixture()
def month(tmp_path: Path) -> tuple[Path, dict[date, list[dict]]]:
    root = tmp_path / "archive"
    return root, archive_days(root, MONTH, PER_DAY)


def test_a_month_archived_verifies_with_every_count(month: tuple[Path, dict]) -> None:
    root, _ = month
    report = verify(root, public_key=sealer().public_key)
    assert list(problems_of(report)) == []
    assert report.ok
    (site,) = report.sites
    assert (site.site, site.days, site.records, site.tombstones) == (SITE, MONTH, MONTH * PER_DAY, 0)
    text = format_report(report)
    assert text.startswith(f"archive {root}: OK\n")
    assert f"site demo: 30 days, 1200 records, 0 tombstones, head {site.head}\n" in text


def test_the_layout_is_one_gzip_and_one_index_per_day(month: tuple[Path, dict]) -> None:
    root, _ = month
    names = [path.relative_to(root).as_posix() for path in archive_files(root)]
    assert names[:3] == ["archive.json", "demo/2020-03-01.idx", "demo/2020-03-01.jsonl.gz"]
    assert len(names) == 2 + 2 * MONTH and names[-1] == "demo/manifest.json"
    day_file = (root / "demo/2020-03-01.jsonl.gz").read_bytes()
    assert day_file[:10] == bytes.fromhex("1f8b08000000000002ff")  # no file name, mtime 0, level 9
    assert (root / "demo/2020-03-01.idx").stat().st_size == 12 * PER_DAY


def test_find_answers_any_archived_record_and_none_for_others(month: tuple[Path, dict]) -> None:
    root, written = month
    for day in (START, START + timedelta(days=17), START + timedelta(days=MONTH - 1)):
        record = written[day][7]
        found = find(root, SITE, record["id"])
        assert found is not None
        assert (found.day, found.record, found.erased) == (day, record, False)
    assert find(root, SITE, "AAAAAAAAAAAAAAAA") is None
    assert find(root, "other-site", written[START][0]["id"]) is None
    assert find(root / "nowhere", SITE, written[START][0]["id"]) is None


def test_iter_records_gives_a_range_of_days_in_order(month: tuple[Path, dict]) -> None:
    root, written = month
    first, last = START + timedelta(days=3), START + timedelta(days=5)
    expected = [r for n in range(3, 6) for r in written[START + timedelta(days=n)]]
    assert list(iter_records(root, SITE, first, last)) == expected
    assert list(iter_records(root, SITE, date(2019, 1, 1), date(2019, 12, 31))) == []


def test_erasing_a_record_leaves_a_tombstone_and_the_archive_verifies(month: tuple[Path, dict]) -> None:
    root, written = month
    day = START + timedelta(days=12)
    target = written[day][3]
    salt = _salt_of(root, day, target["id"])
    when = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    erasures = erase(root, SITE, [target["id"], "not-archived-id"], sealer(), now=when)
    assert [(e.id, e.day, e.erased_at) for e in erasures] == [(target["id"], day.isoformat(), "2025-06-01T12:00:00Z")]
    found = find(root, SITE, target["id"])
    assert found is not None and found.erased
    assert (found.record, found.erased_at, found.hash) == (None, "2025-06-01T12:00:00Z", erasures[0].hash)
    report = verify(root, public_key=sealer().public_key)
    assert list(problems_of(report)) == []
    assert (report.sites[0].records, report.sites[0].tombstones) == (MONTH * PER_DAY - 1, 1)
    assert target not in list(iter_records(root, SITE, day, day))
    assert salt.encode() not in everything_stored(root)  # the salted record is gone from every file
    day_files = sorted(p.name for p in (root / SITE).glob(f"{day.isoformat()}*"))
    assert day_files == ["2020-03-13.1.jsonl.gz", "2020-03-13.idx"]
    assert erase(root, SITE, [target["id"]], sealer()) == []  # erasing again changes nothing


def test_erasures_are_logged_in_the_sealed_manifest(month: tuple[Path, dict]) -> None:
    root, written = month
    ids = [written[START][0]["id"], written[START][1]["id"], written[START + timedelta(days=2)][0]["id"]]
    erase(root, SITE, ids[:2], sealer())
    erase(root, SITE, ids[2:], sealer())
    manifest = json.loads((root / SITE / "manifest.json").read_bytes())
    assert [e["id"] for e in manifest["erasures"]] == ids
    assert [d["file"] for d in manifest["days"][:3]] == [
        "2020-03-01.1.jsonl.gz",
        "2020-03-02.jsonl.gz",
        "2020-03-03.1.jsonl.gz",
    ]
    assert verify(root).ok


def test_a_day_cannot_be_archived_twice_nor_before_the_head(month: tuple[Path, dict]) -> None:
    root, _ = month
    before = {p: p.read_bytes() for p in archive_files(root)}
    records = consent_records(START, 2, random.Random(1))
    with pytest.raises(DayOrderError, match="2020-03-05 is already archived"):
        write_day(root, SITE, START + timedelta(days=4), records, sealer())
    with pytest.raises(DayOrderError, match="earlier than the chain head 2020-03-30"):
        write_day(root, SITE, date(2020, 2, 1), records, sealer())
    assert {p: p.read_bytes() for p in archive_files(root)} == before


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"site": SITE}], "needs an 'id' string"),
        (["not an object"], "must be a JSON object"),
        ([{"id": "a", "when": datetime(2020, 1, 1)}], "is not plain JSON"),
        ([{"id": "a", "x": float("nan")}], "is not plain JSON"),
        ([{"id": "a"}, {"id": "a"}], "appears twice in one day"),
        ([{"id": "a", "site": "elsewhere"}], "belongs to another site"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(tmp_path: Path, records: list, message: str) -> None:
    root = tmp_path / "archive"
    archive_days(root, 2, 3)
    before = {p: p.read_bytes() for p in archive_files(root)}
    with pytest.raises(InvalidRecord, match=message):
        write_day(root, SITE, date(2021, 1, 1), [{"id": "ok"}, *records], sealer())
    assert {p: p.read_bytes() for p in archive_files(root)} == before
    assert verify(root).ok


def test_a_bad_site_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="is not"):
        write_day(tmp_path, "../etc", START, [], sealer())
    assert list(tmp_path.iterdir()) == []


def test_another_secret_cannot_extend_the_archive(month: tuple[Path, dict]) -> None:
    root, _ = month
    other = sealer("another-secret-0123456789")
    with pytest.raises(KeyMismatch, match="sealed by key"):
        write_day(root, SITE, date(2021, 1, 1), [], other)
    with pytest.raises(KeyMismatch):
        erase(root, SITE, ["x"], other)
    report = verify(root, public_key=other.public_key)
    assert not report.ok
    assert "not by the pinned key" in format_report(report)


def test_the_key_is_derived_from_the_secret_for_this_purpose_only() -> None:
    assert sealer().public_key == sealer().public_key
    assert sealer().public_key != sealer("archive-test-secret-0123456788").public_key
    assert len(bytes.fromhex(sealer().public_key)) == 32
    with pytest.raises(ValueError, match="non-empty secret"):
        sealer("")


def test_an_empty_day_is_a_link_in_the_chain(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_day(root, SITE, START, [], sealer())
    day = write_day(root, SITE, START + timedelta(days=1), consent_records(START, 2, random.Random(3)), sealer())
    assert day.records == 2
    assert verify(root).ok
    assert verify(root).sites[0].days == 2


def test_sites_have_chains_of_their_own(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    archive_days(root, 2, 3)
    write_day(root, "other", START, [{"id": "x1", "site": "other"}], sealer())
    report = verify(root)
    assert report.ok
    assert [(s.site, s.days, s.records) for s in report.sites] == [("demo", 2, 6), ("other", 1, 1)]
    assert find(root, "other", "x1") is not None and find(root, SITE, "x1") is None


def test_verify_of_nothing_is_a_problem(tmp_path: Path) -> None:
    assert [p.what for p in verify(tmp_path / "missing").all_problems] == ["no archive directory here"]
    assert [(p.file, p.what) for p in verify(tmp_path).all_problems] == [("archive.json", "missing")]


def _salt_of(root: Path, day: date, consent_id: str) -> str:
    for line in gzip.decompress((root / SITE / f"{day.isoformat()}.jsonl.gz").read_bytes()).splitlines():
        data = json.loads(line)
        if data["record"]["id"] == consent_id:
            return str(data["salt"])
    raise AssertionError(f"{consent_id} is not in {day}")


def test_an_archived_record_takes_a_fraction_of_its_redis_size(tmp_path: Path) -> None:
    """Redis keeps a record in ~355-400 B (docs/production.md); the day file in well under 100 B."""
    records = consent_records(START, 1000, random.Random(5))
    day = write_day(tmp_path, SITE, START, records, sealer())
    assert day.file_bytes / len(records) < 100
    assert (tmp_path / SITE / "2020-03-01.idx").stat().st_size == 12 * len(records)


def test_a_damaged_archive_is_a_clear_error_for_readers_and_writers(month: tuple[Path, dict]) -> None:
    root, written = month
    (root / SITE / "2020-03-30.idx").unlink()
    with pytest.raises(CorruptArchive, match=r"demo/2020-03-30\.idx: .*No such file"):
        find(root, SITE, written[START][0]["id"])
    (root / SITE / "manifest.json").write_bytes(b"{}\n")
    with pytest.raises(CorruptArchive, match=r"demo/manifest\.json: not a signed JSON object"):
        list(iter_records(root, SITE, START, START))
    with pytest.raises(CorruptArchive, match="not a signed JSON object"):
        write_day(root, SITE, date(2021, 1, 1), [], sealer())
