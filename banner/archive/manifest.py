"""The signed documents of an archive: the root file and one manifest per site.

Both are canonical JSON plus a final newline, with a ``signature`` field: the hex Ed25519
signature of the canonical JSON of the document without that field. Because the bytes on disk
must be exactly that rendering, no byte of either file can change without being noticed, even
one that a JSON parser would ignore.

The manifest is the site's chain head and commit point: a day, an erasure, exist once the
manifest that lists them has been renamed into place.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from banner.archive.chain import GENESIS
from banner.archive.lines import canonical
from banner.archive.seal import Sealer, seal_holds
from banner.core.config_spec_banner import SITE_ID_RE

FORMAT = 1
INT_FIELDS = frozenset({"records", "tombstones", "file_bytes"})
T = TypeVar("T")


@dataclass(frozen=True)
class DayFile:
    """One archived day of a site: its place in the chain and the files that hold it."""

    day: str  # YYYY-MM-DD (UTC)
    records: int  # lines in the day file, tombstones included
    tombstones: int
    digest: str
    prev: str
    link: str
    file: str  # the day file's name in the site directory
    file_bytes: int
    file_sha256: str
    index_sha256: str


@dataclass(frozen=True)
class Erasure:
    """One record erased: which, from which day, the hash its tombstone keeps, and when."""

    id: str
    day: str
    hash: str
    erased_at: str


@dataclass(frozen=True)
class Manifest:
    site: str
    days: tuple[DayFile, ...] = ()
    erasures: tuple[Erasure, ...] = ()

    @property
    def head(self) -> str:
        return self.days[-1].link if self.days else GENESIS

    def body(self) -> dict[str, Any]:
        return {
            "days": [asdict(day) for day in self.days],
            "erasures": [asdict(erasure) for erasure in self.erasures],
            "format": FORMAT,
            "head": self.head,
            "site": self.site,
        }


@dataclass(frozen=True)
class RootFile:
    """``archive.json``: the public key that seals every manifest, and the sites archived."""

    public_key: str
    sites: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        return {"format": FORMAT, "public_key": self.public_key, "sites": list(self.sites)}


def render(body: dict[str, Any], sealer: Sealer) -> bytes:
    return canonical({**body, "signature": sealer.sign(body)}) + b"\n"


def parse_root(raw: bytes) -> RootFile:
    """The root file, checked against the key it names; ``ValueError`` says what is wrong."""
    data = json.loads(raw)
    public_key = data.get("public_key") if isinstance(data, dict) else None
    body = _sealed_body(raw, data, public_key if isinstance(public_key, str) else "")
    _expect_keys(body, {"format", "public_key", "sites"})
    sites = body["sites"]
    if not isinstance(sites, list) or not all(isinstance(site, str) and SITE_ID_RE.match(site) for site in sites):
        raise ValueError("'sites' must be a list of site ids")
    return RootFile(public_key=body["public_key"], sites=tuple(sites))


def parse_manifest(raw: bytes, public_key: str) -> Manifest:
    """A site manifest, checked against the archive's public key; ``ValueError`` says what is wrong."""
    body = _sealed_body(raw, json.loads(raw), public_key)
    _expect_keys(body, {"days", "erasures", "format", "head", "site"})
    if not isinstance(body["days"], list) or not isinstance(body["erasures"], list):
        raise ValueError("'days' and 'erasures' must be lists")
    manifest = Manifest(
        site=_typed(body, "site", str),
        days=tuple(_record_of(DayFile, day) for day in body["days"]),
        erasures=tuple(_record_of(Erasure, erasure) for erasure in body["erasures"]),
    )
    if body["head"] != manifest.head:
        raise ValueError("'head' is not the link of the last day")
    return manifest


def _sealed_body(raw: bytes, data: Any, public_key: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("signature"), str):
        raise ValueError("not a signed JSON object")
    if canonical(data) + b"\n" != raw:
        raise ValueError("not in canonical JSON form")
    body = {key: value for key, value in data.items() if key != "signature"}
    if body.get("format") != FORMAT:
        raise ValueError(f"unknown format {body.get('format')!r}")
    if not seal_holds(public_key, body, data["signature"]):
        raise ValueError("the signature does not verify")
    return body


def _expect_keys(data: dict[str, Any], keys: set[str]) -> None:
    if set(data) != keys:
        raise ValueError(f"fields are {sorted(data)}, expected {sorted(keys)}")


def _record_of(cls: type[T], data: Any) -> T:
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if not isinstance(data, dict):
        raise ValueError(f"a {cls.__name__} entry must be an object")
    _expect_keys(data, set(names))
    return cls(**{name: _typed(data, name, int if name in INT_FIELDS else str) for name in names})


def _typed(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data[name]
    if type(value) is not kind:
        raise ValueError(f"'{name}' must be {kind.__name__}")
    return value
