"""Load generators: ``wrk`` when installed, else a Python keep-alive client in a few processes.

Both drive one request shape over N keep-alive connections for a fixed time and answer the
same :class:`Result`: throughput, p50 and p99 latency, and how many answers were not the
expected status.

A header value may name per-request fields, filled anew for every request sent: ``{n}`` a
number no other request of the run had, ``{ip}`` an IPv4 address taken from it (2**24 of
them, 10.0.0.0/8). So a run can come from many clients, as real traffic does, rather than one
client address far past every per-client allowance, or from browsers never seen before.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

WRK = shutil.which("wrk")


@dataclass(frozen=True)
class Target:
    """One request shape to replay."""

    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    expect: int = 200


@dataclass(frozen=True)
class Result:
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    bad: int  # answers with another status than expected, or transport errors


def run(base: str, target: Target, seconds: float, connections: int) -> Result:
    if WRK:
        return _run_wrk(base, target, seconds, connections)
    return _run_python(base, target, seconds, connections)


# -- wrk ---------------------------------------------------------------------------------

_WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


_WRK_FIELDS = """
local n = 0
request = function()
  n = n + 1
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value:gsub("{n}", tostring(n)):gsub("{ip}", ip)
  end
  return wrk.format(nil, nil, headers)
end
"""


def _run_wrk(base: str, target: Target, seconds: float, connections: int) -> Result:
    lines = [f"wrk.method = {_lua(target.method)}", f"wrk.body = {_lua(target.body.decode())}"]
    lines += [f"wrk.headers[ {_lua(k)} ] = {_lua(v)}" for k, v in target.headers.items()]
    fields = _WRK_FIELDS if any(_FIELD_RE.search(v) for v in target.headers.values()) else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write("\n".join(lines) + fields + _WRK_DONE)
        script.flush()
        args = [WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", script.name, base + target.path]
        out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {target.name}:\n{out}")
    requests, duration_us, p50, p99, errors = (int(x) for x in line.split()[1:])
    return Result(requests, requests / (duration_us / 1e6), p50 / 1000, p99 / 1000, errors)


def _lua(text: str) -> str:
    return "[==[" + text + "]==]"


# -- Python keep-alive client ------------------------------------------------------------

#: Client processes: one per core keeps the client from being the bottleneck on small machines.
PROCESSES = 2


def _run_python(base: str, target: Target, seconds: float, connections: int) -> Result:
    host, port = _host_port(base)
    per_process = max(1, connections // PROCESSES)
    request = _raw_request(host, target)
    jobs = [(host, port, request, target.expect, seconds, per_process, i) for i in range(PROCESSES)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        parts = pool.starmap(_client_process, jobs)
    latencies = sorted(x for part in parts for x in part[0])
    bad = sum(part[1] for part in parts)
    if not latencies:
        return Result(0, 0.0, 0.0, 0.0, bad)
    return Result(
        len(latencies),
        len(latencies) / seconds,
        latencies[len(latencies) // 2] * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        bad,
    )


def _host_port(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


def _raw_request(host: str, target: Target) -> bytes:
    head = [f"{target.method} {target.path} HTTP/1.1", f"Host: {host}"]
    head += [f"{k}: {v}" for k, v in target.headers.items()]
    if target.body or target.method in ("POST", "PUT"):
        head.append(f"Content-Length: {len(target.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + target.body


_FIELD_RE = re.compile(r"\{(?:n|ip)\}")


class Requests:
    """The request bytes to send next: the same every time, or with the per-request fields filled."""

    def __init__(self, template: bytes, process: int) -> None:
        self.parts = re.split(rb"(\{n\}|\{ip\})", template)
        self.numbers = itertools.count(process, PROCESSES)  # unique across the client processes

    def next(self) -> bytes:
        if len(self.parts) == 1:
            return self.parts[0]
        n = next(self.numbers)
        fields = {b"{n}": str(n).encode(), b"{ip}": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}".encode()}
        return b"".join(fields.get(part, part) for part in self.parts)


def _client_process(
    host: str, port: int, request: bytes, expect: int, seconds: float, connections: int, process: int
) -> tuple[list[float], int]:
    return asyncio.run(_client(host, port, Requests(request, process), expect, seconds, connections))


async def _client(
    host: str, port: int, requests: Requests, expect: int, seconds: float, connections: int
) -> tuple[list[float], int]:
    deadline = time.perf_counter() + seconds
    results = await asyncio.gather(*(_connection(host, port, requests, expect, deadline) for _ in range(connections)))
    return [x for lat, _ in results for x in lat], sum(bad for _, bad in results)


async def _connection(
    host: str, port: int, requests: Requests, expect: int, deadline: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    bad = 0
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (start := time.perf_counter()) < deadline:
            writer.write(requests.next())
            status = await _read_response(reader)
            latencies.append(time.perf_counter() - start)
            bad += status != expect
    except (OSError, asyncio.IncompleteReadError, ValueError):
        bad += 1
    finally:
        writer.close()
    return latencies, bad


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding":
            raise ValueError("chunked responses are not supported by the fallback client")
    if length:
        await reader.readexactly(length)
    return status


def describe() -> str:
    return f"wrk ({Path(WRK).name}, 1 thread)" if WRK else f"Python keep-alive client ({PROCESSES} processes)"
