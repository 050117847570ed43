"""A TCF deployment for the tests: ``tests/data/tcf.toml`` over the small test vendor list.

Its site ``demo`` has ``tcf_vendors``; ``plain`` has none. The visitor's country comes from the
``CF-IPCountry`` header (none: ``opt_in``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from tests.support import DESKTOP_UA, ROOT, edit_config

TCF_CONFIG = ROOT / "tests" / "data" / "tcf.toml"
GVL_DIR = ROOT / "tests" / "data" / "gvl"
VENDOR_LIST = GVL_DIR / "vendor-list.json"
SHIPPED_GVL = 'gvl = "tests/data/gvl/vendor-list.json"'
EU, US = {"CF-IPCountry": "FR"}, {"CF-IPCountry": "US"}
#: What the test list says of the site's vendors: 128 asks for no consent, 77 claims no legitimate interest.
VENDORS = frozenset({2, 21, 77, 128, 755})
CONSENT_VENDORS = frozenset({2, 21, 77, 755})
LI_VENDORS = frozenset({2, 21, 755})
LI_PURPOSES = frozenset({2, 7, 8, 9, 10})


def vendor_list() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VENDOR_LIST.read_text())
    return data


def own_vendor_list(tmp_path: Path, *edits: tuple[str, str], list_data: dict[str, Any] | None = None) -> Path:
    """A copy of the TCF config whose vendor list (and translations) live under ``tmp_path``."""
    directory = tmp_path / "gvl"
    shutil.copytree(GVL_DIR, directory, dirs_exist_ok=True)
    if list_data is not None:
        (directory / "vendor-list.json").write_text(json.dumps(list_data))
    config = tmp_path / "tcf.toml"
    shutil.copy(TCF_CONFIG, config)
    return edit_config(config, (SHIPPED_GVL, f'gvl = "{directory / "vendor-list.json"}"'), *edits)


def give(client: FlaskClient, headers: dict[str, str] | None = None, **body: Any) -> Any:
    """``POST /api/v1/consent`` for the TCF site; answers the response."""
    body = {"site": "demo", "action": "custom", **body}
    data = json.dumps(body)  # as any client would write it, numbers of any size included
    headers = {"User-Agent": DESKTOP_UA, "Content-Type": "application/json", **(headers or {})}
    return client.post("/api/v1/consent", data=data, headers=headers)


def decision(client: FlaskClient, token: str | None, headers: dict[str, str] | None = None, site: str = "demo") -> Any:
    more = {"X-Consent-Token": token} if token else {}
    answer = client.get(f"/api/v1/decision?site={site}", headers={"User-Agent": DESKTOP_UA, **more, **(headers or {})})
    assert answer.status_code == 200
    return answer.get_json()
