"""A crash at any step of a write or an erasure leaves the old state or the new one, and the next
write finishes the job: the archive then verifies and holds no copy of an erased record."""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from banner.archive import CorruptArchive, DayOrderError, erase, find, verify, write_day
from tests.support.archive import SITE, START, archive_days, consent_records, everything_stored, sealer

STEPS = ("replace", "unlink", "mkdir")  # every call that changes what a directory holds
NEW_DAY = START + timedelta(days=3)
LEFTOVER = ("not listed in the manifest", "not part of the archive")


class Crash(BaseException):
    """The process dies at this step: nothing after it runs, and no clean-up either."""


@contextmanager
def crash_at(step: int) -> Iterator[list[str]]:
    """Run the body, dying just before its ``step``-th directory change; yields the steps done."""
    done: list[str] = []
    real = {name: getattr(os, name) for name in STEPS}

    def guarded(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if len(done) == step:
                raise Crash(name)
            result = real[name](*args, **kwargs)
            done.append(f"{name} {Path(args[1] if name == 'replace' else args[0]).name}")
            return result

        return call

    with pytest.MonkeyPatch.context() as patch:
        for name in STEPS:
            patch.setattr(os, name, guarded(name))
        with suppress(Crash):
            yield done


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[date, list[dict]]]:
    root = tmp_path_factory.mktemp("base") / "archive"
    return root, archive_days(root, 3, 10)


def _steps(run: Any, root: Path) -> list[str]:
    with crash_at(10**6) as done:
        run(root)
    return done


def _only_leftovers(root: Path, fresh: bool = False) -> None:
    """Verify finds nothing but files an interrupted write left (and, before a first write, no archive)."""
    allowed = (*LEFTOVER, "missing", "no archive directory") if fresh else LEFTOVER
    for problem in verify(root, sealer().public_key).all_problems:
        assert problem.what.startswith(allowed), problem


NEW_RECORDS = consent_records(NEW_DAY, 5, random.Random(7))


def _write_new_day(root: Path) -> None:
    write_day(root, SITE, NEW_DAY, NEW_RECORDS, sealer())


def test_a_write_has_these_steps_with_the_manifest_last(base: tuple[Path, dict], tmp_path: Path) -> None:
    root = Path(shutil.copytree(base[0], tmp_path / "a"))
    assert _steps(_write_new_day, root) == [
        "replace 2020-03-04.jsonl.gz",
        "replace 2020-03-04.idx",
        "replace manifest.json",
    ]
    fresh = tmp_path / "fresh"
    assert _steps(_write_new_day, fresh) == [
        "mkdir fresh",
        "mkdir demo",
        "replace manifest.json",  # the new site's empty chain, before archive.json lists the site
        "replace archive.json",
        "replace 2020-03-04.jsonl.gz",
        "replace 2020-03-04.idx",
        "replace manifest.json",
    ]


@pytest.mark.parametrize("fresh", [False, True], ids=["next-day", "first-day-of-a-new-archive"])
def test_a_crash_at_any_step_of_a_write_leaves_the_old_or_the_new_state(
    base: tuple[Path, dict], tmp_path: Path, fresh: bool
) -> None:
    steps = len(_steps(_write_new_day, tmp_path / "count" if fresh else Path(shutil.copytree(base[0], tmp_path / "c"))))
    for step in range(steps + 1):
        root = tmp_path / f"crash-{step}"
        if not fresh:
            shutil.copytree(base[0], root)
        with crash_at(step):
            _write_new_day(root)
        committed = find(root, SITE, NEW_RECORDS[0]["id"]) is not None
        assert committed is (step == steps), step  # only the manifest's rename commits
        if not fresh:
            assert find(root, SITE, base[1][START][0]["id"]) is not None  # the old days never move
        _only_leftovers(root, fresh)
        if committed:
            with pytest.raises(DayOrderError):
                _write_new_day(root)
        else:
            _write_new_day(root)  # the retry sweeps what the crash left
        assert verify(root, sealer().public_key).ok, step
        assert find(root, SITE, NEW_RECORDS[4]["id"]) is not None


def test_a_crash_at_any_step_of_an_erasure_leaves_no_copy_once_retried(base: tuple[Path, dict], tmp_path: Path) -> None:
    target = base[1][START + timedelta(days=1)][4]["id"]

    def erase_target(root: Path) -> None:
        erase(root, SITE, [target], sealer())

    steps = _steps(erase_target, Path(shutil.copytree(base[0], tmp_path / "count")))
    assert steps == ["replace 2020-03-02.1.jsonl.gz", "replace manifest.json", "unlink 2020-03-02.jsonl.gz"]
    for step in range(len(steps) + 1):
        root = Path(shutil.copytree(base[0], tmp_path / f"crash-{step}"))
        with crash_at(step):
            erase_target(root)
        found = find(root, SITE, target)
        assert found is not None and found.erased is (step >= 2), step  # committed by the manifest's rename
        _only_leftovers(root)
        erase_target(root)  # the retry erases, or finds it done and sweeps the superseded file
        assert verify(root, sealer().public_key).ok, step
        stored = everything_stored(root)
        assert f'"id":"{target}","lang"'.encode() not in stored  # no copy of the record is left anywhere
        assert f'"hash":"{found.hash}","id":"{target}"}}'.encode() in stored  # only its tombstone


def test_records_that_fail_midway_leave_nothing_behind(base: tuple[Path, dict], tmp_path: Path) -> None:
    root = Path(shutil.copytree(base[0], tmp_path / "a"))
    before = sorted(p.name for p in (root / SITE).iterdir())

    def records() -> Iterator[dict]:
        yield from NEW_RECORDS[:3]
        raise Crash("the source of records died")

    with pytest.raises(Crash):
        write_day(root, SITE, NEW_DAY, records(), sealer())
    assert sorted(p.name for p in (root / SITE).iterdir()) == before
    assert verify(root).ok


def test_an_unlisted_site_directory_with_days_is_never_overwritten(base: tuple[Path, dict], tmp_path: Path) -> None:
    root = Path(shutil.copytree(base[0], tmp_path / "a"))
    (root / "archive.json").unlink()  # the root file lost: the site's days must not be restarted
    with pytest.raises(CorruptArchive, match=r"holds archived days but archive\.json does not list it"):
        _write_new_day(root)
    assert len(list((root / SITE).glob("*.jsonl.gz"))) == 3
