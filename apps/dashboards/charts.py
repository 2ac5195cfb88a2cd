"""Server-rendered SVG charts: pure Python turns numbers into a :class:`ChartSpec` (geometry plus
an already formatted data table), and a template under ``templates/dashboards/charts/`` draws it
— no JavaScript, nothing inline that a strict CSP would block.

Callers pass titles and labels already translated; values are ``Decimal`` (or ``None`` for "no
data"). Render a spec with ``{% load charts %}{% chart spec %}``.

Every chart is drawn in a narrow coordinate system (:data:`WIDTH` user units wide) so that
CSS can scale it to the container: on a 390 px phone the text stays about its nominal size.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from apps.core.formatting import (
    EMPTY,
    format_money,
    format_number,
    format_percent,
    to_decimal,
)

#: Width of every chart's viewBox (user units), except a wide heatmap.
WIDTH = 320
#: Left/right margin inside the viewBox.
PAD = 8
#: Average width of a half-width character at the label font size (13 user units).
CHAR_WIDTH = 7.6

#: Score ranges of a histogram: ``(low, high)`` with ``high`` excluded; the first range is
#: open below, ``None`` means open above.
SCORE_BINS: list[tuple[int, int | None]] = [(0, 60), (60, 70), (70, 80), (80, 90), (90, None)]

#: Score bands of the heatmap: (CSS class, lowest score in the band).
BANDS = [("band-top", 90), ("band-good", 80), ("band-mid", 60), ("band-low", None)]

UNITS = ("money", "percent", "number", "score")

_ids = itertools.count(1)


# --- the spec -----------------------------------------------------------------------------------


@dataclass
class Bar:
    """One horizontal bar (bar chart, funnel) or vertical bar (histogram)."""

    label: str
    short_label: str
    value_text: str
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    url: str | None = None
    missing: bool = False
    negative: bool = False
    #: Label baseline (bar chart, funnel) or value baseline (histogram).
    text_y: float = 0.0
    #: Extra line under a funnel bar (conversion rates); "" for none.
    note: str = ""
    note_y: float = 0.0

    @property
    def center(self) -> float:
        return _r(self.x + self.width / 2)

    @property
    def mark_top(self) -> float:
        """Top of the short vertical marks (zero line, reference) drawn across this bar."""
        return _r(self.y - 3)

    @property
    def mark_bottom(self) -> float:
        return _r(self.y + self.height + 3)


@dataclass
class Tick:
    value_text: str
    position: float  # y of a horizontal grid line (line chart), x of a label (axes)


@dataclass
class Point:
    x: float
    y: float
    label: str
    value_text: str


@dataclass
class Series:
    name: str
    css_class: str
    points: list[Point] = field(default_factory=list)
    #: Runs of consecutive values as SVG ``points`` strings; a ``None`` value breaks the line.
    segments: list[str] = field(default_factory=list)


@dataclass
class Cell:
    x: float
    y: float
    width: float
    height: float
    band: str
    value_text: str
    title: str

    @property
    def center(self) -> float:
        return _r(self.x + self.width / 2)


@dataclass
class HeatRow:
    label: str
    short_label: str
    url: str | None
    y: float
    text_y: float
    cells: list[Cell] = field(default_factory=list)


@dataclass
class ColumnLabel:
    label: str
    short_label: str
    x: float
    y: float
    rotated: bool


@dataclass
class Reference:
    label: str
    value_text: str
    x: float
    #: A short mark above the label under the bars (the bars carry their own marks).
    y1: float
    y2: float
    text_y: float
    anchor: str  # "start" | "end"


@dataclass
class ChartSpec:
    template: str
    title: str
    unit: str = "number"
    #: viewBox size in user units.
    width: float = WIDTH
    height: float = 0.0
    table_headers: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    #: No data at all: the template shows a sentence instead of an empty chart.
    empty: bool = False
    #: One-line summary, shown under the chart and referenced by ``aria-describedby``.
    description: str = ""
    #: Unique on the page; the template derives the ids of title and description from it.
    id: str = ""
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    x_labels: list[Tick] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    rows: list[HeatRow] = field(default_factory=list)
    columns: list[ColumnLabel] = field(default_factory=list)
    reference: Reference | None = None
    #: x of the zero line (bar chart); y of the base line (line chart, histogram).
    baseline: float = 0.0
    #: Plot area (left, top, right, bottom) in user units.
    plot: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    #: Legend entries: (CSS class, label).
    legend: list[tuple[str, str]] = field(default_factory=list)
    #: Wide chart (heatmap with many columns): drawn at its natural size, scrolled on phones.
    scroll: bool = False
    #: Some bar is negative: the bar chart marks the zero line.
    has_negative: bool = False

    def __post_init__(self):
        if not self.id:
            self.id = f"chart-{next(_ids)}"

    @property
    def plot_width(self) -> float:
        return _r(self.plot[2] - self.plot[0])

    @property
    def plot_height(self) -> float:
        return _r(self.plot[3] - self.plot[1])

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def description_id(self) -> str:
        return f"{self.id}-desc"


# --- helpers ------------------------------------------------------------------------------------


def format_value(value, unit: str) -> str:
    """A value as people read it in ``unit``; ``None`` reads "—"."""
    if unit not in UNITS:
        raise ValueError(f"unknown chart unit {unit!r}; expected one of {UNITS}")
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if unit == "money":
        return format_money(number)
    if unit == "percent":
        return format_percent(number)
    if unit == "score":
        return format_number(number, 1)
    places = 0 if number == number.to_integral_value() else 2
    return format_number(number, places)


def _tick_text(value: Decimal, unit: str, step: Decimal) -> str:
    places = (
        0 if step == step.to_integral_value() else max(0, -step.normalize().as_tuple().exponent)
    )
    if unit == "money":
        return format_money(value, places)
    if unit == "percent":
        return format_percent(value, places)
    return format_number(value, places)


def text_units(text: str) -> int:
    """Display width in half-width characters (a Chinese character counts two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def ellipsize(text: str, max_units: int) -> str:
    """``text`` cut to ``max_units`` half-width characters, ending in "…" when cut."""
    text = str(text)
    if text_units(text) <= max_units:
        return text
    out, used = [], 0
    for ch in text:
        w = text_units(ch)
        if used + w > max_units - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


def _r(x: float) -> float:
    return round(float(x), 2)


def _nice_step(span: float, target: int = 4) -> Decimal:
    if span <= 0:
        return Decimal(1)
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw:
            return Decimal(str(m)) * Decimal(str(magnitude))
    return Decimal(str(10 * magnitude))  # pragma: no cover - the loop always returns


def _nice_range(low: Decimal, high: Decimal, unit: str) -> tuple[Decimal, Decimal, Decimal]:
    """(bottom, top, step) of a value axis covering ``low``..``high`` and zero."""
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if unit == "score" and low >= 0 and high <= 100:
        return Decimal(0), Decimal(100), Decimal(25)
    if high == low:
        high = low + 1
    step = _nice_step(float(high - low))
    bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    top = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    return bottom, top, step


def band(value) -> str:
    """CSS class of a 0–100 score: ``band-none`` (no data), ``band-low`` (< 60), ``band-mid``
    (60–79), ``band-good`` (80–89), ``band-top`` (≥ 90)."""
    number = to_decimal(value)
    if number is None:
        return "band-none"
    for css_class, lowest in BANDS:
        if lowest is None or number >= lowest:
            return css_class
    return "band-low"  # pragma: no cover


def bin_label(low, high, first: bool, unit: str = "score") -> str:
    suffix = "%" if unit == "percent" else ""
    if high is None:
        return f"≥ {low}{suffix}"
    if first and (low is None or low == 0):
        return f"< {high}{suffix}"
    return f"{low}–{high - 1}{suffix}"


def _reference(reference) -> tuple[str, Decimal | None]:
    if reference is None:
        return "", None
    if isinstance(reference, (tuple, list)):
        label, value = reference
        return str(label), to_decimal(value)
    return _("Reference"), to_decimal(reference)


def _bar_item(item) -> tuple[str, Decimal | None, str | None]:
    label, value, *rest = item
    return str(label), to_decimal(value), (rest[0] if rest else None) or None


# --- bar ----------------------------------------------------------------------------------------

BAR_ROW = 40  # label line + bar
BAR_HEIGHT = 14


def bar(
    title: str,
    items,
    unit: str = "money",
    reference=None,
    *,
    label_header: str | None = None,
    value_header: str | None = None,
) -> ChartSpec:
    """Horizontal bars, one per ``(label, value, url_or_None)``, the label on its own line above
    the bar with the value at the right. The longest bar fills the width; negative values grow
    left of a zero line. ``reference`` (a value, or ``(label, value)``, e.g. the target or the
    team average) draws a dashed vertical line."""
    format_value(None, unit)  # validates the unit
    items = [_bar_item(item) for item in items]
    ref_label, ref_value = _reference(reference)
    values = [v for _l, v, _u in items if v is not None]
    spec = ChartSpec(
        template="dashboards/charts/bar.html",
        title=title,
        unit=unit,
        table_headers=[label_header or _("Name"), value_header or title],
        table_rows=[[label, format_value(value, unit)] for label, value, _u in items],
        empty=not values,
    )
    if ref_value is not None:
        spec.table_rows.append([ref_label, format_value(ref_value, unit)])
    if spec.empty:
        spec.description = _("No data yet.")
        return spec

    left, right = PAD, WIDTH - PAD
    plot_width = right - left
    scale_values = values + ([ref_value] if ref_value is not None else [])
    low = min(min(scale_values), Decimal(0))
    high = max(max(scale_values), Decimal(0))
    span = high - low or Decimal(1)

    def x_of(v: Decimal) -> float:
        return left + float((v - low) / span) * plot_width

    zero = x_of(Decimal(0))
    spec.has_negative = low < 0
    top = 4.0
    for index, (label, value, url) in enumerate(items):
        row_top = top + index * BAR_ROW
        value_text = format_value(value, unit)
        label_room = int((plot_width - text_units(value_text) * CHAR_WIDTH - 10) / CHAR_WIDTH)
        entry = Bar(
            label=label,
            short_label=ellipsize(label, max(label_room, 6)),
            value_text=value_text,
            url=url or None,
            text_y=_r(row_top + 14),
            y=_r(row_top + 20),
            height=BAR_HEIGHT,
        )
        if value is None:
            entry.missing = True
            entry.x = _r(zero)
        else:
            end = x_of(value)
            entry.x = _r(min(zero, end))
            entry.width = _r(abs(end - zero))
            entry.negative = value < 0
        spec.bars.append(entry)

    bottom = top + len(items) * BAR_ROW
    spec.baseline = _r(zero)
    spec.plot = (left, top + 18, right, bottom)
    height = bottom + 4
    if ref_value is not None:
        rx = x_of(ref_value)
        ref_text = format_value(ref_value, unit)
        spec.reference = Reference(
            label=ref_label,
            value_text=ref_text,
            x=_r(rx),
            y1=_r(bottom - 1),
            y2=_r(bottom + 5),
            text_y=_r(bottom + 16),
            anchor="end" if rx > left + plot_width / 2 else "start",
        )
        height = bottom + 22
    spec.height = _r(height)

    known = [(label, value) for label, value, _u in items if value is not None]
    best = max(known, key=lambda lv: lv[1])
    worst = min(known, key=lambda lv: lv[1])
    if len(known) == 1:
        spec.description = _("%(label)s: %(value)s.") % {
            "label": best[0],
            "value": format_value(best[1], unit),
        }
    elif best[1] == worst[1]:
        spec.description = _("All at %(value)s.") % {"value": format_value(best[1], unit)}
    else:
        spec.description = _(
            "Highest: %(top)s (%(top_value)s); lowest: %(bottom)s (%(bottom_value)s)."
        ) % {
            "top": best[0],
            "top_value": format_value(best[1], unit),
            "bottom": worst[0],
            "bottom_value": format_value(worst[1], unit),
        }
    return spec


# --- line ---------------------------------------------------------------------------------------

LINE_HEIGHT = 220
SERIES_CLASSES = 6


def line(
    title: str,
    labels,
    series,
    unit: str = "money",
    *,
    label_header: str | None = None,
) -> ChartSpec:
    """Lines over ``labels`` (e.g. months), one per ``(name, [value or None, …])``; a ``None``
    leaves a gap. Grid lines carry their value at the left; every point has a marker."""
    format_value(None, unit)
    labels = [str(label) for label in labels]
    series = [(str(name), [to_decimal(v) for v in values]) for name, values in series]
    values = [v for _n, vs in series for v in vs if v is not None]
    spec = ChartSpec(
        template="dashboards/charts/line.html",
        title=title,
        unit=unit,
        height=LINE_HEIGHT,
        table_headers=[label_header or _("Period")] + [name for name, _v in series],
        table_rows=[
            [label] + [format_value(vs[i] if i < len(vs) else None, unit) for _n, vs in series]
            for i, label in enumerate(labels)
        ],
        empty=not values or not labels,
    )
    spec.legend = [(f"series-{i % SERIES_CLASSES}", name) for i, (name, _v) in enumerate(series)]
    if spec.empty:
        spec.description = _("No data yet.")
        return spec

    left, right, top, bottom = PAD, WIDTH - PAD, 12.0, LINE_HEIGHT - 34.0
    spec.plot = (left, top, right, bottom)
    low, high, step = _nice_range(min(values), max(values), unit)

    def y_of(v: Decimal) -> float:
        return bottom - float((v - low) / (high - low)) * (bottom - top)

    tick = low
    while tick <= high:
        spec.ticks.append(Tick(_tick_text(tick, unit, step), _r(y_of(tick))))
        tick += step
    spec.baseline = _r(y_of(max(low, Decimal(0))))

    inner_left, inner_right = left + 14, right - 14
    count = len(labels)

    def x_of(i: int) -> float:
        if count == 1:
            return (inner_left + inner_right) / 2
        return inner_left + i * (inner_right - inner_left) / (count - 1)

    label_width = max(text_units(label) for label in labels) * 6.8 + 10
    slot = (inner_right - inner_left) / max(count - 1, 1)
    every = max(1, math.ceil(label_width / slot)) if count > 1 else 1
    for i, label in enumerate(labels):
        if i % every == 0:
            spec.x_labels.append(Tick(ellipsize(label, 14), _r(x_of(i))))

    for index, (name, vs) in enumerate(series):
        drawn = Series(name=name, css_class=f"series-{index % SERIES_CLASSES}")
        run: list[str] = []
        for i in range(count):
            v = vs[i] if i < len(vs) else None
            if v is None:
                if len(run) > 1:
                    drawn.segments.append(" ".join(run))
                run = []
                continue
            point = Point(_r(x_of(i)), _r(y_of(v)), labels[i], format_value(v, unit))
            drawn.points.append(point)
            run.append(f"{point.x},{point.y}")
        if len(run) > 1:
            drawn.segments.append(" ".join(run))
        spec.series.append(drawn)

    latest = []
    for name, vs in series:
        known = [(labels[i], v) for i, v in enumerate(vs[:count]) if v is not None]
        if known:
            latest.append(
                _("%(name)s %(value)s in %(period)s")
                % {"name": name, "value": format_value(known[-1][1], unit), "period": known[-1][0]}
            )
    spec.description = _("From %(start)s to %(end)s. Latest: %(latest)s.") % {
        "start": labels[0],
        "end": labels[-1],
        "latest": _("; ").join(latest),
    }
    return spec


# --- histogram ----------------------------------------------------------------------------------

HIST_HEIGHT = 180


def histogram(
    title: str,
    values,
    bins=SCORE_BINS,
    unit: str = "score",
    *,
    range_header: str | None = None,
    count_header: str | None = None,
) -> ChartSpec:
    """How many values fall into each range of ``bins`` (``(low, high)``, ``high`` excluded;
    the first range is open below, ``high=None`` open above). ``None`` values are counted as
    "No data" in the table, not drawn."""
    format_value(None, unit)
    values = [to_decimal(v) for v in values]
    known = [v for v in values if v is not None]
    missing = len(values) - len(known)
    counts = [0] * len(bins)
    for v in known:
        for index, (low, high) in enumerate(bins):
            above_low = index == 0 or low is None or v >= low
            if above_low and (high is None or v < high):
                counts[index] += 1
                break
    labels = [bin_label(low, high, i == 0, unit) for i, (low, high) in enumerate(bins)]
    spec = ChartSpec(
        template="dashboards/charts/histogram.html",
        title=title,
        unit=unit,
        height=HIST_HEIGHT,
        table_headers=[range_header or _("Range"), count_header or _("Count")],
        table_rows=[[label, format_number(n, 0)] for label, n in zip(labels, counts, strict=True)],
        empty=not known,
    )
    if missing:
        spec.table_rows.append([_("No data"), format_number(missing, 0)])
    if spec.empty:
        spec.description = _("No data yet.")
        return spec

    left, right, top, bottom = PAD, WIDTH - PAD, 20.0, HIST_HEIGHT - 28.0
    spec.plot = (left, top, right, bottom)
    spec.baseline = bottom
    slot = (right - left) / len(bins)
    peak = max(counts)
    for index, (label, n) in enumerate(zip(labels, counts, strict=True)):
        h = (bottom - top) * n / peak if peak else 0.0
        x = left + index * slot
        spec.bars.append(
            Bar(
                label=label,
                short_label=label,
                value_text=format_number(n, 0),
                x=_r(x + slot * 0.12),
                width=_r(slot * 0.76),
                y=_r(bottom - h),
                height=_r(h),
                text_y=_r(bottom - h - 5),
            )
        )
        spec.x_labels.append(Tick(label, _r(x + slot / 2)))
    most = max(range(len(counts)), key=lambda i: counts[i])
    spec.description = _("%(total)s in total; most in %(range)s (%(count)s).") % {
        "total": format_number(len(known), 0),
        "range": labels[most],
        "count": format_number(counts[most], 0),
    }
    if missing:
        spec.description += " " + _("%(count)s without data.") % {
            "count": format_number(missing, 0)
        }
    return spec


# --- heatmap ------------------------------------------------------------------------------------

HEAT_LABEL_WIDTH = 96
HEAT_LABEL_UNITS = 12
#: Column labels (12 user units): at most this many half-width characters, each this wide.
HEAT_COLUMN_UNITS = 18
HEAT_COLUMN_CHAR = 7.0
HEAT_CELL_MIN = 46
HEAT_ROW = 30


def band_legend() -> list[tuple[str, str]]:
    return [
        ("band-low", "< 60"),
        ("band-mid", "60–79"),
        ("band-good", "80–89"),
        ("band-top", "≥ 90"),
        ("band-none", _("No data")),
    ]


def heatmap(
    title: str,
    rows,
    columns,
    cells,
    *,
    row_header: str | None = None,
) -> ChartSpec:
    """A grid of 0–100 scores: one row per ``(label, url_or_None)``, one column per label in
    ``columns``; each cell is coloured by band (see :func:`band`) and prints its score."""
    rows = [(str(label), url) for label, url in rows]
    columns = [str(c) for c in columns]
    grid = [[to_decimal(v) for v in (cells[i] if i < len(cells) else [])] for i in range(len(rows))]
    grid = [(r + [None] * len(columns))[: len(columns)] for r in grid]
    known = [v for r in grid for v in r if v is not None]
    spec = ChartSpec(
        template="dashboards/charts/heatmap.html",
        title=title,
        unit="score",
        table_headers=[row_header or _("Name")] + columns,
        table_rows=[
            [label] + [format_value(v, "score") for v in r]
            for (label, _u), r in zip(rows, grid, strict=True)
        ],
        empty=not known or not columns,
        legend=band_legend(),
    )
    if spec.empty:
        spec.description = _("No data yet.")
        return spec

    room = WIDTH - PAD - HEAT_LABEL_WIDTH
    cell_width = max(HEAT_CELL_MIN, room / len(columns))
    longest = max(text_units(c) for c in columns) * HEAT_COLUMN_CHAR
    rotated = longest > cell_width - 4
    header, overhang = 22.0, 0.0
    if rotated:
        shown = min(longest, HEAT_COLUMN_UNITS * HEAT_COLUMN_CHAR)
        header = shown * math.sin(math.radians(40)) + 18
        # A rotated label reaches right of its column; leave room for the last one, narrowing
        # the cells rather than making the chart wider than a phone when that still fits.
        reach = shown * math.cos(math.radians(40))
        cell_width = max(HEAT_CELL_MIN, min(cell_width, (room - reach) / (len(columns) - 0.5)))
        overhang = max(0.0, reach - cell_width / 2)
    width = HEAT_LABEL_WIDTH + cell_width * len(columns) + PAD + overhang
    spec.width = _r(max(WIDTH, width))
    spec.scroll = spec.width > WIDTH
    for j, column in enumerate(columns):
        cx = HEAT_LABEL_WIDTH + j * cell_width + cell_width / 2
        spec.columns.append(
            ColumnLabel(
                column, ellipsize(column, HEAT_COLUMN_UNITS), _r(cx), _r(header - 6), rotated
            )
        )
    for i, ((label, url), values) in enumerate(zip(rows, grid, strict=True)):
        y = header + i * HEAT_ROW
        row = HeatRow(
            label, ellipsize(label, HEAT_LABEL_UNITS), url or None, _r(y), _r(y + HEAT_ROW / 2 + 5)
        )
        for j, v in enumerate(values):
            text = format_value(v, "score")
            row.cells.append(
                Cell(
                    x=_r(HEAT_LABEL_WIDTH + j * cell_width + 1),
                    y=_r(y + 1),
                    width=_r(cell_width - 2),
                    height=HEAT_ROW - 2,
                    band=band(v),
                    value_text=text,
                    title=f"{label} · {columns[j]}: {text}",
                )
            )
        spec.rows.append(row)
    spec.height = _r(header + len(rows) * HEAT_ROW + 4)
    spec.plot = (HEAT_LABEL_WIDTH, header, spec.width - PAD - overhang, spec.height - 4)
    low = sum(1 for v in known if v < 60)
    top = sum(1 for v in known if v >= 90)
    spec.description = _("%(low)s of %(total)s scores are below 60; %(top)s are 90 or above.") % {
        "low": low,
        "total": len(known),
        "top": top,
    }
    return spec


# --- funnel -------------------------------------------------------------------------------------

FUNNEL_ROW = 54


def conversion(count, base) -> Decimal | None:
    """``count`` as a percentage of ``base``; ``None`` when ``base`` is zero or unknown."""
    count, base = to_decimal(count), to_decimal(base)
    if count is None or not base:
        return None
    return count * 100 / base


def funnel(
    title: str,
    stages,
    *,
    stage_header: str | None = None,
) -> ChartSpec:
    """Stages ``(label, count)`` from the widest (e.g. leads) to the narrowest (e.g. won), as
    centred bars; each stage after the first shows its conversion from the previous stage and
    from the first."""
    stages = [(str(label), to_decimal(count) or Decimal(0)) for label, count in stages]
    first = stages[0][1] if stages else Decimal(0)
    rows = []
    for index, (label, count) in enumerate(stages):
        previous = stages[index - 1][1] if index else None
        rows.append(
            (
                label,
                count,
                conversion(count, previous) if index else None,
                conversion(count, first) if index else None,
            )
        )
    spec = ChartSpec(
        template="dashboards/charts/funnel.html",
        title=title,
        unit="number",
        table_headers=[
            stage_header or _("Stage"),
            _("Count"),
            _("From previous stage"),
            _("From first stage"),
        ],
        table_rows=[
            [label, format_number(count, 0), format_percent(prev), format_percent(of_first)]
            for label, count, prev, of_first in rows
        ],
        empty=not any(count for _l, count in stages),
    )
    if spec.empty:
        spec.description = _("No data yet.")
        return spec

    left, right = PAD, WIDTH - PAD
    plot_width = right - left
    peak = max(count for _l, count in stages)
    top = 4.0
    for index, (label, count, prev, of_first) in enumerate(rows):
        row_top = top + index * FUNNEL_ROW
        width = plot_width * float(count / peak) if peak else 0.0
        if count > 0:
            width = max(width, 2.0)
        note = ""
        if index:
            note = _("%(previous)s of previous · %(first)s of first") % {
                "previous": format_percent(prev),
                "first": format_percent(of_first),
            }
        spec.bars.append(
            Bar(
                label=label,
                short_label=ellipsize(label, 34),
                value_text=format_number(count, 0),
                x=_r(left + (plot_width - width) / 2),
                y=_r(row_top + 20),
                width=_r(width),
                height=16,
                text_y=_r(row_top + 14),
                note=note,
                note_y=_r(row_top + 49),
            )
        )
    spec.height = _r(top + len(rows) * FUNNEL_ROW + 2)
    spec.plot = (left, top, right, spec.height)
    last_label, last_count, _p, overall = rows[-1]
    spec.description = _(
        "%(first)s at “%(first_stage)s”, %(last)s at “%(last_stage)s” (%(rate)s)."
    ) % {
        "first": format_number(first, 0),
        "first_stage": stages[0][0],
        "last": format_number(last_count, 0),
        "last_stage": last_label,
        "rate": format_percent(overall if len(rows) > 1 else Decimal(100)),
    }
    return spec
