"""Distances and drive times (fieldops/core/geo.py)."""

from __future__ import annotations

import pytest

from fieldops.core.geo import distance_m, travel_minutes

CHICAGO = (41.8781, -87.6298)
MILWAUKEE = (43.0389, -87.9065)


def test_chicago_to_milwaukee_is_about_130_km():
    assert distance_m(*CHICAGO, *MILWAUKEE) == pytest.approx(131_000, rel=0.01)


def test_travel_minutes_stretches_the_distance_by_the_road_factor_at_the_speed():
    # ~131 km great-circle × 1.3 = ~170 km of road, at 60 km/h: ~170 minutes.
    assert travel_minutes(CHICAGO, MILWAUKEE) == pytest.approx(170.4, abs=1)
    assert travel_minutes(MILWAUKEE, CHICAGO) == pytest.approx(travel_minutes(CHICAGO, MILWAUKEE))
    slow = travel_minutes(CHICAGO, MILWAUKEE, road_factor=1.0, speed_kmh=30.0)
    assert slow == pytest.approx(2 * 131.1, abs=1)


def test_travel_minutes_to_the_same_place_is_zero():
    assert travel_minutes(CHICAGO, CHICAGO) == 0


@pytest.mark.parametrize("settings", [{"road_factor": 0}, {"speed_kmh": 0}, {"speed_kmh": -5}])
def test_travel_minutes_refuses_settings_that_are_not_positive(settings):
    with pytest.raises(ValueError):
        travel_minutes(CHICAGO, MILWAUKEE, **settings)
