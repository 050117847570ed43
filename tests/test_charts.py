"""The SVG charts: well-formed, labelled for screen readers, honest about empty data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from banner.web.dashboard import charts, svg

NS = "{http://www.w3.org/2000/svg}"
DAYS = [date(2025, 3, 1) + timedelta(days=i) for i in range(30)]


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{NS}title").get("id") == title_id
    assert root.find(f"{NS}desc").get("id") == desc_id
    return root


def test_line_chart_draws_one_path_per_series_with_gaps_and_a_legend() -> None:
    values = [0.5 if i != 3 else None for i in range(30)]
    series = charts.styled([("Analytics", values), ("Ads & <beacons>", [0.25] * 30)])
    root = parse(charts.line_chart("c1", "Opt-in", "desc", DAYS, series, maximum=1.0))
    paths = root.findall(f".//{NS}path")
    assert len(paths) == 2
    assert paths[0].get("d").count("M") == 2  # the missing day breaks the line
    assert paths[0].get("stroke") != paths[1].get("stroke")
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Ads & <beacons>" in texts and "100%" in texts and "Mar 1" in texts
    assert len(root.findall(f".//{NS}circle")) == 59


def test_stacked_bars_stack_to_the_day_total() -> None:
    stacks = [charts.Series("Accept", [3, 0]), charts.Series("Reject", [1, 2], colour="#c2410c")]
    root = parse(charts.stacked_bars("c2", "Choices", "desc", DAYS[:2], stacks))
    rects = root.findall(f".//{NS}rect")
    assert len(rects) == 3
    tips = [r.find(f"{NS}title").text for r in rects]
    assert tips == ["Mar 1, Accept: 3 (75%)", "Mar 1, Reject: 1 (25%)", "Mar 2, Reject: 2 (100%)"]


def test_horizontal_bars_show_count_and_share() -> None:
    root = parse(charts.horizontal_bars("c3", "Devices", "desc", [("Desktop", 30), ("Mobile", 10)], 40))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts == ["Desktop", "30 · 75%", "Mobile", "10 · 25%"]


@pytest.mark.parametrize(
    "markup",
    [
        charts.line_chart("e1", "t", "d", DAYS, charts.styled([("A", [None] * 30)])),
        charts.stacked_bars("e2", "t", "d", DAYS, [charts.Series("A", [0] * 30)]),
        charts.horizontal_bars("e3", "t", "d", [], 0),
    ],
)
def test_empty_charts_say_so(markup: str) -> None:
    assert "No data for this period" in markup
    parse(markup)


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1.0), (0.135, 0.16), (0.5, 0.5), (260, 300), (7, 8), (1000, 1000), (1001, 1200)]
)
def test_axis_maxima_are_round(value: float, expected: float) -> None:
    assert svg.nice_ceiling(value) == pytest.approx(expected)


def test_palette_meets_aa_contrast_on_white() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in (*svg.PALETTE, svg.TEXT, svg.MUTED):
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour
