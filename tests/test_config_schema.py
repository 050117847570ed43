"""The JSON Schema of config.toml agrees with the parser, and the README's table with both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient

from banner.core.config_reference import reference_table
from banner.core.config_schema import json_schema
from banner.core.config_spec import VARIABLES
from banner.core.errors import ConfigError
from tests.support import ROOT, schema_problems
from tests.test_config import DELETE, _break, parse, shipped


def test_the_shipped_config_satisfies_the_schema() -> None:
    assert schema_problems(shipped()) == []


def _objects(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "properties" in schema or "patternProperties" in schema:
        yield schema
    for value in schema.values():
        for child in value.values() if isinstance(value, dict) else ():
            if isinstance(child, dict):
                yield from _objects(child)
    if "items" in schema:
        yield from _objects(schema["items"])


def test_the_schema_is_draft07_closed_and_explains_every_key() -> None:
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    objects = list(_objects(schema))
    assert len(objects) > 10
    variant = schema["properties"]["sites"]["items"]["properties"]["variants"]["items"]
    (overrides,) = variant["properties"]["texts"]["patternProperties"].values()
    for table in objects:
        assert table["additionalProperties"] is False
        for name, key in table.get("properties", {}).items():
            assert key["description"], name
            # A variant's text overrides have no default: one not given is the site's own text.
            if name not in table.get("required", []) and key["type"] != "object" and table is not overrides:
                assert "default" in key, name


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("policy.honour_dnt", True),
        ("sites.0.cookie_domian", ".example.org"),
        ("gdpr", {"cmp_id": 0}),
        ("texts.en.tittle", "Title"),
        ("categories.0.text.en.lable", "Label"),
        ("dashboard.users.0.role", "admin"),
        ("texts.EN", {}),
        ("policy.honor_dnt", "no"),
        ("service.proxy_hops", "1"),
        ("service.proxy_hops", 9),
        ("policy.consent_max_age_days", 0),
        ("trackers.0.kind", "pixel"),
        ("jurisdictions.unknown", "strict"),
        ("jurisdictions.opt_out", ["usa"]),
        ("categories.0.google_consent_mode", ["ads"]),
        ("sites.0.id", "Demo Site!"),
        ("sites.0.origins", ["example.org"]),
        ("sites.0.languages", ["English"]),
        ("sites", []),
        ("policy.version", "Feb 2015"),
        ("policy", DELETE),
        ("policy.dnt_notice", DELETE),
        ("trackers.1.name", DELETE),
        ("texts.fr.title", DELETE),
        ("service.redis_url", "http://redis.internal"),
        ("service.secret_key", "short"),
        ("service.secret_key_fallbacks", ["x"]),
        ("dashboard.users.0.password_hash", "consent-demo"),
    ],
)
def test_the_schema_and_the_parser_both_refuse_a_bad_config(path: str, value: Any) -> None:
    data = _break(path, value)
    with pytest.raises(ConfigError):
        parse(data)
    assert schema_problems(data) != []


def test_the_schema_is_served_for_editors(client: FlaskClient) -> None:
    response = client.get("/config.schema.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert response.get_json(force=True) == json_schema()


def test_the_readme_reference_is_the_generated_one() -> None:
    """Regenerate it with ``flask --app app check-config --reference``."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("| key | default | meaning |")
    end = readme.index("\n\n", start)
    assert readme[start:end] == reference_table()
    following = readme[end : readme.index("\n\n", end + 2)]
    assert all(f"`{name}`" in following for name in VARIABLES), following
