"""The uncovered-minutes heatmap: geometry for a server-drawn SVG (dashboard/_heatmap.html).

One row per store (the worst first), then one row per region (its average store), one
column per weekday. A cell holds the real-customer minutes a week that no support shift
covers on that weekday; its colour is one of six levels (CSS classes `l0`…`l5`, the CSP
forbids inline styles), its text the hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fieldops.clock import WEEKDAY_NAMES

WIDTH = 420
LABEL_WIDTH = 160
CELL_WIDTH = 37
ROW_HEIGHT = 18
TOP = 18  # room for the weekday names
SECTION_GAP = 22  # between the stores and the regions, with a caption
LABEL_CHARS = 21  # fits the label column also in the larger type used on phones
# Upper bounds (minutes a week) of levels 1-4; level 0 is none uncovered, level 5 more.
LEVELS = (30, 60, 120, 240)


@dataclass(frozen=True)
class Cell:
    x: float
    level: int
    text: str
    title: str


@dataclass(frozen=True)
class HeatRow:
    y: float
    label: str
    title: str
    href: str | None
    cells: list[Cell]
    region: bool = False


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    label_width: int
    cell_width: int
    row_height: int
    columns: list[tuple[float, str]]  # centre x, weekday
    rows: list[HeatRow]
    section_y: float | None  # where the regions' caption goes, if there are regions
    legend: list[tuple[int, str]]


@dataclass(frozen=True)
class Line:
    """What one row shows: `by_weekday` holds uncovered minutes over `days` days."""

    label: str
    title: str
    by_weekday: Sequence[float]
    days: int
    href: str | None = None


def level(minutes_a_week: float) -> int:
    if minutes_a_week <= 0:
        return 0
    return next((i + 1 for i, top in enumerate(LEVELS) if minutes_a_week <= top), len(LEVELS) + 1)


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def day_cells(line: Line, *, every_value: bool = False) -> list[Cell]:
    """The row's seven weekday cells; the values of nearly covered days (under 3 minutes a
    week) are left out unless `every_value` (the phone list writes each one)."""
    weeks = line.days / 7 if line.days else 1
    cells = []
    for day, minutes in enumerate(line.by_weekday[:7]):
        a_week = minutes / weeks
        cells.append(
            Cell(
                x=LABEL_WIDTH + day * CELL_WIDTH,
                level=level(a_week),
                text=_hours(a_week) if every_value or a_week >= 3 else "",
                title=f"{line.title}, {WEEKDAY_NAMES[day]}s: "
                + (f"{_hours(a_week)} h a week uncovered" if a_week > 0 else "covered"),
            )
        )
    return cells


def _row(line: Line, y: float, region: bool) -> HeatRow:
    return HeatRow(y, _short(line.label), line.title, line.href, day_cells(line), region)


def draw_heatmap(stores: list[Line], regions: list[Line]) -> Heatmap:
    rows = [_row(line, TOP + i * ROW_HEIGHT, False) for i, line in enumerate(stores)]
    section_y = None
    y = TOP + len(stores) * ROW_HEIGHT
    if regions:
        section_y = y + SECTION_GAP - 6
        y += SECTION_GAP
        rows += [_row(line, y + i * ROW_HEIGHT, True) for i, line in enumerate(regions)]
        y += len(regions) * ROW_HEIGHT
    columns = [(LABEL_WIDTH + (day + 0.5) * CELL_WIDTH, WEEKDAY_NAMES[day][:3]) for day in range(7)]
    bounds = (0, *LEVELS)
    legend = [(0, "none")] + [
        (i + 1, f"≤ {_hours(top).removesuffix('.0')} h" if top >= 60 else f"≤ {top} min")
        for i, top in enumerate(LEVELS)
    ]
    legend.append((len(bounds), f"> {_hours(LEVELS[-1]).removesuffix('.0')} h"))
    return Heatmap(
        width=WIDTH,
        height=int(y + 4),
        label_width=LABEL_WIDTH,
        cell_width=CELL_WIDTH,
        row_height=ROW_HEIGHT,
        columns=columns,
        rows=rows,
        section_y=section_y,
        legend=legend,
    )
