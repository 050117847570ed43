"""The local vendor list: served to TCF banners from our origin, refreshed by ``gvl-update``."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from tests.support import make_app
from tests.support.tcf import GVL_DIR, own_vendor_list, vendor_list

ORIGIN = {"Origin": "http://127.0.0.1:5000"}


def test_a_tcf_site_gets_its_vendors_with_every_text_in_its_language(tcf_client: FlaskClient) -> None:
    english = tcf_client.get("/gvl/demo/120/en.json", headers=ORIGIN)
    assert english.status_code == 200
    assert english.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert english.headers["Access-Control-Allow-Origin"] == ORIGIN["Origin"]
    document = english.get_json()
    assert sorted(document["vendors"], key=int) == ["2", "21", "77", "128", "755"]
    assert (document["vendorListVersion"], document["tcfPolicyVersion"]) == (120, 5)
    assert set(document["purposes"]) == {str(i) for i in range(1, 12)} and document["stacks"]
    french = tcf_client.get("/gvl/demo/120/fr.json").get_json()
    translation = json.loads((GVL_DIR / "purposes-fr.json").read_text())
    assert french["purposes"]["3"]["name"] == translation["purposes"]["3"]["name"] != document["purposes"]["3"]["name"]
    assert french["vendors"] == document["vendors"]
    again = tcf_client.get("/gvl/demo/120/en.json", headers={"If-None-Match": english.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_another_version_is_redirected_to_the_one_in_use(tcf_client: FlaskClient) -> None:
    moved = tcf_client.get("/gvl/demo/119/fr.json")
    assert moved.status_code == 302 and moved.headers["Location"] == "/gvl/demo/120/fr.json"
    assert moved.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    ("path", "headers", "status", "code"),
    [
        ("/gvl/plain/120/en.json", {}, 404, "not_found"),
        ("/gvl/nope/120/en.json", {}, 404, "not_found"),
        ("/gvl/demo/120/de.json", {}, 404, "not_found"),
        ("/gvl/demo/120/en.json", {"Origin": "https://evil.example"}, 403, "origin_not_allowed"),
    ],
)
def test_what_is_not_served_is_a_json_error(
    tcf_client: FlaskClient, path: str, headers: dict[str, str], status: int, code: str
) -> None:
    response = tcf_client.get(path, headers=headers)
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_healthz_names_the_list_in_use(tcf_client: FlaskClient) -> None:
    health = tcf_client.get("/healthz").get_json()
    assert health["status"] == "ok"
    assert health["vendor_list"] == {
        "version": 120,
        "tcf_policy_version": 5,
        "source": "tests/data/gvl/vendor-list.json",
        "problems": [],
        "last_update": None,
        "last_refused": None,
    }


# -- gvl-update -----------------------------------------------------------------------------


@pytest.fixture()
def deployment(tmp_path: Path) -> Path:
    """A TCF config whose vendor list directory starts with version 120."""
    return own_vendor_list(tmp_path / "deployed")


def published(directory: Path, **changes: Any) -> str:
    """A vendor list (and French translation) as the IAB would publish it; answers its URL."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vendor-list.json").write_text(json.dumps(vendor_list() | changes))
    (directory / "purposes-fr.json").write_text((GVL_DIR / "purposes-fr.json").read_text())
    return (directory / "vendor-list.json").as_uri()


def update(runner: FlaskCliRunner, config: Path, url: str) -> Any:
    return runner.invoke(args=["gvl-update", "--url", url], env={"BANNER_CONFIG": str(config)})


