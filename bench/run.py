"""Benchmark: the hot endpoints against bare Flask endpoints of the same app, same run, with CPU.

Starts a throw-away Redis and the app under gunicorn on loopback, then measures each endpoint in
interleaved rounds (every round measures the baselines too, and each endpoint's ratio is taken
against the baselines of its own round, which cancels most of the drift of a shared machine).
Two baselines: a bare Flask JSON endpoint, and the same plus one HSET through redis-py (what a
consent write cannot do without). Beside the ratios, the CPU the gunicorn workers and Redis spent
per request, read from ``/proc`` around each measurement: unlike throughput, it hardly moves when
other work shares the machine. Requests come from many client addresses (``X-Forwarded-For``
behind one trusted proxy), as visitors do. Then Redis memory per consent record and per site-day.

    .venv/bin/python bench/run.py [--seconds 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import load
import memory
import servers
from load import Result, Target

BASELINE = "bare Flask"
HSET_BASELINE = "bare Flask + HSET"
ORIGIN = "http://127.0.0.1:5000"  # one of the shipped demo site's origins
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
#: A browser no one sent before, on every request (``{n}`` is new each time, see ``load``).
NEW_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.{n}.0 Safari/537.36"
)
CLIENT = {"X-Forwarded-For": "{ip}"}
CONSENT_BODY = b'{"site":"demo","choices":{"analytics":true,"preferences":true},"action":"custom"}'
EVENT_BODY = b'{"site":"demo","type":"shown"}'
#: Ratio to bare Flask each endpoint must reach.
TARGETS = {"decision": 0.9, "banner.js 200": 0.9, "consent write": 0.6, "events": 0.85}
#: Ratio to bare Flask + one HSET.
HSET_TARGETS = {"consent write": 0.8}
#: CPU of the workers per request, microseconds, at most.
CPU_TARGETS = {"consent write": 600, "decision": 300}
#: What a User-Agent never seen before may add to a decision's CPU, microseconds.
NEW_AGENT_TARGET = 200


@dataclass(frozen=True)
class Measure:
    load: Result
    app_us: float  # worker CPU per request
    redis_us: float  # Redis CPU per request


def main() -> None:
    args = _arguments()
    with tempfile.TemporaryDirectory(prefix="banner-bench-") as tmp:
        workdir = Path(tmp)
        with (
            servers.redis_server(workdir) as redis_url,
            servers.gunicorn_app(redis_url, args.workers, args.threads, workdir) as base,
        ):
            targets, notes = _targets(base)
            print(
                f"load: {load.describe()}, {args.connections} connections; gunicorn {_workers(args)}; "
                f"{multiprocessing.cpu_count()} cores; {args.rounds} rounds x {args.seconds} s per endpoint\n"
            )
            load_before = os.getloadavg()[0]
            results = _measure(base, targets, args, workdir)
            _print_table(targets, results)
            print(
                f"\nload average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}"
                " - other work on the machine shows up as noise in the throughput columns"
            )
            for note in notes:
                print(note)
            if not args.skip_memory:
                print()
                memory.report(redis_url, base)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=4, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over all endpoints")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    # One worker by default: on a 2-core machine the load generator and Redis need the other core,
    # and with several workers the connections of a run may spread unevenly between them (one
    # worker can get them all), which made runs of the same endpoint differ by up to 2x.
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the Redis memory section")
    return parser.parse_args()


def _workers(args: argparse.Namespace) -> str:
    """What ``gunicorn.conf.py`` runs (the bench and production share it, ``GUNICORN_WORKER_CLASS`` too)."""
    namespace: dict[str, object] = {}
    exec(compile((servers.ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    worker_class = str(namespace.get("worker_class", "sync"))
    threads = f" x {args.threads} threads" if worker_class == "gthread" else ""
    return f"{worker_class} {args.workers} workers{threads}"


def _targets(base: str) -> tuple[list[Target], list[str]]:
    """The request shapes, with a real token, bundle URL and ETag fetched from the running app."""
    api = {"User-Agent": USER_AGENT, "Origin": ORIGIN, **CLIENT}
    token = _consent_token(base, api)
    decision = {**api, "X-Consent-Token": token}
    script = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **CLIENT}
    bundle = _bundle_path(base, "/banner.js?site=demo", script)
    etag = _probe(base, Target("banner.js", "GET", bundle, script))[1] or ""
    targets = [
        Target(BASELINE, "GET", "/_bench/baseline", {"User-Agent": USER_AGENT, **CLIENT}),
        Target(HSET_BASELINE, "GET", "/_bench/hset", {"User-Agent": USER_AGENT, **CLIENT}),
        Target("decision", "GET", "/api/v1/decision?site=demo", decision),
        Target("decision, new UA", "GET", "/api/v1/decision?site=demo", {**decision, "User-Agent": NEW_USER_AGENT}),
        Target(
            "consent write", "POST", "/api/v1/consent", {**api, "Content-Type": "application/json"}, CONSENT_BODY, 201
        ),
        Target("events", "POST", "/api/v1/events", {**api, "Content-Type": "text/plain"}, EVENT_BODY, 204),
        Target("banner.js 302", "GET", "/banner.js?site=demo", script, expect=302),
        Target("banner.js 200", "GET", bundle, script),
        Target("banner.js 304", "GET", bundle, {**script, "If-None-Match": etag}, expect=304),
    ]
    kept, notes = [], []
    for target in targets:
        status = _probe(base, target)[0]
        if status == target.expect:
            kept.append(target)
        else:
            notes.append(f"{target.name} skipped: {target.method} {target.path} answered {status}, not {target.expect}")
    return kept, notes


def _consent_token(base: str, headers: dict[str, str]) -> str:
    request = urllib.request.Request(
        base + "/api/v1/consent", CONSENT_BODY, {**_filled(headers), "Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(json.load(response)["token"])


def _bundle_path(base: str, path: str, headers: dict[str, str]) -> str:
    """Where the page's tag sends the browser: the bundle's own URL (or the tag's, if it answers 200)."""
    request = urllib.request.Request(base + path, headers=_filled(headers))
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(response.url).removeprefix(base)


def _probe(base: str, target: Target) -> tuple[int, str | None]:
    """One request of that shape, redirects not followed: its status (checked before measuring) and ETag."""
    request = urllib.request.Request(
        base + target.path, target.body or None, _filled(target.headers), method=target.method
    )
    try:
        with _NO_REDIRECTS.open(request, timeout=5) as response:
            return response.status, response.headers.get("ETag")
    except urllib.error.HTTPError as e:  # 302 and 304 land here too
        return e.code, e.headers.get("ETag")


class _Unredirected(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_NO_REDIRECTS = urllib.request.build_opener(_Unredirected)


def _filled(headers: dict[str, str]) -> dict[str, str]:
    """The per-request fields of ``load`` filled once, for a single request."""
    return {k: v.replace("{n}", "0").replace("{ip}", "10.255.255.255") for k, v in headers.items()}


def _measure(base: str, targets: list[Target], args: argparse.Namespace, workdir: Path) -> dict[str, list[Measure]]:
    """Warm every endpoint, then ``rounds`` rounds, each in a rotated order."""
    for target in targets:
        load.run(base, target, 1, args.connections)
    workers, redis = servers.worker_pids(workdir), [servers.redis_pid(workdir)]
    results: dict[str, list[Measure]] = {t.name: [] for t in targets}
    for r in range(args.rounds):
        order = targets[r % len(targets) :] + targets[: r % len(targets)]
        for target in order:
            app_cpu, redis_cpu = servers.cpu_seconds(workers), servers.cpu_seconds(redis)
            result = load.run(base, target, args.seconds, args.connections)
            app_cpu, redis_cpu = servers.cpu_seconds(workers) - app_cpu, servers.cpu_seconds(redis) - redis_cpu
            n = max(1, result.requests)
            results[target.name].append(Measure(result, app_cpu / n * 1e6, redis_cpu / n * 1e6))
            time.sleep(0.2)
    return results


def _print_table(targets: list[Target], results: dict[str, list[Measure]]) -> None:
    header = (
        f"{'endpoint':<19}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'x bare':>8}{'x HSET':>8}{'target':>11}"
        f"{'CPU us':>8}{'target':>8}{'Redis us':>10}  "
    )
    print(header + "\n" + "-" * len(header))
    cpu = {name: _median(runs, lambda m: m.app_us) for name, runs in results.items()}
    for target in targets:
        runs = results[target.name]
        ratio, hset = _ratio(runs, results.get(BASELINE)), _ratio(runs, results.get(HSET_BASELINE))
        goals = (TARGETS.get(target.name), HSET_TARGETS.get(target.name), CPU_TARGETS.get(target.name))
        target_text = " ".join(f"{g}x" for g in goals[:2] if g is not None)
        missed = [
            goals[0] is not None and ratio is not None and ratio < goals[0],
            goals[1] is not None and hset is not None and hset < goals[1],
            goals[2] is not None and cpu[target.name] > goals[2],
        ]
        verdict = "" if not any(g is not None for g in goals) else ("MISSED" if any(missed) else "ok")
        bad = sum(m.load.bad for m in runs)
        print(
            f"{target.name:<19}{_median(runs, lambda m: m.load.requests_per_s):>7.0f}"
            f"{_median(runs, lambda m: m.load.p50_ms):>8.2f}{_median(runs, lambda m: m.load.p99_ms):>8.2f}"
            f"{_text(ratio):>8}{_text(hset):>8}{target_text:>11}{cpu[target.name]:>8.0f}"
            f"{'' if goals[2] is None else f'<={goals[2]}':>8}{_median(runs, lambda m: m.redis_us):>10.0f}  {verdict}"
            + (f"  ({bad} unexpected answers)" if bad else "")
        )
    if "decision" in cpu and "decision, new UA" in cpu:
        extra = cpu["decision, new UA"] - cpu["decision"]
        verdict = "ok" if extra <= NEW_AGENT_TARGET else "MISSED"
        print(f"\na new User-Agent adds {extra:.0f} us of CPU to a decision (target <= {NEW_AGENT_TARGET})  {verdict}")


def _ratio(runs: list[Measure], baseline: list[Measure] | None) -> float | None:
    """The median over rounds of this endpoint's throughput over the baseline's of the same round."""
    if baseline is None:
        return None
    pairs = zip(runs, baseline, strict=True)
    return statistics.median(m.load.requests_per_s / b.load.requests_per_s for m, b in pairs)


def _text(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}"


def _median(runs: list[Measure], value: Callable[[Measure], float]) -> float:
    return statistics.median(value(run) for run in runs)


if __name__ == "__main__":
    main()
