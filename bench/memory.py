"""Redis memory per stored consent and per site-day of counters (``MEMORY USAGE``).

Posts consents through the running app with a mix of browsers, devices and DNT, then asks Redis
what they cost. Run alone (``.venv/bin/python bench/memory.py``) it starts its own servers.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import servers

from banner.core.clock import day_key
from banner.store import keys
from banner.web import FLUSH_INTERVAL

SITE = "demo"
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 Edg/124.0",
)
ACTIONS = (
    {"action": "accept_all"},
    {"action": "reject_all"},
    {"action": "custom", "choices": {"analytics": True, "preferences": True}},
    {"action": "custom", "choices": {"advertising": True}, "trackers": {"xandr": False}},
)


def post_consents(base: str, n: int, offset: int = 0) -> list[str]:
    """``n`` consents in a realistic mix; every third visitor sends DNT. Answers the ids."""
    ids = []
    for i in range(offset, offset + n):
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENTS[i % len(USER_AGENTS)]}
        if i % 3 == 0:
            headers["DNT"] = "1"
        body = json.dumps({"site": SITE, **ACTIONS[i % len(ACTIONS)]}).encode()
        request = urllib.request.Request(base + "/api/v1/consent", body, headers, method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            ids.append(json.load(response)["id"])
    return ids


def usage(client: Any, keys: list[str]) -> list[int]:
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.memory_usage(key, samples=0)
    return [int(n or 0) for n in pipe.execute()]


def report(redis_url: str, base: str, n: int = 1500) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    day_hash = keys.day(SITE, day_key(datetime.now(UTC)))
    logs, dnt_logs = keys.logs(SITE), keys.signal_logs(SITE, "dnt")
    ids = post_consents(base, n)
    time.sleep(FLUSH_INTERVAL + 0.5)  # counts reach the day hash through the tally
    records = usage(client, [keys.record(SITE, i) for i in ids])
    log_bytes, dnt_bytes = sum(usage(client, logs)), sum(usage(client, dnt_logs))
    (day_first,) = usage(client, [day_hash])
    fields_first = client.hlen(day_hash)
    post_consents(base, n, offset=n)
    time.sleep(FLUSH_INTERVAL + 0.5)
    (day_second,) = usage(client, [day_hash])
    per_log_entry = log_bytes / max(1, sum(client.xlen(k) for k in logs))
    per_dnt_entry = dnt_bytes / max(1, sum(client.xlen(k) for k in dnt_logs))
    per_consent = statistics.mean(records) + per_log_entry + per_dnt_entry / 3
    print(f"Redis memory (MEMORY USAGE, {n} consents in a mix of browsers, devices, actions; 1 in 3 with DNT)")
    rows = [
        ("consent record (string, JSON)", f"mean {statistics.mean(records):.0f} B, max {max(records)} B"),
        ("consent event (stream entry)", f"{per_log_entry:.0f} B"),
        ("DNT log entry (stream entry)", f"{per_dnt_entry:.0f} B"),
        ("all of one consent", f"{per_consent:.0f} B  ->  {per_consent:.0f} MB per million consents"),
        (
            "site-day counters (hash)",
            f"{day_first} B, {fields_first} fields after {n} consents; "
            f"{day_second} B, {client.hlen(day_hash)} fields after {2 * n}",
        ),
    ]
    for label, value in rows:
        print(f"  {label:<32}{value}")
    client.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="banner-memory-") as tmp:
        workdir = Path(tmp)
        with servers.redis_server(workdir) as redis_url, servers.gunicorn_app(redis_url, 1, 2, workdir) as base:
            report(redis_url, base)


if __name__ == "__main__":
    main()
