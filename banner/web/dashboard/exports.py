"""Exports: daily figures as CSV, consent records of a date range as JSON Lines for an audit."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from flask import Response, request, stream_with_context

from banner.core.clock import today
from banner.core.consent import ConsentRecord
from banner.core.devices import browser_label, os_label
from banner.core.stats import ACTIONS, COUNTS, SIGNALS, Period, Summary
from banner.proof import Proofs
from banner.web.context import services
from banner.web.dashboard import params, reports
from banner.web.dashboard.blueprint import bp


def csv_header(categories: list[str]) -> list[str]:
    signals = [f"{s}_{base}" for s in SIGNALS for base in ("requests", "consents")]
    opt_in = [f"{c}_{kind}" for c in categories for kind in ("grants", "of_consents", "of_views")]
    return ["date", *COUNTS, *ACTIONS, *signals, *opt_in]


def csv_row(day: str, period: Period) -> list[str | int]:
    signals = [period.signals[s][base].count for s in SIGNALS for base in ("requests", "consents")]
    opt_in: list[str | int] = []
    for o in period.opt_in:
        opt_in += [o.grants, rate_text(o.of_consents), rate_text(o.of_views)]
    counts = [getattr(period, name) for name in COUNTS]
    return [day, *counts, *(period.actions[a] for a in ACTIONS), *signals, *opt_in]


def daily_csv(summary: Summary, categories: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(categories))
    for day, period in summary.days:
        writer.writerow(csv_row(day.isoformat(), period))
    return out.getvalue()


def consent_lines(proofs: Proofs, site: str, start: date, end: date) -> Iterator[str]:
    """Every record of the range as a JSON line, oldest first, from Redis and the archive alike."""
    for record in proofs.export(site, start, end):
        yield json.dumps(_labelled(record), separators=(",", ":"), sort_keys=True) + "\n"


def _labelled(record: ConsentRecord) -> dict[str, Any]:
    """The record, with browser and OS names stored before they came from a fixed list relabelled."""
    return {**record.to_json(), "browser": browser_label(record.browser), "os": os_label(record.os)}


@bp.get("/export/daily.csv")
def export_csv() -> Response:
    config = services().config
    selection = params.parse_range(config, request.args, today())
    summary = reports.load_summary(selection)
    body = daily_csv(summary, list(reports.category_labels(config)))
    return download(body, "text/csv; charset=utf-8", filename(selection, "daily", "csv"))


@bp.get("/export/consents.jsonl")
def export_jsonl() -> Response:
    svc = services()
    selection = params.parse_range(svc.config, request.args, today())
    lines = consent_lines(svc.proofs, selection.site.id, selection.start, selection.end)
    return download(stream_with_context(lines), "application/x-ndjson", filename(selection, "consents", "jsonl"))


def download(body: Iterable[str] | str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def filename(selection: params.DateRange, what: str, extension: str) -> str:
    return f"consent-{what}-{selection.site.id}-{selection.start:%Y%m%d}-{selection.end:%Y%m%d}.{extension}"


def rate_text(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
