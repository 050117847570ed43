"""The IAB's own JavaScript codecs (``codec.mjs``), one Node process for the whole test session.

``make test`` installs them (``npm ci --prefix tests/iab``, pinned by the lockfile). Without Node
or the packages these tests are skipped with the reason, except under CI, where they must run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
PACKAGES = ("@iabtechlabtcf/core", "@iabgpp/cmpapi")


class IabRefused(Exception):
    """The IAB library threw: its message, as the library wrote it."""


class IabCodec:
    """Requests go to ``codec.mjs`` as JSON lines, one at a time, and answers come back in order."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process
        self._next_id = 0

    def call(self, op: str, **params: Any) -> Any:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._next_id += 1
        self._process.stdin.write(json.dumps({"id": self._next_id, "op": op, **params}) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"codec.mjs exited with status {self._process.poll()}")
        answer = json.loads(line)
        assert answer["id"] == self._next_id
        if not answer["ok"]:
            raise IabRefused(answer["error"])
        return answer["result"]


def assert_decodes_or_refuses(decode: Callable[[str], object], text: str, error: type[Exception]) -> None:
    """Any text either decodes or raises ``error`` with a message: never an ``IndexError``."""
    try:
        decode(text)
    except error as e:
        assert str(e)


def _missing_prerequisite() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    for package in PACKAGES:
        if not (HERE / "node_modules" / package / "package.json").exists():
            return f"{package} is not installed: run `make test` or `npm ci --prefix tests/iab`"
    return None


@pytest.fixture(scope="session")
def iab() -> Iterator[IabCodec]:
    missing = _missing_prerequisite()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} (CI must check our strings against the IAB's code)")
        pytest.skip(missing)
    process = subprocess.Popen(
        ["node", str(HERE / "codec.mjs")],
        cwd=HERE,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    yield IabCodec(process)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.close()
    process.wait(timeout=10)
    process.stdout.close()
