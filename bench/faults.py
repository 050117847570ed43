"""Load with faults: consents posted under load while Redis is restarted; nothing may be lost.

Starts Redis and the app under gunicorn on loopback, drives N concurrent keep-alive clients
posting consents for a fixed time, kills Redis (SIGKILL) in the middle and starts it again on
the same data directory, waits for the spool to drain, then counts:
acknowledged consents == stored consent records, and zero 5xx.

    .venv/bin/python bench/faults.py [--clients 8] [--seconds 20] [--outage 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
import servers

from banner.store import keys

BODY = json.dumps({"site": "demo", "action": "custom", "choices": {"analytics": True}}).encode()
HEADERS = {"Content-Type": "application/json", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"}


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.acknowledged: list[str] = []
        self.statuses: dict[int, int] = {}
        self.errors = 0

    def add(self, status: int, consent_id: str | None) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if consent_id:
                self.acknowledged.append(consent_id)


def client_loop(host: str, port: int, until: float, tally: Tally) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    while time.monotonic() < until:
        try:
            conn.request("POST", "/api/v1/consent", BODY, HEADERS)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            with tally.lock:
                tally.errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
            continue
        consent_id = json.loads(payload)["id"] if response.status == 201 else None
        tally.add(response.status, consent_id)
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--outage", type=float, default=3.0, help="seconds Redis stays down")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        workdir = Path(tmp)
        store = servers.RedisProcess(workdir)
        store.start()
        tally = Tally()
        try:
            with servers.gunicorn_app(store.url, args.workers, 4, workdir) as base:
                host, port = base.removeprefix("http://").split(":")
                until = time.monotonic() + args.seconds
                threads = [
                    threading.Thread(target=client_loop, args=(host, int(port), until, tally))
                    for _ in range(args.clients)
                ]
                for t in threads:
                    t.start()
                time.sleep(args.seconds / 3)
                store.kill()
                print(f"redis killed after {tally.requests} requests", flush=True)
                time.sleep(args.outage)
                store.start()
                print(f"redis restarted after {tally.requests} requests", flush=True)
                for t in threads:
                    t.join()
                drained = _wait_drained(base)
            stored = _stored_ids(store.socket)
        finally:
            store.stop()

    acknowledged = set(tally.acknowledged)
    lost = acknowledged - stored
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    print(f"requests      {tally.requests}")
    print(f"acknowledged  {len(acknowledged)}")
    print(f"stored        {len(stored)}")
    print(f"lost          {len(lost)}")
    print(f"5xx           {server_errors}")
    print(f"statuses      {dict(sorted(tally.statuses.items()))}")
    print(f"transport     {tally.errors} connection errors")
    print(f"spool drained {drained}")
    return 0 if not lost and not server_errors and drained else 1


def _wait_drained(base: str, timeout: float = 30.0) -> bool:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if json.load(response)["spool_depth"] == 0:
                    return True
        except urllib.error.HTTPError as e:
            if e.code != 503:
                raise
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _stored_ids(socket: Path) -> set[str]:
    client = redis.Redis(unix_socket_path=str(socket), decode_responses=True)
    return {key.rsplit(":", 1)[1] for key in client.scan_iter(keys.record("demo", "*"), count=1000)}


if __name__ == "__main__":
    sys.exit(main())
