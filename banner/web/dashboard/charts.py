"""Server-rendered SVG charts: lines over days, stacked bars over days, horizontal bars.

Each function takes plain values and returns one ``<svg role="img">`` string with a title and a
description for screen readers, a legend where there are several series, and a hover title on
every mark. Pure: no Flask, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from banner.web.dashboard import svg
from banner.web.dashboard.svg import Frame

WIDTH = 600


@dataclass(frozen=True)
class Series:
    """One named run of values, one per day (``None`` = no data that day)."""

    name: str
    values: Sequence[float | None]
    colour: str = svg.PALETTE[0]
    dash: str = ""


def styled(series: Sequence[tuple[str, Sequence[float | None]]]) -> list[Series]:
    """Give each series its own colour and dash pattern, in palette order."""
    return [
        Series(name, values, svg.PALETTE[i % len(svg.PALETTE)], svg.DASHES[i % len(svg.DASHES)])
        for i, (name, values) in enumerate(series)
    ]


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    days: Sequence[date],
    series: Sequence[Series],
    maximum: float | None = None,
) -> str:
    """Rates (fractions) over days; gaps where a day has no data."""
    legend, frame = _legend_and_frame([(s.name, s.colour, s.dash) for s in series])
    values = [v for s in series for v in s.values if v is not None]
    top = maximum or svg.nice_ceiling(max(values, default=0))
    body = [legend, svg.y_axis(frame, top, percent=True), svg.x_labels(frame, days, lambda i: _x(frame, i, len(days)))]
    if not values:
        body.append(svg.empty_note(frame))
    for s in series:
        body.append(_line(frame, s, days, top))
    return svg.document(chart_id, title, description, frame.width, frame.height, "".join(body))


def _legend_and_frame(items: list[tuple[str, str, str]]) -> tuple[str, Frame]:
    """The legend above a chart over days, and the frame left below it."""
    legend, height = svg.legend(items, 48, 18, WIDTH - 60)
    return legend, Frame(WIDTH, 250 + height, left=48, right=16, top=height + 14, bottom=30)


def _x(frame: Frame, i: int, n: int) -> float:
    if n <= 1:
        return frame.left + frame.plot_width / 2
    return frame.left + i * frame.plot_width / (n - 1)


def _line(frame: Frame, series: Series, days: Sequence[date], top: float) -> str:
    points: list[tuple[float, float, str]] = []
    path, pen_down = [], False
    for i, value in enumerate(series.values):
        if value is None:
            pen_down = False
            continue
        x, y = _x(frame, i, len(days)), frame.y(value, top)
        path.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
        pen_down = True
        points.append((x, y, f"{series.name}, {svg.short_day(days[i])}: {svg.percent_text(value, 1)}"))
    line = svg.element(
        "path",
        {
            "d": " ".join(path),
            "fill": "none",
            "stroke": series.colour,
            "stroke_width": 2.5,
            "stroke_linejoin": "round",
            "stroke_dasharray": series.dash or None,
        },
    )
    dots = "".join(
        svg.element("circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": 3, "fill": series.colour}, svg.tooltip(tip))
        for x, y, tip in points
    )
    return f"<g>{line if path else ''}{dots}</g>"


def stacked_bars(chart_id: str, title: str, description: str, days: Sequence[date], stacks: Sequence[Series]) -> str:
    """One bar per day, split into the stacks (counts), first stack at the bottom."""
    legend, frame = _legend_and_frame([(s.name, s.colour, "") for s in stacks])
    totals = [sum(int(s.values[i] or 0) for s in stacks) for i in range(len(days))]
    top = svg.nice_ceiling(max(totals, default=0))
    band = frame.plot_width / max(len(days), 1)

    def centre(i: int) -> float:
        return frame.left + band * (i + 0.5)

    body = [legend, svg.y_axis(frame, top, percent=False), svg.x_labels(frame, days, centre)]
    if not any(totals):
        body.append(svg.empty_note(frame))
    for i, day in enumerate(days):
        body.append(_bar(frame, [(s, int(s.values[i] or 0)) for s in stacks], day, centre(i), band, top))
    return svg.document(chart_id, title, description, frame.width, frame.height, "".join(body))


def _bar(frame: Frame, parts: list[tuple[Series, int]], day: date, centre: float, band: float, top: float) -> str:
    width = max(min(band * 0.72, 28), 1.5)
    total, drawn, rects = sum(n for _, n in parts), 0, []
    for series, n in parts:
        if not n:
            continue
        y_top, y_bottom = frame.y(drawn + n, top), frame.y(drawn, top)
        drawn += n
        share = svg.percent_text(n / total)
        attrs = {
            "x": f"{centre - width / 2:.1f}",
            "y": f"{y_top:.1f}",
            "width": f"{width:.1f}",
            "height": f"{y_bottom - y_top:.1f}",
            "fill": series.colour,
            "stroke": "#fff",
            "stroke_width": 0.75,
        }
        tip = f"{svg.short_day(day)}, {series.name}: {svg.grouped(n)} ({share})"
        rects.append(svg.element("rect", attrs, svg.tooltip(tip)))
    return f"<g>{''.join(rects)}</g>"


def horizontal_bars(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, int]],
    total: int,
) -> str:
    """One bar per row, longest first, with its count and its share of ``total``."""
    row_height, label_width, value_width = 28, 140, 100
    height = max(len(rows), 1) * row_height + 12
    track = WIDTH - label_width - value_width - 16
    longest = max((n for _, n in rows), default=0)
    body = []
    for i, (name, n) in enumerate(rows):
        y = 6 + i * row_height
        length = track * n / longest if longest else 0
        share = svg.percent_text(n / total if total else None)
        body.append(svg.label(label_width - 10, y + 18, _clip(name, 19), anchor="end", fill=svg.TEXT, size=13))
        body.append(
            svg.element(
                "rect", {"x": label_width, "y": y + 5, "width": track, "height": 16, "rx": 3, "fill": svg.TRACK}
            )
        )
        body.append(
            svg.element(
                "rect",
                {
                    "x": label_width,
                    "y": y + 5,
                    "width": f"{max(length, 2):.1f}",
                    "height": 16,
                    "rx": 3,
                    "fill": svg.PALETTE[0],
                },
                svg.tooltip(f"{name}: {svg.grouped(n)} ({share})"),
            )
        )
        body.append(svg.label(label_width + track + 10, y + 18, f"{svg.grouped(n)} · {share}", size=12))
    if not rows:
        body.append(svg.label(WIDTH / 2, 24, "No data for this period", anchor="middle"))
    return svg.document(chart_id, title, description, WIDTH, height, "".join(body))


def _clip(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"
