"""Charts drawn on the server as inline SVG: no chart library, no script, nothing fetched from
outside (hospital networks are closed), and the same picture on the page, in print and in the
PDF report. Every chart is paired with a table of its numbers on the page; the SVG itself is
`role="img"` with a title and a description a screen reader reads.

An XmR chart shows the values as a line, the mean as a solid line, the process limits as
dashed lines and the target, when there is one, as a dotted line. Points that are part of a
special cause are drawn larger and marked by shape as well as colour (WCAG 1.4.1): a square
for the better side, a triangle for the worse side, a diamond when the indicator has no better
direction.

A band chart (`bands_svg`, the /scenarios page) shows simulated trajectories: for each
scenario the median as a line and the 5–95 % band across runs as a light area, the scenarios
told apart by the line's dash as well as its colour. A forecast chart (`forecast_svg`, the
/forecasts page) shows a count series as a solid line and its forecast as a dashed one in its
80 % and 95 % prediction intervals (two shades of one colour, named in the legend).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from ..reports.spc import Chart

#: Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
LINE, MEAN, LIMIT, TARGET = "#4a4a4a", "#1f5f9e", "#6b6b6b", "#7a3b00"
BETTER, WORSE, NEUTRAL = "#1f5f9e", "#b34700", "#6b3fa0"


def _scale(lo: float, hi: float, size: float, pad: float, invert: bool = False):
    span = hi - lo or 1.0

    def to(value: float) -> float:
        share = (value - lo) / span
        return pad + (1 - share if invert else share) * (size - 2 * pad)
    return to


def _marker(x: float, y: float, side_is_better: bool | None) -> str:
    if side_is_better is None:
        colour = NEUTRAL
        return (f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}'
                f'L{x - 5:.1f} {y:.1f}Z" fill="{colour}"/>')
    if side_is_better:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{BETTER}"/>'
    return (f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" '
            f'fill="{WORSE}"/>')


def xmr_svg(labels: Sequence[str], chart: Chart | None, better: str | None,
            target: float | None, title: str, description: str, width: int = 640,
            height: int = 200, axis: bool = True,
            number: Callable[[float], str] = "{:.3g}".format) -> Markup:
    """The chart as SVG markup. `labels` name the points (periods), in the chart's order;
    `number` formats the axis values as the page formats figures."""
    points = chart.points if chart else ()
    if not points:
        return Markup("")
    values = [p.value for p in points]
    lines = [v for v in (chart.mean, chart.lower, chart.upper, target) if v is not None]
    lo, hi = min(values + lines), max(values + lines)
    left = 48 if axis else 4
    x = _scale(0, max(len(values) - 1, 1), width - left + 4, 8)
    y = _scale(lo, hi, height - (14 if axis else 0), 8, invert=True)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
             f'<title>{escape(title)}</title><desc>{escape(description)}</desc>']

    def hline(value: float | None, colour: str, dash: str) -> None:
        if value is not None:
            parts.append(f'<line x1="{left}" x2="{width - 4}" y1="{y(value):.1f}" '
                         f'y2="{y(value):.1f}" stroke="{colour}" stroke-dasharray="{dash}"/>')

    hline(chart.mean, MEAN, "0")
    hline(chart.lower, LIMIT, "6 4")
    hline(chart.upper, LIMIT, "6 4")
    hline(target, TARGET, "2 3")
    path = " ".join(f"{'M' if i == 0 else 'L'}{left + x(i) - 4:.1f} {y(v):.1f}"
                    for i, v in enumerate(values))
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="1.5"/>')
    good = {"higher": 1, "lower": -1}.get(better or "")
    for i, point in enumerate(points):
        cx, cy = left + x(i) - 4, y(point.value)
        if point.rules:
            parts.append(_marker(cx, cy, None if good is None else point.side == good))
        else:
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{LINE}"/>')
    if axis:
        for value in dict.fromkeys((lo, hi)):  # one label when every value is the same
            parts.append(f'<text x="2" y="{y(value) + 4:.1f}" font-size="11" '
                         f'fill="{LINE}">{escape(number(value))}</text>')
        for i in (0, len(labels) - 1):
            anchor = "start" if i == 0 else "end"
            parts.append(f'<text x="{left + x(i) - 4:.1f}" y="{height - 1}" font-size="11" '
                         f'text-anchor="{anchor}" fill="{LINE}">{escape(labels[i])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


#: Scenario lines: the scenario as planned solid and dark blue, the unchanged one dashed and
#: grey, so the two are told apart by the dash as well as the colour (WCAG 1.4.1).
PLANNED, UNCHANGED = "#1f5f9e", "#4a4a4a"


@dataclass(frozen=True)
class Band:
    """One scenario's line in a band chart: the median by week and the 5–95 % band around it
    (across the simulated runs)."""

    name: str
    p05: Sequence[float]
    p50: Sequence[float]
    p95: Sequence[float]
    colour: str
    dash: str = "0"


def bands_svg(labels: Sequence[str], bands: Sequence[Band], title: str, description: str,
              number: Callable[[float], str], width: int = 640, height: int = 220) -> Markup:
    """Trajectories with their uncertainty as SVG: each band a light area from p05 to p95
    with its median as a line, over the weeks named by `labels`; a legend names the lines
    (their dash shown too). The axis runs from zero: a queue or a share is read against it."""
    weeks = len(labels)
    if not weeks or not bands:
        return Markup("")
    hi = max(max(b.p95) for b in bands) or 1.0
    left, legend = 56, 18 * len(bands)
    x = _scale(0, max(weeks - 1, 1), width - left + 4, 8)
    y = _scale(0, hi, height - 14 - legend, 8, invert=True)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(title)}" class="chart bands">'
             f'<title>{escape(title)}</title><desc>{escape(description)}</desc>']
    for value in (0.0, hi):
        parts.append(f'<line x1="{left}" x2="{width - 4}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="{LIMIT}" stroke-width="0.5"/>'
                     f'<text x="2" y="{y(value) + 4:.1f}" font-size="11" fill="{LINE}">'
                     f'{escape(number(value))}</text>')
    for band in bands:
        upper = [f"{left + x(i) - 4:.1f} {y(v):.1f}" for i, v in enumerate(band.p95)]
        lower = [f"{left + x(i) - 4:.1f} {y(v):.1f}" for i, v in enumerate(band.p05)]
        area = "M" + " L".join(upper + lower[::-1]) + "Z"
        parts.append(f'<path d="{area}" fill="{band.colour}" fill-opacity="0.15" '
                     f'stroke="none"/>')
        median = "M" + " L".join(f"{left + x(i) - 4:.1f} {y(v):.1f}"
                                 for i, v in enumerate(band.p50))
        parts.append(f'<path d="{median}" fill="none" stroke="{band.colour}" '
                     f'stroke-width="2" stroke-dasharray="{band.dash}"/>')
    base = height - 14 - legend
    for i in (0, weeks - 1):
        anchor = "start" if i == 0 else "end"
        parts.append(f'<text x="{left + x(i) - 4:.1f}" y="{base + 12}" font-size="11" '
                     f'text-anchor="{anchor}" fill="{LINE}">{escape(labels[i])}</text>')
    for n, band in enumerate(bands):
        row = base + 18 * (n + 1) + 8
        parts.append(f'<line x1="{left}" x2="{left + 28}" y1="{row - 4}" y2="{row - 4}" '
                     f'stroke="{band.colour}" stroke-width="2" '
                     f'stroke-dasharray="{band.dash}"/><text x="{left + 34}" y="{row}" '
                     f'font-size="12" fill="{LINE}">{escape(band.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


#: The forecast: a dashed blue line in two blue areas, the 95 % interval lighter than the
#: 80 % one; the actual counts a solid dark line (told apart by dash as well as colour).
FORECAST = "#1f5f9e"


@dataclass(frozen=True)
class Ahead:
    """A forecast period: the point forecast and its 80 % and 95 % prediction intervals (the
    registry's forecasts have no 80 % one: None)."""

    value: float
    lo80: float | None
    hi80: float | None
    lo95: float
    hi95: float


def forecast_svg(labels: Sequence[str], actual: Sequence[float | None],
                 ahead: Sequence[Ahead], names: dict[str, str], title: str, description: str,
                 number: Callable[[float], str], width: int = 640,
                 height: int = 240) -> Markup:
    """A count series and its forecast as SVG, over the periods named by `labels` (the
    actual ones, then the forecast ones): the actual counts as a solid line, broken where a
    count is hidden (None, a small count); the forecast as a dashed line with its 80 % and
    95 % intervals as areas (the 80 % one left out when the forecast has none). An empty
    `ahead` (a hidden forecast) draws the history alone. `names` label the legend: actual,
    forecast, 80 and 95. The axis runs from zero."""
    shown = [v for v in actual if v is not None] + [a.hi95 for a in ahead]
    if not labels or not shown:
        return Markup("")
    hi = max(shown) or 1.0
    left, legend = 56, 36
    x = _scale(0, max(len(labels) - 1, 1), width - left + 4, 8)
    y = _scale(0, hi, height - 14 - legend, 8, invert=True)

    def at(i: int, value: float) -> str:
        return f"{left + x(i) - 4:.1f} {y(value):.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(title)}" class="chart forecast">'
             f'<title>{escape(title)}</title><desc>{escape(description)}</desc>']
    for value in (0.0, hi):
        parts.append(f'<line x1="{left}" x2="{width - 4}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="{LIMIT}" stroke-width="0.5"/>'
                     f'<text x="2" y="{y(value) + 4:.1f}" font-size="11" fill="{LINE}">'
                     f'{escape(number(value))}</text>')
    first = len(actual)
    levels = ("95", "80") if ahead and ahead[0].lo80 is not None else ("95",)
    for low, high, opacity in (("lo95", "hi95", 0.12), ("lo80", "hi80", 0.25))[:len(levels)]:
        if ahead:
            upper = [at(first + i, getattr(a, high)) for i, a in enumerate(ahead)]
            lower = [at(first + i, getattr(a, low)) for i, a in enumerate(ahead)]
            parts.append(f'<path d="M{" L".join(upper + lower[::-1])}Z" fill="{FORECAST}" '
                         f'fill-opacity="{opacity}" stroke="none"/>')
    runs: list[list[str]] = [[]]
    for i, value in enumerate(actual):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(at(i, value))
    for run in runs:
        if run:
            parts.append(f'<path d="M{" L".join(run)}" fill="none" stroke="{LINE}" '
                         f'stroke-width="1.5"/>')
    if ahead:
        line = [at(first + i, a.value) for i, a in enumerate(ahead)]
        if actual and actual[-1] is not None:
            line.insert(0, at(first - 1, actual[-1]))
        parts.append(f'<path d="M{" L".join(line)}" fill="none" stroke="{FORECAST}" '
                     f'stroke-width="2" stroke-dasharray="6 4"/>')
    base = height - 14 - legend
    for i in dict.fromkeys((0, len(labels) - 1)):
        anchor = "start" if i == 0 else "end"
        parts.append(f'<text x="{left + x(i) - 4:.1f}" y="{base + 12}" font-size="11" '
                     f'text-anchor="{anchor}" fill="{LINE}">{escape(labels[i])}</text>')
    row = base + 30
    keys = [(LINE, "0", names["actual"])]
    if ahead:
        keys.append((FORECAST, "6 4", names["forecast"]))
    position = left
    for colour, dash, name in keys:
        parts.append(f'<line x1="{position}" x2="{position + 28}" y1="{row - 4}" '
                     f'y2="{row - 4}" stroke="{colour}" stroke-width="2" '
                     f'stroke-dasharray="{dash}"/><text x="{position + 34}" y="{row}" '
                     f'font-size="12" fill="{LINE}">{escape(name)}</text>')
        position += 150
    if ahead:
        for opacity, level in ((0.25, "80"), (0.12, "95")):
            if level not in levels:
                continue
            name = names[level]
            parts.append(f'<rect x="{position}" y="{row - 10}" width="20" height="12" '
                         f'fill="{FORECAST}" fill-opacity="{opacity}" stroke="{FORECAST}" '
                         f'stroke-width="0.5"/><text x="{position + 26}" y="{row}" '
                         f'font-size="12" fill="{LINE}">{escape(name)}</text>')
            position += 120
    parts.append("</svg>")
    return Markup("".join(parts))
