"""Inline SVG charts for the evidence report.

Plain SVG markup with no script, fonts or external references, so that the page stays readable when archived and
opened offline. Every label is escaped here, as labels come from the data (type codes, group names).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape

# Fixed per severity so that the same colour means the same thing in every chart of every report.
SEVERITY_COLOURS = {"info": "#b8c4cf", "low": "#7f98b2", "medium": "#e6a700", "high": "#f07800", "critical": "#d62728"}
# Categorical palette for types and groups, without the amber/orange/red that mean severity.
PALETTE = ("#4e79a7", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f", "#ff9da7", "#bab0ac", "#86bcb6")
FALLBACK_COLOUR = "#999999"

WIDTH = 720
_LEFT, _RIGHT, _TOP = 44, 12, 12
_PLOT_H = 180
_AXIS_H = 24  # room under the plot for the day labels
_ROW_H = 22  # one horizontal bar
_LABEL_W = 250  # room left of the horizontal bars for their labels (30 capitals of 12px)
_LEGEND_ROW = 18
_CHAR_W = 7  # rough width of a 12px character: enough to lay out legends without font metrics
_DAY_LABEL_W = 44  # one "MM-DD" label plus a gap


def cycle_colours(names: Iterable[str]) -> dict[str, str]:
    """A colour per name, in first-seen order, cycling through the palette."""
    colours: dict[str, str] = {}
    for name in names:
        if name not in colours:
            colours[name] = PALETTE[len(colours) % len(PALETTE)]
    return colours


def stacked_bars(
    title: str, days: Sequence[str], series: Mapping[str, Sequence[int]], colours: Mapping[str, str]
) -> str:
    """One vertical bar per day, stacked by series, with a y-axis maximum, thinned day labels and a legend."""
    plot_w = WIDTH - _LEFT - _RIGHT
    slot = plot_w / max(len(days), 1)
    bar_w = max(slot * 0.8, 1.0)
    totals = [sum(_at(values, i) for values in series.values()) for i in range(len(days))]
    top = max(max(totals, default=0), 1)  # floor of 1: no division by zero on an empty period
    base = _TOP + _PLOT_H
    legend, legend_h = _legend(list(series), colours, base + _AXIS_H + 6)
    parts = [_open(WIDTH, base + _AXIS_H + 6 + legend_h, title), *_axes(base, top)]
    for i, day in enumerate(days):
        x, y = _LEFT + i * slot + (slot - bar_w) / 2, float(base)
        for name, values in series.items():
            value = _at(values, i)
            if value > 0:
                height = value / top * _PLOT_H
                y -= height
                parts.append(_rect(x, y, bar_w, height, colours.get(name, FALLBACK_COLOUR), f"{day} {name}: {value}"))
    step = math.ceil(len(days) / max(plot_w // _DAY_LABEL_W, 1))  # thin the labels so that they never overlap
    for i in range(0, len(days), max(step, 1)):
        parts.append(_text(_LEFT + (i + 0.5) * slot, base + 16, _short_day(days[i]), "middle"))
    parts += [legend, "</svg>"]
    return "".join(parts)


def horizontal_bars(title: str, values: Mapping[str, int], colours: Mapping[str, str]) -> str:
    """One labelled horizontal bar per entry, in the mapping's order, with its value after the bar."""
    area = WIDTH - _LABEL_W - _RIGHT - 48  # 48: room for the value after the longest bar
    top = max(max(values.values(), default=0), 1)
    parts = [_open(WIDTH, 2 * _TOP + _ROW_H * len(values), title)]
    for i, (name, value) in enumerate(values.items()):
        y = _TOP + i * _ROW_H
        width = max(value, 0) / top * area
        label = name if len(name) <= 30 else name[:29] + "\u2026"
        parts.append(_text(_LABEL_W - 8, y + 15, label, "end"))
        parts.append(_rect(_LABEL_W, y + 3, width, _ROW_H - 6, colours.get(name, FALLBACK_COLOUR), f"{name}: {value}"))
        parts.append(_text(_LABEL_W + width + 6, y + 15, str(value)))
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>"
    )


def _axes(base: int, top: int) -> list[str]:
    right = WIDTH - _RIGHT
    return [
        f'<line class="axis" x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{base}" stroke="#444" />',
        f'<line class="axis" x1="{_LEFT}" y1="{base}" x2="{right}" y2="{base}" stroke="#444" />',
        _text(_LEFT - 6, _TOP + 4, str(top), "end"),
        _text(_LEFT - 6, base + 4, "0", "end"),
    ]


def _legend(names: Sequence[str], colours: Mapping[str, str], y0: int) -> tuple[str, int]:
    """Legend keys left to right, wrapping onto a new row when the chart's width runs out."""
    parts: list[str] = []
    x, row = _LEFT, 0
    for name in names:
        width = 14 + _CHAR_W * len(name) + 16
        if x + width > WIDTH - _RIGHT and x > _LEFT:
            x, row = _LEFT, row + 1
        y = y0 + row * _LEGEND_ROW
        fill = escape(colours.get(name, FALLBACK_COLOUR))
        parts.append(f'<rect class="key" x="{x}" y="{y}" width="10" height="10" fill="{fill}" />')
        parts.append(_text(x + 14, y + 9, name))
        x += width
    return "".join(parts), (row + 1) * _LEGEND_ROW if names else 0


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str) -> str:
    # The <title> child is the hover tooltip: exact values without any script.
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{escape(fill)}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _text(x: float, y: float, label: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(label)}</text>'


def _at(values: Sequence[int], i: int) -> int:
    # Tolerate a series shorter than the day list rather than fail the whole report.
    return int(values[i]) if i < len(values) else 0


def _short_day(day: str) -> str:
    """ "2026-10-01" -> "10-01": the year is in the report's period, and the short label fits under a bar."""
    return day[5:] if len(day) == 10 and day[4] == "-" else day
