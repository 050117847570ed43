"""The dashboard's pages: the overview and the Do Not Track / GPC record."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request

from banner.core.clock import today
from banner.core.errors import InvalidInput, NotFound
from banner.store import StoreUnavailable
from banner.web.context import services
from banner.web.dashboard import params, reports
from banner.web.dashboard.blueprint import bp
from banner.web.dashboard.csrf import CsrfError
from banner.web.dashboard.svg import grouped, percent_text
from banner.web.errors import status_of


@bp.context_processor
def _formatting() -> dict[str, Any]:
    return {"pct": percent_text, "num": grouped, "long_day": long_day, "sites": services().config.sites}


def long_day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


@bp.get("/")
def overview() -> str:
    config = services().config
    selection = params.parse_range(config, request.args, today())
    summary = reports.load_summary(selection)
    labels = reports.category_labels(config)
    return render_template(
        "dashboard/overview.html",
        page="overview",
        selection=selection,
        summary=summary,
        labels=labels,
        charts=reports.overview_charts(summary, labels),
        actions=reports.ACTION_NAMES,
        breakdowns=reports.BREAKDOWN_NAMES,
    )


@bp.get("/signals")
def signals() -> str:
    config = services().config
    selection = params.parse_range(config, request.args, today())
    signal = params.parse_signal(request.args)
    before = params.parse_before(request.args)
    limit = params.parse_limit(request.args)
    summary = reports.load_summary(selection)
    entries, older = reports.load_signal_log(selection.site.id, signal, limit, before)
    return render_template(
        "dashboard/signals.html",
        page="signals",
        selection=selection,
        summary=summary,
        charts=reports.signal_charts(summary),
        policy=reports.signal_policy(config),
        names=reports.SIGNAL_NAMES,
        sale_sources=reports.SALE_SOURCES,
        signal=signal,
        entries=entries,
        before=before,
        older=older,
    )


@bp.errorhandler(InvalidInput)
@bp.errorhandler(NotFound)
def _invalid(e: InvalidInput | NotFound) -> tuple[str, int]:
    return render_template("dashboard/message.html", title="Check the request", message=e.message), status_of(e)


@bp.errorhandler(CsrfError)
def _csrf(e: CsrfError) -> tuple[str, int]:
    return render_template("dashboard/message.html", title="Form expired", message=str(e)), 400


@bp.errorhandler(StoreUnavailable)
def _unavailable(e: StoreUnavailable) -> tuple[str, int]:
    return render_template("dashboard/message.html", title="Try again", message=e.message), 503
