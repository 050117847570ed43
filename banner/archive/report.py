"""What ``verify`` found, and how it reads as text (pure: no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from banner.archive.chain import GENESIS


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold: the file (relative to the archive root), the day if any, what."""

    file: str
    what: str
    day: str | None = None


@dataclass(frozen=True)
class SiteReport:
    site: str
    days: int = 0
    records: int = 0  # records still held
    tombstones: int = 0  # records erased, each replaced by its tombstone
    head: str = GENESIS  # the link of the last day: compare it with a copy kept elsewhere
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Report:
    root: str
    public_key: str | None  # the key the seals were checked against
    sites: tuple[SiteReport, ...] = ()
    problems: tuple[Problem, ...] = ()  # about the archive as a whole

    @property
    def all_problems(self) -> tuple[Problem, ...]:
        return self.problems + tuple(problem for site in self.sites for problem in site.problems)

    @property
    def ok(self) -> bool:
        return not self.all_problems


def format_report(report: Report) -> str:
    """The report as an operator or auditor reads it: a verdict, then each site and its problems."""
    verdict = "OK" if report.ok else f"FAILED ({_count(len(report.all_problems), 'problem')})"
    lines = [f"archive {report.root}: {verdict}", f"public key: {report.public_key or 'unknown'}"]
    lines += [f"  {_problem(problem)}" for problem in report.problems]
    for site in report.sites:
        lines.append(
            f"site {site.site}: {_count(site.days, 'day')}, {_count(site.records, 'record')}, "
            f"{_count(site.tombstones, 'tombstone')}, head {site.head}"
        )
        lines += [f"  {_problem(problem)}" for problem in site.problems]
    return "\n".join(lines) + "\n"


def _problem(problem: Problem) -> str:
    day = f" [{problem.day}]" if problem.day else ""
    return f"PROBLEM {problem.file}{day}: {problem.what}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
