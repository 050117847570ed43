"""Where a request's CPU goes, step by step: the app in process, one thread, no HTTP server.

Serves the benchmark app (``bench/wsgi.py``: the real app plus the bare endpoints) against a
throw-away redis-server and calls it through WSGI directly, with 50 realistic User-Agents in
turn. Prints the thread CPU time per request of each hot endpoint (median), what a User-Agent
never seen before adds, and the consent write broken down by step: each step is one function
of the app or of a library, timed on its own CPU minus the steps it calls; what no step covers
is "other". The timers cost about a microsecond each, so the breakdown's total runs a little
over the plain measurement above it. Waiting on Redis is not CPU and never shows.

    .venv/bin/python bench/steps.py [--requests 3000]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import io
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import servers  # puts the repository on sys.path
from agent_parsing import fresh_agents
from werkzeug.test import EnvironBuilder

from bench.wsgi import create_bench_app

ORIGIN = "http://127.0.0.1:5000"
CONSENT_BODY = b'{"site":"demo","choices":{"analytics":true,"preferences":true},"action":"custom"}'
EVENT_BODY = b'{"site":"demo","type":"shown"}'
AGENTS = 50

#: (step, "module:attribute.path"): the functions timed for the breakdown. A target that does not
#: exist in this version of the code is left out, so the same script profiles older versions too.
STEPS: tuple[tuple[str, str], ...] = (
    ("Flask: request object", "flask.app:Flask.request_context"),
    ("Flask: request context, session open", "flask.ctx:RequestContext.push"),
    ("Flask: URL routing", "flask.ctx:RequestContext.match_request"),
    ("Flask: before_request hooks", "flask.app:Flask.preprocess_request"),
    ("Flask: view result -> response", "flask.app:Flask.make_response"),
    ("Flask: after_request hooks, session save", "flask.app:Flask.process_response"),
    ("Flask: teardown, context pop", "flask.ctx:RequestContext.pop"),
    ("WSGI: response headers and body", "werkzeug.wrappers.response:Response.__call__"),
    ("rate-limit guard", "banner.web.limits:Limits.check"),
    ("rate-limit client key", "banner.web.limits:Limits.client_key"),
    ("body read + JSON parse", "banner.web.api:json_body"),
    ("validation", "banner.web.api:parse_consent_request"),
    ("origin check", "banner.web.api:check_origin"),
    ("signals: UA cache, counting", "banner.web.api:visitor_signals"),
    ("previous token verify", "banner.web.api:verify"),
    ("decide", "banner.core.recording:decide"),
    ("sign token", "banner.core.tokens:TokenSigner.sign"),
    ("record, counters, log entries", "banner.core.recording:_record"),
    ("record, counters, log entries", "banner.core.counters:consent_counts"),
    ("record, counters, log entries", "banner.core.recording:_signal_log_entries"),
    ("consent id", "banner.core.recording:new_consent_id"),
    ("spool check", "banner.store.durable:DurableStore.save_consent"),
    ("store: record and arguments", "banner.store.consents:ConsentStore.save_consent"),
    ("store: record and arguments", "banner.store.consents:dump_record"),
    ("store: redis-py EVALSHA", "redis.commands.core:Script.__call__"),
    ("store: EVALSHA on a kept connection", "banner.store.calls:ScriptCalls.run"),
    ("revocation list", "banner.store.revocations:Revocations.add"),
    ("answer: decision document", "banner.core.policy:Decision.to_json"),
    ("answer: JSON encoding", "banner.web.api:jsonify"),
    ("answer: JSON encoding", "banner.web.api:dump_bytes"),
    ("answer: CORS headers", "banner.web.api:add_cors_headers"),
    ("answer: Set-Cookie", "banner.web.api:set_consent_cookie"),
)


class StepClock:
    """Exclusive thread CPU per step: a step's time minus the time of the steps it calls."""

    def __init__(self) -> None:
        self.spent: dict[str, int] = {}
        self.on = False
        self._stack: list[list[int]] = []  # per open step: [start, time spent in nested steps]

    def wrap(self, step: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not self.on:
                return function(*args, **kwargs)
            frame = [time.thread_time_ns(), 0]
            self._stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.thread_time_ns() - frame[0]
                self._stack.pop()
                self.spent[step] = self.spent.get(step, 0) + elapsed - frame[1]
                if self._stack:
                    self._stack[-1][1] += elapsed

        return timed

    def install(self) -> list[str]:
        """Wrap every step that exists in this code; answers the targets left out."""
        missing = []
        for step, target in STEPS:
            owner, name = _resolve(target)
            original = vars(owner).get(name) if owner is not None else None
            if original is None or not callable(original):
                missing.append(target)
                continue
            setattr(owner, name, self.wrap(step, original))
        return missing


def _resolve(target: str) -> tuple[Any, str]:
    module_name, _, path = target.partition(":")
    try:
        owner: Any = importlib.import_module(module_name)
    except ImportError:
        return None, ""
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent, None)
        if owner is None:
            return None, ""
    return owner, name


