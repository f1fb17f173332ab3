"""Drive times between many places at once: the planner's duration matrix.

The one place a routing service would replace: today the matrix is the same estimate as
`core.geo.travel_minutes` (great-circle distance stretched by a road factor, at an average
speed), for every pair of points in one numpy pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fieldops.core.geo import EARTH_RADIUS_M, Point


def duration_matrix(points: Sequence[Point], road_factor: float, speed_kmh: float) -> np.ndarray:
    """Seconds to drive from each point to each other (rounded, symmetric, zero on the
    diagonal), as `travel_minutes` estimates them."""
    if road_factor <= 0 or speed_kmh <= 0:
        raise ValueError("road_factor and speed_kmh must be positive")
    if not points:
        return np.zeros((0, 0), dtype=np.int64)
    lat, lon = np.radians(np.asarray(points, dtype=float)).T
    dphi = lat[:, None] - lat[None, :]
    dlambda = lon[:, None] - lon[None, :]
    cosines = np.cos(lat)[:, None] * np.cos(lat)[None, :]
    h = np.sin(dphi / 2) ** 2 + cosines * np.sin(dlambda / 2) ** 2
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    seconds = metres * road_factor / (speed_kmh / 3.6)
    return np.rint(seconds).astype(np.int64)
