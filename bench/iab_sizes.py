"""Bytes the IAB strings add: to a consent record in Redis (``MEMORY USAGE``) and to the token.

Writes consents through the real API of an app on ``tests/data/tcf.toml`` (the small test vendor
list, 5 vendors) and on the same config over a synthetic list of 300 vendors with ids spread up to
1500, as a large TCF site has, into a throw-away redis-server. Run: ``.venv/bin/python bench/iab_sizes.py``.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import servers

from banner.store import keys
from banner.web import create_app

TCF = servers.ROOT / "tests" / "data" / "tcf.toml"
VENDOR_LIST = servers.ROOT / "tests" / "data" / "gvl" / "vendor-list.json"
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
CASES = (
    ("plain site, EU, accept all", "plain", {"CF-IPCountry": "FR"}, {"action": "accept_all"}),
    ("plain site, US, reject all (usnat + us_privacy)", "plain", {"CF-IPCountry": "US"}, {"action": "reject_all"}),
    ("TCF site, EU, accept all (TC string)", "demo", {"CF-IPCountry": "FR"}, {"action": "accept_all"}),
    ("TCF site, EU, reject all (TC string)", "demo", {"CF-IPCountry": "FR"}, {"action": "reject_all"}),
)


def large_list(directory: Path, count: int = 300, top: int = 1500) -> tuple[Path, list[int]]:
    """The test list with ``count`` vendors like vendor 755, ids drawn up to ``top``."""
    data: dict[str, Any] = json.loads(VENDOR_LIST.read_text())
    template = data["vendors"]["755"]
    ids = sorted(random.Random(7).sample(range(1, top + 1), count))
    data["vendors"] = {str(i): template | {"id": i, "name": f"Vendor {i}"} for i in ids}
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vendor-list.json").write_text(json.dumps(data))
    (directory / "purposes-fr.json").write_text((VENDOR_LIST.parent / "purposes-fr.json").read_text())
    return directory / "vendor-list.json", ids


def config_for(workdir: Path, vendor_list: Path, vendors: list[int]) -> Path:
    text = TCF.read_text().replace('gvl = "tests/data/gvl/vendor-list.json"', f'gvl = "{vendor_list}"')
    text = text.replace("tcf_vendors = [2, 21, 77, 128, 755]", f"tcf_vendors = {vendors}")
    for tracker_vendor in ("tcf_vendor_id = 755", "tcf_vendor_id = 21", "tcf_vendor_id = 77"):
        text = text.replace(tracker_vendor, f"tcf_vendor_id = {vendors[0]}")
    path = workdir / f"tcf-{len(vendors)}.toml"
    path.write_text(text)
    return path


def measure(redis_url: str, config: Path, workdir: Path) -> list[tuple[str, int, int, int]]:
    environ = {"SECRET_KEY": "bench-secret-key-0123456789", "REDIS_URL": redis_url, "BANNER_CONFIG": str(config)}
    app = create_app({"TESTING": True, "ENVIRON": environ | {"DATA_DIR": str(workdir / "var")}, "FLUSH_INTERVAL": 0})
    rows = []
    for name, site, headers, body in CASES:
        answer = app.test_client().post(
            "/api/v1/consent", json={"site": site, **body}, headers={"User-Agent": UA, **headers}
        )
        consent = answer.get_json()
        tc = (consent["decision"]["iab"]["tcf"] or {}).get("tc_string") or ""
        usage = app.extensions["consent"].store.redis.memory_usage(keys.record(site, consent["id"]), samples=0)
        rows.append((name, usage, len(consent["token"]), len(tc)))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="iab-sizes-") as tmp:
        workdir = Path(tmp)
        with servers.redis_server(workdir) as redis_url:
            small = measure(redis_url, TCF, workdir)
            large_path, ids = large_list(workdir / "gvl")
            large = measure(redis_url, config_for(workdir, large_path, ids), workdir)
    print("| consent | record in Redis (B) | token (chars) | TC string (chars) |")
    print("| --- | --- | --- | --- |")
    for label, rows in (("5 vendors", small), ("300 vendors up to id 1500", large)):
        for name, usage, token, tc in rows:
            if label.startswith("300") and not name.startswith("TCF"):
                continue
            print(f"| {name}{', ' + label if name.startswith('TCF') else ''} | {usage} | {token} | {tc or '-'} |")


if __name__ == "__main__":
    main()