class Driver:
    """Calls the app through WSGI with prepared environs, as a server would.

    Each request comes from another client address, as visitors do: one address sending every
    request would be a single client past its rate-limit allowance, counted in Redis each time.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.addresses = (f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}" for i in itertools.count())

    def environ(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> dict[str, Any]:
        builder = EnvironBuilder(path=path, method=method, headers=headers, data=body or None)
        try:
            return builder.get_environ()
        finally:
            builder.close()

    def call(self, environ: dict[str, Any]) -> str:
        environ = dict(environ)
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].getvalue())
        environ["REMOTE_ADDR"] = next(self.addresses)
        status: list[str] = []
        chunks = self.app(environ, lambda s, h, e=None: status.append(s))
        try:
            for _ in chunks:
                pass
        finally:
            getattr(chunks, "close", lambda: None)()
        return status[0]

    def cpu(self, environs: Iterator[dict[str, Any]], expect: str) -> list[float]:
        """Thread CPU microseconds of each request."""
        samples = []
        for environ in environs:
            start = time.thread_time_ns()
            status = self.call(environ)
            samples.append((time.thread_time_ns() - start) / 1000)
            if not status.startswith(expect):
                raise RuntimeError(f"{environ['PATH_INFO']} answered {status}, not {expect}")
        return samples


def _shapes(driver: Driver, agents: list[str]) -> dict[str, tuple[list[dict[str, Any]], str]]:
    """Each endpoint's request, once per User-Agent, and the status it must answer."""
    api = {"Origin": ORIGIN}
    token = json.loads(_consent(driver, agents[0]))["token"]
    bundle = driver.app.test_client().get("/banner.js?site=demo", headers={"Accept-Encoding": "gzip"})
    script_path = bundle.headers.get("Location") or "/banner.js?site=demo&lang=en"
    shapes: dict[str, tuple[str, str, dict[str, str], bytes, str]] = {
        "bare Flask": ("GET", "/_bench/baseline", {}, b"", "200"),
        "bare Flask + one HSET": ("GET", "/_bench/hset", {}, b"", "200"),
        "decision (cache hit)": ("GET", "/api/v1/decision?site=demo", {**api, "X-Consent-Token": token}, b"", "200"),
        "consent write": (
            "POST",
            "/api/v1/consent",
            {**api, "Content-Type": "application/json"},
            CONSENT_BODY,
            "201",
        ),
        "consent write, replacing a token": (
            "POST",
            "/api/v1/consent",
            {**api, "Content-Type": "application/json", "X-Consent-Token": token},
            CONSENT_BODY,
            "201",
        ),
        "events": ("POST", "/api/v1/events", {**api, "Content-Type": "text/plain"}, EVENT_BODY, "204"),
        "banner.js 200": ("GET", script_path, {"Accept-Encoding": "gzip"}, b"", "200"),
    }
    built = {}
    for name, (method, path, headers, body, expect) in shapes.items():
        environs = [driver.environ(method, path, {**headers, "User-Agent": agent}, body) for agent in agents]
        if driver.call(environs[0])[:3] == "404":
            continue  # an older bench app without this baseline
        built[name] = (environs, expect)
    return built


