"""``flask --app app check-config``: a summary when the file is valid, exit 1 on any mistake."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from banner.core.config_reference import reference_table
from banner.core.config_schema import json_schema
from banner.core.config_summary import BANNER_BUDGET, budget_warnings
from banner.core.regimes import Regime
from tests.support import ROOT, SHIPPED_CONFIG, edit_config


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def test_the_shipped_config_is_summarised_at_a_glance(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["check-config", str(SHIPPED_CONFIG)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{SHIPPED_CONFIG}: valid\n")
    assert "policy 2015-02-01 (https://example.org/privacy): Do Not Track not honored, " in out
    assert "Global Privacy Control honored; consents last 390 days, records are kept 1825 days" in out
    assert "site demo (Demo video site)\n  origins: http://127.0.0.1:5000, http://localhost:5000\n" in out
    assert "  languages: en, fr\n" in out
    assert (
        "  trackers: first_party session, prefs, ga4; ad_network doubleclick, xandr; "
        "beacon pixel, quantcast, social_buttons, youtube; vast ima\n"
    ) in out
    assert "categories: necessary (required), preferences, analytics, advertising, beacons, social\n" in out
    assert "; opt_out US; notice -; other countries notice; unknown country opt_in (no country_header" in out
    assert re.search(r"regimes: opt_in AT BE BG CH .* SK;", out)
    assert "dashboard users: marketing\n" in out
    assert out.endswith(
        "warnings:\n  dashboard.users[0].password_hash: user 'marketing' has the published demo password; "
        "make a real hash with: flask --app app hash-password\n"
    )


def test_every_banner_is_weighed_against_the_budget(runner: FlaskCliRunner) -> None:
    out = runner.invoke(args=["check-config", str(SHIPPED_CONFIG)]).stdout
    lines = re.findall(
        r"banner\.js (en|fr): opt_in (\d+), opt_out (\d+), notice (\d+) bytes gzipped \(budget (\d+)\)", out
    )
    assert [line[0] for line in lines] == ["en", "fr"]
    for _lang, *sizes, budget in lines:
        assert int(budget) == BANNER_BUDGET and all(2000 < int(size) <= BANNER_BUDGET for size in sizes)


def test_a_banner_over_budget_is_a_warning() -> None:
    sizes = {("demo", "en", Regime.OPT_IN): BANNER_BUDGET, ("demo", "fr", Regime.NOTICE): BANNER_BUDGET + 1}
    assert list(budget_warnings(sizes)) == [
        f"banner.js for demo, fr, notice: {BANNER_BUDGET + 1} bytes gzipped, over the {BANNER_BUDGET}-byte budget"
    ]


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (
            [("honor_dnt = false", "honour_dnt = false")],
            "policy.honour_dnt: unknown key in [policy]; did you mean honor_dnt?",
        ),
        (
            [('cookie_domain = ""', 'cookie_domian = ""')],
            "sites[0].cookie_domian: unknown key in [[sites]]; did you mean",
        ),
        ([("[limits]", "[gdpr]\ncmp_id = 0\n\n[limits]")], "gdpr: unknown table at the top level; known: service, "),
        ([('kind = "vast"', 'kind = "video"')], "trackers[5].kind: 'video' is not one of first_party, "),
        ([('id = "xandr"', 'id = "doubleclick"')], "trackers[4].id: duplicate id 'doubleclick'"),
        ([("retention_days = 1825", "retention_days = 30")], "policy.retention_days: must be at least consent_max_age"),
        ([('save = "Enregistrer"', "")], "texts.fr.save: is required"),
        ([("[policy]", "[policy")], "(syntax): "),
    ],
)
def test_each_kind_of_mistake_exits_1_naming_the_key(
    runner: FlaskCliRunner, config_copy: Path, edits: list[tuple[str, str]], message: str
) -> None:
    result = runner.invoke(args=["check-config", str(edit_config(config_copy, *edits))])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {config_copy}: {message}")


def test_a_missing_file_exits_1(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["check-config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1 and result.stderr == f"error: {tmp_path / 'nope.toml'}: (file): not found\n"


def test_what_to_look_at_before_going_live_is_warned_about(runner: FlaskCliRunner, config_copy: Path) -> None:
    path = edit_config(
        config_copy,
        ('"http://localhost:5000"]', '"http://localhost:5000", "http://www.example.org"]'),
        ('category = "social"', 'category = "beacons"'),
    )
    result = runner.invoke(args=["check-config", str(path)])
    assert result.exit_code == 0, result.output
    warnings = result.stdout.split("warnings:\n")[1].splitlines()
    assert warnings == [
        "  sites[0].origins[2]: http://www.example.org is plain http outside localhost",
        "  categories[5]: no tracker is in 'social', so the banner asks about a purpose no page uses",
        "  dashboard.users[0].password_hash: user 'marketing' has the published demo password; "
        "make a real hash with: flask --app app hash-password",
    ]


def test_schema_and_reference_come_from_the_same_declarations(runner: FlaskCliRunner) -> None:
    schema = runner.invoke(args=["check-config", "--schema"])
    assert schema.exit_code == 0 and json.loads(schema.stdout) == json_schema()
    reference = runner.invoke(args=["check-config", "--reference"])
    assert reference.exit_code == 0 and reference.stdout == reference_table() + "\n"


def flask_command(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real command line with no secret key and no Redis URL (the service would embed one in ``data_dir``)."""
    environ = {"PATH": os.environ.get("PATH", ""), "DATA_DIR": str(data_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.run(
        [flask, "--app", "app", *args], cwd=ROOT, env=environ, input=stdin, capture_output=True, text=True, timeout=60
    )


def test_the_command_line_needs_no_secret_key_and_no_redis(tmp_path: Path) -> None:
    """Production refuses to start here (no key, the demo user): checking and hashing still work."""
    data_dir = tmp_path / "var"
    checked = flask_command(data_dir, "check-config")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("config.toml: valid\n")
    hashed = flask_command(data_dir, "hash-password", stdin="a-private-password\n")
    assert hashed.returncode == 0 and hashed.stdout.startswith("scrypt:")
    bad = tmp_path / "bad.toml"
    bad.write_text(SHIPPED_CONFIG.read_text().replace("honor_gpc", "honor_gcp"))
    refused = flask_command(data_dir, "check-config", str(bad))
    assert refused.returncode == 1
    assert refused.stderr == f"error: {bad}: policy.honor_gcp: unknown key in [policy]; did you mean honor_gpc?\n"
    assert not data_dir.exists()  # no embedded Redis started, no development key made
