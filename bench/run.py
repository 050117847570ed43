"""Benchmark: the hot endpoints against a bare Flask JSON endpoint of the same app, same run.

Starts a throw-away Redis and the app under gunicorn (gthread) on loopback, then measures each
endpoint in interleaved rounds (every round measures the baseline too, and each endpoint's ratio
is taken against the baseline of its own round, which cancels most of the drift of a shared
machine). Prints requests/s, p50, p99 and the median ratio to the baseline, then Redis memory
per consent record and per site-day of counters.

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
from pathlib import Path

import load
import memory
import servers
from load import Result, Target

BASELINE = "baseline"
ORIGIN = "http://127.0.0.1:5000"  # one of the shipped demo site's origins
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
CONSENT_BODY = b'{"site":"demo","choices":{"analytics":true,"preferences":true},"action":"custom"}'
EVENT_BODY = b'{"site":"demo","type":"shown"}'
#: Ratio to the baseline each endpoint must reach (issue 6).
TARGETS = {"decision": 0.85, "banner.js 200": 0.9, "consent write": 0.6, "events": 0.8}


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
                f"load: {load.describe()}, {args.connections} connections; gunicorn gthread "
                f"{args.workers} workers x {args.threads} threads; {multiprocessing.cpu_count()} cores; "
                f"{args.rounds} rounds x {args.seconds} s per endpoint\n"
            )
            load_before = os.getloadavg()[0]
            results = _measure(base, targets, args)
            _print_table(targets, results)
            print(
                f"\nload average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}"
                " - other work on the machine shows up as noise in every row"
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
    # and with several workers gthread spreads a run's connections unevenly between them (one
    # worker can get them all), which made runs of the same endpoint differ by up to 2x.
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--skip-memory", action="store_true", help="skip the Redis memory section")
    return parser.parse_args()


def _targets(base: str) -> tuple[list[Target], list[str]]:
    """The request shapes, with a real token and ETag fetched from the running app."""
    api = {"User-Agent": USER_AGENT, "Origin": ORIGIN}
    token = _consent_token(base, api)
    targets = [
        Target(BASELINE, "GET", "/_bench/baseline", {"User-Agent": USER_AGENT}),
        Target("decision", "GET", "/api/v1/decision?site=demo", {**api, "X-Consent-Token": token}),
        Target(
            "consent write", "POST", "/api/v1/consent", {**api, "Content-Type": "application/json"}, CONSENT_BODY, 201
        ),
        Target("events", "POST", "/api/v1/events", {**api, "Content-Type": "text/plain"}, EVENT_BODY, 204),
    ]
    script = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
    etag = _probe(base, Target("banner.js", "GET", "/banner.js?site=demo", script))[1] or ""
    targets.append(Target("banner.js 200", "GET", "/banner.js?site=demo", script))
    revalidate = {**script, "If-None-Match": etag}
    targets.append(Target("banner.js 304", "GET", "/banner.js?site=demo", revalidate, expect=304))
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
        base + "/api/v1/consent", CONSENT_BODY, {**headers, "Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(json.load(response)["token"])


def _probe(base: str, target: Target) -> tuple[int, str | None]:
    """One request of that shape: its status (checked before measuring) and ETag."""
    request = urllib.request.Request(base + target.path, target.body or None, target.headers, method=target.method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("ETag")
    except urllib.error.HTTPError as e:  # 304 lands here too
        return e.code, e.headers.get("ETag")


def _measure(base: str, targets: list[Target], args: argparse.Namespace) -> dict[str, list[Result]]:
    """Warm every endpoint, then ``rounds`` rounds, each in a rotated order."""
    for target in targets:
        load.run(base, target, 1, args.connections)
    results: dict[str, list[Result]] = {t.name: [] for t in targets}
    for r in range(args.rounds):
        order = targets[r % len(targets) :] + targets[: r % len(targets)]
        for target in order:
            results[target.name].append(load.run(base, target, args.seconds, args.connections))
            time.sleep(0.2)
    return results


def _print_table(targets: list[Target], results: dict[str, list[Result]]) -> None:
    baseline = results[BASELINE]
    header = f"{'endpoint':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'target':>8}  "
    print(header + "\n" + "-" * len(header))
    for target in targets:
        runs = results[target.name]
        ratios = [run.requests_per_s / base.requests_per_s for run, base in zip(runs, baseline, strict=True)]
        ratio = statistics.median(ratios)
        goal = TARGETS.get(target.name)
        verdict = "" if goal is None else ("ok" if ratio >= goal else "MISSED")
        bad = sum(run.bad for run in runs)
        print(
            f"{target.name:<16}{_median(runs, lambda x: x.requests_per_s):>9.0f}"
            f"{_median(runs, lambda x: x.p50_ms):>9.2f}{_median(runs, lambda x: x.p99_ms):>9.2f}"
            f"{ratio:>8.2f}{'' if goal is None else f'>={goal}':>8}  {verdict}"
            + (f"  ({bad} unexpected answers)" if bad else "")
        )


def _median(runs: list[Result], value: Callable[[Result], float]) -> float:
    return statistics.median(value(run) for run in runs)


if __name__ == "__main__":
    main()