def _consent(driver: Driver, agent: str) -> bytes:
    headers = {"Origin": ORIGIN, "Content-Type": "application/json", "User-Agent": agent}
    response = driver.app.test_client().post("/api/v1/consent", data=CONSENT_BODY, headers=headers)
    return bytes(response.get_data())


def _cycle(environs: list[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield environs[i % len(environs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="requests per measurement")
    args = parser.parse_args()
    rng = random.Random(7)
    agents = list(fresh_agents(rng))[:AGENTS]
    with tempfile.TemporaryDirectory(prefix="banner-steps-") as tmp, servers.redis_server(Path(tmp)) as url:
        driver = Driver(_app(Path(tmp), url))
        shapes = _shapes(driver, agents)
        print(f"thread CPU per request, median of {args.requests} (us), {AGENTS} User-Agents in turn\n")
        medians = {}
        for name, (environs, expect) in shapes.items():
            driver.cpu(_cycle(environs, len(environs) * 4), expect)  # warm every cache
            medians[name] = statistics.median(driver.cpu(_cycle(environs, args.requests), expect))
            print(f"  {name:<36}{medians[name]:>8.0f}")
        _new_agent(driver, shapes, rng, args.requests, medians)
        _breakdown(driver, shapes["consent write"], args.requests, medians["consent write"])


def _new_agent(driver: Driver, shapes: Any, rng: random.Random, count: int, medians: dict[str, float]) -> None:
    """A decision from a browser never seen before: the User-Agent parse on top of a cache hit."""
    environs, expect = shapes["decision (cache hit)"]
    template = environs[0]

    def fresh() -> Iterator[dict[str, Any]]:
        for agent in fresh_agents(rng):
            yield {**template, "HTTP_USER_AGENT": agent}

    samples = driver.cpu(iter(list(fresh())[:count]), expect)
    extra = statistics.median(samples) - medians["decision (cache hit)"]
    print(f"  {'a new User-Agent, extra':<36}{extra:>8.0f}")


def _breakdown(driver: Driver, shape: tuple[list[dict[str, Any]], str], count: int, plain: float) -> None:
    environs, expect = shape
    clock = StepClock()
    missing = clock.install()
    clock.on = True
    samples = driver.cpu(_cycle(environs, count), expect)
    clock.on = False
    total = sum(samples)
    print(f"\nconsent write by step (us per request; instrumented {total / count:.0f}, plain {plain:.0f}):\n")
    rows = sorted(((spent / 1000 / count, step) for step, spent in clock.spent.items()), reverse=True)
    for us, step in rows:
        print(f"  {step:<44}{us:>8.1f}")
    other = total / count - sum(us for us, _ in rows)
    print(f"  {'other (Werkzeug request, routing, view glue)':<44}{other:>8.1f}")
    if missing and os.environ.get("STEPS_VERBOSE"):
        print("\nnot in this code: " + ", ".join(missing))


def _app(workdir: Path, redis_url: str) -> Any:
    environ = {
        **os.environ,
        "SECRET_KEY": os.urandom(24).hex(),
        "REDIS_URL": redis_url,
        "BANNER_CONFIG": str(servers.bench_config(workdir)),
        "DATA_DIR": str(workdir / "data"),
    }
    environ.pop("REDIS_CLUSTER", None)
    os.environ.update(environ)
    return create_bench_app({"FLUSH_INTERVAL": 0})  # no flusher thread: this thread's CPU only


if __name__ == "__main__":
    sys.exit(main())
