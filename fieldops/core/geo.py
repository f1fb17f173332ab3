"""Distances on the Earth's surface, and the drive time between two places.

Positions are WGS84 `(latitude, longitude)` pairs in degrees. `travel_minutes` takes its
road factor and speed from the caller (routes pass `TRAVEL_ROAD_FACTOR` and
`TRAVEL_SPEED_KMH` from the app's config), so the same estimate serves the Today page and
the visit planner, and tests can use it without an app.
"""

from math import asin, cos, radians, sin, sqrt
from urllib.parse import urlencode

EARTH_RADIUS_M = 6_371_008.8

Point = tuple[float, float]
"""A WGS84 position: (latitude, longitude) in degrees."""


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS84 positions."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    h = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h)))


def travel_minutes(
    a: Point, b: Point, *, road_factor: float = 1.3, speed_kmh: float = 60.0
) -> float:
    """Estimated drive time in minutes from `a` to `b`: the great-circle distance stretched
    by `road_factor` (roads are longer than the straight line) at an average `speed_kmh`.

    A rough figure for ordering a day and showing "≈ N min drive", not a route: it knows
    no roads, traffic or water. Not rounded; callers round for display.
    """
    if road_factor <= 0 or speed_kmh <= 0:
        raise ValueError("road_factor and speed_kmh must be positive")
    road_km = distance_m(a[0], a[1], b[0], b[1]) * road_factor / 1000
    return road_km / speed_kmh * 60


def _at(point: Point) -> str:
    return f"{point[0]:.6f},{point[1]:.6f}"


def directions_url(stops: list[Point], base: Point | None = None) -> str | None:
    """A maps link driving through `stops` in order, from and back to `base` when given
    (else from the first stop to the last): the universal Google Maps URL, which phones
    open in their maps app. None without anywhere to go."""
    route = [base, *stops, base] if base is not None else list(stops)
    if len(route) < 2 or not stops:
        return None
    query = {"api": "1", "origin": _at(route[0]), "destination": _at(route[-1])}
    if len(route) > 2:
        query["waypoints"] = "|".join(_at(p) for p in route[1:-1])
    query["travelmode"] = "driving"
    return "https://www.google.com/maps/dir/?" + urlencode(query)
