"""Stacked intervals (numpy) answer what the plain interval functions answer, per store."""

from __future__ import annotations

import random

import numpy as np

from fieldops.coverage.intervals import Interval, overlap, subtract, union
from fieldops.coverage.stacked import Stacked

T0 = 1_790_000_000  # an instant in 2026


def _random_set(rng: random.Random, count: int) -> list[Interval]:
    found = []
    for _ in range(count):
        start = T0 + rng.randrange(0, 30 * 86_400, 60)
        found.append((start, start + rng.randrange(60, 6 * 3600, 60)))
    return union(found)


def _within(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return subtract(a, subtract(a, b))


def test_windows_laid_over_every_store_cut_what_each_store_has():
    rng = random.Random(7)
    keys = [11, 5, 42, 9]
    sets = [_random_set(rng, 40), [], _random_set(rng, 3), _random_set(rng, 60)]
    stacked = Stacked(keys, sets)
    windows = _random_set(rng, 25)
    found = stacked.within(windows, [42, 11, 5, 9])
    expected = {k: _within(s, windows) for k, s in zip(keys, sets, strict=True)}
    assert found == {k: parts for k, parts in expected.items() if parts}
    assert stacked.within(windows, [9]) == {9: expected[9]}
    assert stacked.within([], keys) == {}


def test_seconds_inside_laid_intervals_match_overlap_per_store():
    rng = random.Random(11)
    keys = [3, 1, 2]
    sets = [_random_set(rng, 30), _random_set(rng, 1), []]
    stacked = Stacked(keys, sets)
    other = {1: _random_set(rng, 8), 2: _random_set(rng, 5), 3: _random_set(rng, 12)}
    owner, starts, ends = stacked.lay(other)
    seconds = np.bincount(owner, weights=stacked.inside(starts, ends), minlength=len(other))
    assert seconds.astype(int).tolist() == [
        overlap(found, sets[keys.index(key)]) for key, found in other.items()
    ]
