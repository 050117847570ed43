"""The outage spool answers "anything spooled?" from a marker file that tracks its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from banner.store import StoreUnavailable
from banner.store.spool import Entry, Spool


def test_pending_follows_appends_and_replays(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path))
    assert not spool.pending()
    spool.append({"op": "consent", "n": 1})
    other_process = Spool(str(tmp_path))
    assert spool.pending() and other_process.pending()
    applied: list[Entry] = []
    assert other_process.replay(applied.append) == 1
    assert applied == [{"op": "consent", "n": 1}]
    assert not spool.pending() and not other_process.pending()


def test_a_failed_replay_stays_pending(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path))
    spool.append({"n": 1})
    spool.append({"n": 2})

    def fail(entry: Entry) -> None:
        raise StoreUnavailable()

    with pytest.raises(StoreUnavailable):
        spool.replay(fail)
    assert spool.pending() and spool.depth() == 2
    applied: list[Entry] = []
    spool.replay(applied.append)
    assert applied == [{"n": 1}, {"n": 2}] and not spool.pending()


def test_files_left_by_a_crash_are_pending_at_start(tmp_path: Path) -> None:
    (tmp_path / "4242.jsonl").write_text('{"n":1}\n')
    assert Spool(str(tmp_path)).pending()


def test_a_marker_without_files_is_cleared_by_the_next_replay(tmp_path: Path) -> None:
    (tmp_path / ".pending").touch()
    spool = Spool(str(tmp_path))
    assert spool.pending()
    assert spool.replay(lambda entry: None) == 0
    assert not spool.pending()
