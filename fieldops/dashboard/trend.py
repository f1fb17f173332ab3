"""The weekly coverage trend: geometry for a server-drawn SVG (templates/dashboard/_trend.html).

Two lines over the snapshot weeks: the share of real customer minutes covered, and the
same against posted hours. The vertical axis runs from a round figure below the lowest
point to 100 %, so a few points of change stay visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldops.dashboard.figures import TrendPoint

WIDTH = 360
HEIGHT = 170
LEFT = 40  # room for the percent labels
RIGHT = 22  # room for half the last date
TOP = 10
BOTTOM = 22  # room for the dates


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Series:
    name: str  # also its CSS class
    path: str
    dots: list[Dot]


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    bottom: float
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    series: list[Series]


def _floor(values: list[float]) -> int:
    low = min(values, default=100.0)
    return max(0, min(90, int((low - 5) // 10 * 10)))


def trend_chart(points: list[TrendPoint]) -> TrendChart | None:
    """The chart of `points` (oldest first); None without any figure to draw."""
    values = [v for p in points for v in (p.real_percent, p.posted_percent) if v is not None]
    if not values:
        return None
    floor = _floor(values)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first, last = points[0].taken_on, points[-1].taken_on
    span = (last - first).days or 1

    def x(point: TrendPoint) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        return round(LEFT + (point.taken_on - first).days / span * plot_w, 1)

    def y(value: float) -> float:
        return round(TOP + (100 - value) / (100 - floor) * plot_h, 1)

    series = []
    for name, label in (("posted", "against posted hours"), ("real", "real customer hours")):
        dots = [
            Dot(
                x(p),
                y(value),
                f"{p.taken_on:%d %b %Y}: {value:.1f}% of {label} covered ({p.stores} stores)",
            )
            for p in points
            if (value := getattr(p, f"{name}_percent")) is not None
        ]
        path = " ".join(f"{'M' if i == 0 else 'L'}{d.x} {d.y}" for i, d in enumerate(dots))
        series.append(Series(name, path, dots))
    step = 10 if 100 - floor <= 50 else 20
    y_ticks = [(y(v), f"{v}%") for v in range(100, floor - 1, -step)]
    every = max(1, -(-len(points) // 6))  # at most about six dates under the axis
    x_ticks = [(x(p), f"{p.taken_on:%d %b}") for p in points[::-1][::every]]
    return TrendChart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, y_ticks, x_ticks, series)
