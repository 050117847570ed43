"""The dashboard's Variants page: a site's A/B test over a date range, and its daily figures as CSV.

The figures and verdicts come from :mod:`banner.core.variant_stats`; this module reads the days,
draws the charts and renders. Nothing here scans consent records.
"""

from __future__ import annotations

import csv
import io

from flask import Response, render_template, request
from markupsafe import Markup

from banner.core.clock import today
from banner.core.config import Site
from banner.core.stats import ACTIONS
from banner.core.variant_stats import MIN_CONSENTS, VariantReport, compare
from banner.web.context import services
from banner.web.dashboard import charts, params, reports
from banner.web.dashboard.blueprint import bp
from banner.web.dashboard.exports import download, filename, rate_text


def variant_names(site: Site) -> dict[str, str]:
    """Each variant's id with what it changes, for tables and legends."""
    names = {"a": "a (the site's own)"}
    for variant in site.variants:
        languages = ", ".join(variant.texts)
        changes = [f"layout {variant.layout}"] if variant.layout else []
        changes += [f"{len(next(iter(variant.texts.values())))} text(s) in {languages}"] if variant.texts else []
        names[variant.id] = f"{variant.id} ({'; '.join(changes) or 'same as a'})"
    return names


def load_report(selection: params.DateRange) -> VariantReport:
    labels = reports.category_labels(services().config)
    return compare(reports.load_days(selection), selection.site.variant_ids, labels)


def opt_in_charts(report: VariantReport, labels: dict[str, str]) -> dict[str, Markup]:
    """One chart per category: its opt-in rate in each variant, per day."""
    days = [day for day, _ in report.days]
    result = {}
    for category, label in labels.items():
        series = charts.styled(
            [
                (f"Variant {variant.variant}", [figures[i].opt_in(category) for _, figures in report.days])
                for i, variant in enumerate(report.totals)
            ]
        )
        svg = charts.line_chart(
            f"chart-variants-{category}",
            f"{label} opt-in by variant per day",
            f"Share of consents that granted {label.lower()} in each variant, per day, from 0 to 100 percent.",
            days,
            series,
            maximum=1.0,
        )
        result[category] = Markup(svg)
    return result


@bp.get("/variants")
def variants() -> str:
    config = services().config
    selection = params.parse_range(config, request.args, today())
    report = load_report(selection)
    labels = reports.category_labels(config)
    site = selection.site
    return render_template(
        "dashboard/variants.html",
        page="variants",
        selection=selection,
        report=report,
        labels=labels,
        names=variant_names(site),
        weights={"a": 100 - sum(v.weight for v in site.variants), **{v.id: v.weight for v in site.variants}},
        charts=opt_in_charts(report, labels) if site.variants else {},
        actions=reports.ACTION_NAMES,
        minimum=MIN_CONSENTS,
    )


def variants_csv(report: VariantReport, categories: list[str]) -> str:
    """One row per day and variant: views, consents, choices, and grants and opt-in per category."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    opt_in = [f"{c}_{kind}" for c in categories for kind in ("grants", "of_consents")]
    writer.writerow(["date", "variant", "views", "consents", *ACTIONS, *opt_in])
    for day, figures in report.days:
        for f in figures:
            grants = [value for c in categories for value in (f.grants[c], rate_text(f.opt_in(c)))]
            writer.writerow(
                [day.isoformat(), f.variant, f.views, f.consents, *(f.actions[a] for a in ACTIONS), *grants]
            )
    return out.getvalue()


@bp.get("/export/variants.csv")
def export_variants() -> Response:
    config = services().config
    selection = params.parse_range(config, request.args, today())
    body = variants_csv(load_report(selection), list(reports.category_labels(config)))
    return download(body, "text/csv; charset=utf-8", filename(selection, "variants", "csv"))
