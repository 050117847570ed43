"""SVG building blocks for the dashboard charts: escaping, scales, axes, legends, number formats.

Pure string building, no Flask: the charts are rendered on the server so the dashboard works
offline, without scripts, and prints well. Colours meet WCAG AA: text at least 4.5:1 and chart
marks at least 3:1 against the white background.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT = "#1f2937"
MUTED = "#4b5563"
GRID = "#e5e7eb"
AXIS = "#6b7280"
TRACK = "#eef1f5"
#: Distinct hues, each at least 4.5:1 on white; lines also differ by dash pattern.
PALETTE: tuple[str, ...] = ("#1d4ed8", "#c2410c", "#047857", "#7e22ce", "#be123c", "#0e7490", "#4d7c0f", "#a16207")
DASHES: tuple[str, ...] = ("", "7 4", "2 3", "10 3 2 3", "4 2", "1 4", "12 4", "3 3 1 3")
CHAR_WIDTH = 6.6  # average glyph width at 12px, for laying out legends and labels


@dataclass(frozen=True)
class Frame:
    """The drawing area inside the margins of a chart."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> float:
        return self.height - self.bottom

    def y(self, value: float, maximum: float) -> float:
        return self.baseline - (value / maximum) * self.plot_height if maximum else self.baseline


def element(tag: str, attrs: dict[str, object], content: str = "") -> str:
    rendered = " ".join(f'{k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items() if v is not None)
    return f"<{tag} {rendered}>{content}</{tag}>" if content else f"<{tag} {rendered}/>"


def label(x: float, y: float, words: str, anchor: str = "start", fill: str = MUTED, size: int = 12) -> str:
    attrs = {"x": f"{x:.1f}", "y": f"{y:.1f}", "text_anchor": anchor, "fill": fill, "font_size": size}
    return element("text", attrs, escape(words))


def tooltip(words: str) -> str:
    return f"<title>{escape(words)}</title>"


def document(chart_id: str, title: str, description: str, width: float, height: float, body: str) -> str:
    """An ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{escape(FONT)}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


#: Axis maxima (x 10^k) whose quarters are round numbers: four grid steps read well.
NICE_STEPS = (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10)


def nice_ceiling(value: float) -> float:
    """The smallest nice maximum that holds ``value``, so the axis ticks read as round numbers."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in NICE_STEPS if value <= step * power * (1 + 1e-9))


GRID_STEPS = 4


def y_axis(frame: Frame, maximum: float, percent: bool) -> str:
    """Horizontal grid lines with their values on the left."""
    parts = []
    for i in range(GRID_STEPS + 1):
        value = maximum * i / GRID_STEPS
        y = frame.y(value, maximum)
        colour = AXIS if i == 0 else GRID
        parts.append(
            element(
                "line",
                {
                    "x1": frame.left,
                    "x2": frame.width - frame.right,
                    "y1": f"{y:.1f}",
                    "y2": f"{y:.1f}",
                    "stroke": colour,
                },
            )
        )
        words = (
            percent_text(value, 0 if round(maximum * 100 / GRID_STEPS, 6) % 1 == 0 else 1)
            if percent
            else compact(value)
        )
        parts.append(label(frame.left - 6, y + 4, words, anchor="end"))
    return "".join(parts)


def x_labels(frame: Frame, days: Sequence[date], position: Callable[[int], float]) -> str:
    """About seven evenly spaced day labels; ``position(i)`` gives the x of day ``i``."""
    if not days:
        return ""
    every = max(1, math.ceil(len(days) / 7))
    parts = []
    for i in range(0, len(days), every):
        x = position(i)
        parts.append(
            element(
                "line",
                {"x1": f"{x:.1f}", "x2": f"{x:.1f}", "y1": frame.baseline, "y2": frame.baseline + 4, "stroke": AXIS},
            )
        )
        parts.append(label(x, frame.baseline + 17, short_day(days[i]), anchor="middle"))
    return "".join(parts)


def legend(items: Sequence[tuple[str, str, str]], x: float, y: float, width: float) -> tuple[str, float]:
    """Swatches and names of ``(name, colour, dash)`` items, wrapped; returns (svg, height used)."""
    parts, cx, cy = [], x, y
    for name, colour, dash in items:
        needed = 30 + len(name) * CHAR_WIDTH + 18
        if cx > x and cx + needed > x + width:
            cx, cy = x, cy + 20
        parts.append(
            element(
                "line",
                {
                    "x1": cx,
                    "x2": cx + 22,
                    "y1": cy - 4,
                    "y2": cy - 4,
                    "stroke": colour,
                    "stroke_width": 3,
                    "stroke_dasharray": dash or None,
                },
            )
        )
        parts.append(label(cx + 28, cy, name, fill=TEXT))
        cx += needed
    return "".join(parts), cy - y + 20


def empty_note(frame: Frame) -> str:
    return label(
        frame.left + frame.plot_width / 2, frame.top + frame.plot_height / 2, "No data for this period", anchor="middle"
    )


def short_day(day: date) -> str:
    return f"{day:%b} {day.day}"


def grouped(n: int) -> str:
    return f"{n:,}"


def compact(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def percent_text(rate: float | None, digits: int = 0) -> str:
    return "n/a" if rate is None else f"{rate * 100:.{digits}f}%"
