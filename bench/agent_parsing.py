"""CPU per User-Agent classification, in process: a new UA, a cached one, and crafted long ones.

Every request that reads the visitor's signals classifies its User-Agent (``read_signals``).
A UA seen before is a cache hit; a new one is parsed. This prints the thread CPU time per call
(median and 95th percentile) for each case, and what a new UA costs on top of a cached one.
Run from the repository root: ``.venv/bin/python bench/agent_parsing.py``.
"""

from __future__ import annotations

import random
import statistics
import string
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from banner.core.signals import read_signals

#: Templates of common browsers; ``{v}`` and ``{b}`` get fresh numbers so each string is new.
TEMPLATES = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.{b}.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{b} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel {v}) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.{b}.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_{v}) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{b} Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.{b}",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.{b}.51",
    "Mozilla/5.0 (Linux; Android 14; SM-S91{v}B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.{b} Chrome/117.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{b} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.{v}; +http://www.google.com/bot.html) {b}",
)
ROUNDS = 3000


def fresh_agents(rng: random.Random) -> Iterator[str]:
    """Realistic UAs, each one new: common browsers with version numbers no one sent before."""
    for i in range(ROUNDS):
        yield TEMPLATES[i % len(TEMPLATES)].format(v=rng.randint(10, 99), b=rng.randint(1000, 999_999))


def crafted_agents(rng: random.Random, length: int) -> Iterator[str]:
    """Hostile UAs of ``length`` characters built to walk every pattern, each one new early on."""
    shapes: tuple[Callable[[str], str], ...] = (
        lambda tag: f"Mozilla/5.0 ({tag}; " + "; ".join(["Linux"] * length),
        lambda tag: f"Mozilla/5.0 (Linux; Android {tag}; " + "A" * length,
        lambda tag: f"Mozilla/5.0 {tag}" + " " * length,
        lambda tag: tag + "".join(rng.choice(string.ascii_letters + " /;()._-") for _ in range(length)),
    )
    for i in range(ROUNDS // 10):
        yield shapes[i % len(shapes)](f"{rng.randint(0, 99_999_999):08d}")[:length]


def cpu_per_call(agents: Iterator[str], classify: Callable[[str], object]) -> list[float]:
    """Thread CPU microseconds of each classification."""
    samples = []
    for agent in agents:
        start = time.thread_time_ns()
        classify(agent)
        samples.append((time.thread_time_ns() - start) / 1000)
    return samples


def classify(agent: str) -> object:
    return read_signals({"User-Agent": agent})


def report(name: str, samples: list[float]) -> float:
    median = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20)[-1]
    print(f"{name:<34} median {median:8.1f} us   p95 {p95:8.1f} us   ({len(samples)} calls)")
    return median


def main() -> None:
    rng = random.Random(7)
    common = TEMPLATES[0].format(v=124, b=6367)
    classify(common)
    cached = report("cached UA", cpu_per_call(iter([common] * ROUNDS), classify))
    new = report("new realistic UA", cpu_per_call(fresh_agents(rng), classify))
    report("crafted UA, 512 chars", cpu_per_call(crafted_agents(rng, 512), classify))
    report("crafted UA, 8 KiB", cpu_per_call(crafted_agents(rng, 8192), classify))
    print(f"a new UA costs {new - cached:.1f} us more than a cached one (median)")


if __name__ == "__main__":
    main()