def on_disk(config: Path, name: str = "vendor-list.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((config.parent / "gvl" / name).read_text())
    return data


def test_an_update_keeps_the_previous_list_and_applies_at_the_next_start(
    environ: dict[str, str], runner: FlaskCliRunner, deployment: Path, tmp_path: Path
) -> None:
    running = make_app({**environ, "BANNER_CONFIG": str(deployment)}).test_client()
    result = update(runner, deployment, published(tmp_path / "iab", vendorListVersion=121))
    assert result.exit_code == 0, result.output
    assert "version 121 updated" in result.output and "fr: updated" in result.output
    assert on_disk(deployment)["vendorListVersion"] == 121
    assert on_disk(deployment, "vendor-list.previous.json")["vendorListVersion"] == 120
    health = running.get("/healthz").get_json()["vendor_list"]
    assert health["version"] == 120  # read at start-up: the running service keeps its list
    assert health["last_update"]["outcome"] == "updated" and health["last_update"]["version"] == 121
    restarted = make_app({**environ, "BANNER_CONFIG": str(deployment)}).test_client()
    assert restarted.get("/healthz").get_json()["vendor_list"]["version"] == 121
    assert restarted.get("/gvl/demo/120/en.json").headers["Location"] == "/gvl/demo/121/en.json"


def test_the_same_version_again_is_left_unchanged(runner: FlaskCliRunner, deployment: Path, tmp_path: Path) -> None:
    result = update(runner, deployment, published(tmp_path / "iab"))
    assert result.exit_code == 0 and "version 120 unchanged" in result.output
    assert not (deployment.parent / "gvl" / "vendor-list.previous.json").exists()


def _truncated(directory: Path) -> str:
    url = published(directory)
    path = directory / "vendor-list.json"
    path.write_bytes(path.read_bytes()[:500])
    return url


def _without_vendor_21() -> dict[str, Any]:
    vendors = {k: v for k, v in vendor_list()["vendors"].items() if k != "21"}
    return {"vendorListVersion": 121, "vendors": vendors}


REFUSED = [
    ("truncated", _truncated, "not valid JSON (truncated?)"),
    ("policy too new", lambda d: published(d, vendorListVersion=121, tcfPolicyVersion=6), "6 is too new"),
    ("not a v3 list", lambda d: published(d, gvlSpecificationVersion=2), "only version 3 lists"),
    ("older", lambda d: published(d, vendorListVersion=119), "version 119 is older than version 120, on disk"),
    ("vendor gone", lambda d: published(d, **_without_vendor_21()), "vendor 21, which the config names, is not in"),
    ("bad vendor", lambda d: published(d, vendors={"5": {"id": 6}}), "vendors.5.id"),
    ("no such file", lambda d: (d / "missing.json").as_uri(), "download failed"),
    ("not a url", lambda d: "ftp://example.org/vendor-list.json", "only https, http, file URLs"),
]


@pytest.mark.parametrize(("case", "source", "reason"), REFUSED, ids=[c[0] for c in REFUSED])
def test_an_unusable_list_is_refused_and_the_previous_one_kept(
    environ: dict[str, str],
    runner: FlaskCliRunner,
    deployment: Path,
    tmp_path: Path,
    case: str,
    source: Any,
    reason: str,
) -> None:
    before = (deployment.parent / "gvl" / "vendor-list.json").read_bytes()
    result = update(runner, deployment, source(tmp_path / "iab"))
    assert result.exit_code == 1 and reason in result.output
    assert (deployment.parent / "gvl" / "vendor-list.json").read_bytes() == before
    health = make_app({**environ, "BANNER_CONFIG": str(deployment)}).test_client().get("/healthz").get_json()
    assert health["vendor_list"]["version"] == 120
    refused = health["vendor_list"]["last_refused"]
    assert refused["outcome"] == "refused" and reason in refused["reason"]
    assert health["vendor_list"]["last_update"] == refused


def test_a_refusal_is_forgotten_once_a_list_is_kept(runner: FlaskCliRunner, deployment: Path, tmp_path: Path) -> None:
    assert update(runner, deployment, published(tmp_path / "a", tcfPolicyVersion=6)).exit_code == 1
    assert update(runner, deployment, published(tmp_path / "b", vendorListVersion=121)).exit_code == 0
    status = json.loads((deployment.parent / "gvl" / "update-status.json").read_text())
    assert "last_refused" not in status and status["last_update"]["version"] == 121


def test_a_translation_for_another_policy_version_is_refused_alone(
    runner: FlaskCliRunner, deployment: Path, tmp_path: Path
) -> None:
    url = published(tmp_path / "iab", vendorListVersion=121)
    french = json.loads((tmp_path / "iab" / "purposes-fr.json").read_text()) | {"tcfPolicyVersion": 4}
    (tmp_path / "iab" / "purposes-fr.json").write_text(json.dumps(french))
    result = update(runner, deployment, url)
    assert result.exit_code == 0 and "version 121 updated" in result.output
    assert "fr: refused, the previous translation is kept" in result.output
    assert on_disk(deployment, "purposes-fr.json")["tcfPolicyVersion"] == 5


@pytest.fixture()
def http_iab(tmp_path: Path) -> Iterator[str]:
    """The published list behind a real HTTP server on a free local port."""
    published(tmp_path / "http", vendorListVersion=122)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "http"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/vendor-list.json"
    server.shutdown()
    server.server_close()
    thread.join()


def test_an_update_over_http(runner: FlaskCliRunner, deployment: Path, http_iab: str) -> None:
    result = update(runner, deployment, http_iab)
    assert result.exit_code == 0 and "version 122 updated" in result.output and "fr: updated" in result.output


def test_gvl_update_runs_where_the_service_cannot_start(tmp_path: Path) -> None:
    """A TCF site without a list refuses to start, so the command runs on the bare offline app."""
    import subprocess
    import sys

    config = own_vendor_list(tmp_path / "fresh")
    (config.parent / "gvl" / "vendor-list.json").unlink()
    url = published(tmp_path / "iab")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "gvl-update", "--url", url],
        env={"BANNER_CONFIG": str(config), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "version 120 updated" in result.stdout
    assert on_disk(config)["vendorListVersion"] == 120


def test_a_tcf_banner_inlines_its_first_layer_and_where_its_vendor_layer_is(tcf_app: Any) -> None:
    from banner.core.iab.client import gpp_client_config
    from banner.web.context import services
    from banner.web.gvl import banner_config

    french = banner_config(tcf_app, "demo", "fr")
    assert french is not None and banner_config(tcf_app, "plain", "fr") is None
    with tcf_app.app_context():
        config = services().config
    translation = json.loads((GVL_DIR / "purposes-fr.json").read_text())
    assert {k: french[k] for k in ("cmpId", "cmpVersion", "policyVersion", "vendorListVersion", "vendorCount")} == {
        "cmpId": 4095,
        "cmpVersion": 1,
        "policyVersion": 5,
        "vendorListVersion": 120,
        "vendorCount": 5,
    }
    assert french["disclosure"] == config.tcf["demo"].disclosure
    assert french["vendorsUrl"] == "/gvl/demo/120/fr.json"
    assert [p[0] for p in french["purposes"]] == list(range(1, 12))
    assert french["purposes"][2] == [3, translation["purposes"]["3"]["name"]]
    assert [f[0] for f in french["specialFeatures"]] == [1, 2]
    assert french["categories"]["advertising"] == [[1, 2, 3, 4, 7], [1]]
    assert "necessary" not in french["categories"]
    assert gpp_client_config(config) == {"cmpId": 4095, "cmpVersion": 1}
