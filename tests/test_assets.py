"""The banner's assets: minified JavaScript that keeps its meaning, and bundles that are valid."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from banner.assets import AssetError
from banner.assets.bundle import build_bundle
from banner.assets.css import minify_css
from banner.assets.js import ScriptPart, minify_script
from banner.core.regimes import Regime
from banner.web.script import EXTENSION
from tests.support import edited_app, services_of


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        message = "node is not installed: the bundles' syntax cannot be checked"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must check it)")
        pytest.skip(message)
    return found


def _run(node: str, path: Path, source: str) -> str:
    path.write_text(source, encoding="utf-8")
    done = subprocess.run([node, str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_built_bundle_is_valid_javascript(app: Flask, node: str, tmp_path: Path) -> None:
    config = services_of(app).config
    bundles = app.extensions[EXTENSION]
    expected = {
        (site.id, lang, regime) for site in config.sites.values() for lang in site.languages for regime in Regime
    }
    assert set(bundles) == expected
    for (site, lang, regime), bundle in bundles.items():
        _check_syntax(node, tmp_path / f"{site}-{lang}-{regime.value}.js", bundle.body)


def _check_syntax(node: str, path: Path, script: bytes) -> None:
    path.write_bytes(script)
    done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{path.name}: {done.stderr}"


@pytest.mark.parametrize(
    ("source", "printed"),
    [
        ("const value = 41;\nconst o = { value };\nconsole.log(o.value + 1)", "42"),
        ("let a = 1\nlet b = 2\nconsole.log(a + b)", "3"),
        ("function f() {\n  return\n  1\n}\nconsole.log(f())", "undefined"),
        ("const n = 2\nconsole.log(`a${`b${n}`}`)", "ab2"),
        ("const o = { p: null }\nconsole.log(o.p?.q ?? 'none', o.f?.())", "none undefined"),
        (
            "const f = (...xs) => Math.max(...xs)\nconsole.log(f(1, 5, 3), JSON.stringify({ ...{ a: 1 }, b: 2 }))",
            '5 {"a":1,"b":2}',
        ),
        ("const r = /[/]+/g, a = 6, b = 3\nconsole.log('a//b'.replace(r, '-'), a / b / 2)", "a-b 1"),
        ("const x = 1\n{ const x = 2; console.log(x) }\nconsole.log(x)", "2\n1"),
        ("const { a: first = 3, b } = { b: 4 }\nconsole.log(first + b)", "7"),
    ],
)
def test_minified_script_keeps_the_meaning_of_modern_javascript(
    node: str, tmp_path: Path, source: str, printed: str
) -> None:
    minified = minify_script([ScriptPart("case.js", source)])
    assert _run(node, tmp_path / "minified.js", minified) == printed + "\n"


def test_parts_share_one_scope_and_are_shortened_together(node: str, tmp_path: Path) -> None:
    parts = [
        ScriptPart("first.js", "const sharedLongName = 20"),
        ScriptPart("second.js", "console.log(sharedLongName + 1)"),
    ]
    minified = minify_script(parts)
    assert "sharedLongName" not in minified
    leaked = minified + ";console.log(typeof sharedLongName)"
    assert _run(node, tmp_path / "parts.js", leaked) == "21\nundefined\n"


def test_a_syntax_error_names_the_part_its_line_and_column() -> None:
    parts = [
        ScriptPart("static/one.js", "const a = 1;\nconst b = 2;"),
        ScriptPart("static/two.js", "a;\nb;\nlet c = {;"),
    ]
    with pytest.raises(AssetError, match=r"^static/two\.js line 3, column 10: .*object literal"):
        minify_script(parts)


def test_config_text_that_names_a_placeholder_is_inlined_as_written(
    environ: dict[str, str], config_copy: Path, node: str, tmp_path: Path
) -> None:
    text = "Remember __CSS__ and __CONFIG__, as written."
    old = 'description = "Remember your language, player volume and subtitles."'
    app = edited_app(environ, config_copy, (old, f'description = "{text}"'))
    response = app.test_client().get("/banner.js?site=demo&lang=en")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.count(f'"{text}"') == 1
    _check_syntax(node, tmp_path / "banner.js", response.data)


def test_bundle_needs_both_placeholders() -> None:
    with pytest.raises(AssetError, match="__CSS__"):
        build_bundle([ScriptPart("banner.js", "const c = __CONFIG__;")], "", {})


def test_css_minifier() -> None:
    source = "/* c */ .a ,  .b > p {\n  color : red ;\n  margin: 0 auto;\n}\n"
    assert minify_css(source) == ".a,.b>p{color:red;margin:0 auto}"
