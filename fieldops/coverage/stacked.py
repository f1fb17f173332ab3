"""Many stores' uncovered intervals in one numpy array, so that one set of windows is laid
over a thousand stores at once (a suggestion weighs hundreds of window sets per region).

Each store's intervals are moved to a stretch of their own on one line (store k's by k
times `STRETCH` seconds, more than any instant of the app's years), so every store's list
follows the one before and the whole stays sorted and disjoint.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from fieldops.coverage.intervals import Interval

STRETCH = 1 << 34  # seconds: past the year 2514, and 5,000 stores stay far inside int64


class Stacked:
    """The sorted disjoint intervals of each of `keys` (a store id each), stacked."""

    def __init__(self, keys: list[int], intervals: list[list[Interval]]) -> None:
        self.keys = keys
        self.position = {key: k for k, key in enumerate(keys)}
        pairs = np.array(list(chain.from_iterable(intervals)), dtype=np.int64).reshape(-1, 2)
        moved = np.repeat(
            np.arange(len(keys), dtype=np.int64) * STRETCH, [len(f) for f in intervals]
        )
        self.starts, self.ends = pairs[:, 0] + moved, pairs[:, 1] + moved
        # seconds of the intervals before each one
        self.before = np.concatenate(([0], np.cumsum(self.ends - self.starts)))

    def lay(self, by_key: dict[int, list[Interval]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Other intervals of some keys moved onto the keys' stretches: for each interval,
        the index of its key in `by_key`, its start and its end."""
        flat = [(index, self.position[key] * STRETCH + a, self.position[key] * STRETCH + b)
                for index, (key, found) in enumerate(by_key.items()) for a, b in found]  # fmt: skip
        rows = np.array(flat, dtype=np.int64).reshape(-1, 3)
        return rows[:, 0], rows[:, 1], rows[:, 2]

    def inside(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Seconds of the stacked intervals inside each laid [start, end)."""
        return self._up_to(ends) - self._up_to(starts)

    def _up_to(self, instants: np.ndarray) -> np.ndarray:
        if not len(self.starts):
            return np.zeros(len(instants), dtype=np.int64)
        last = np.searchsorted(self.starts, instants, side="right") - 1
        at = np.maximum(last, 0)
        into = np.clip(instants - self.starts[at], 0, self.ends[at] - self.starts[at])
        return np.where(last >= 0, self.before[at] + into, 0)

    def within(self, windows: list[Interval], keys: list[int]) -> dict[int, list[Interval]]:
        """Per key of `keys` that has any, the parts of its intervals inside `windows`
        (sorted and disjoint)."""
        if not windows or not keys or not len(self.starts):
            return {}
        base = np.array(sorted(self.position[key] for key in keys), dtype=np.int64) * STRETCH
        spans = np.array(windows, dtype=np.int64)
        window_starts = (base[:, None] + spans[None, :, 0]).ravel()
        window_ends = (base[:, None] + spans[None, :, 1]).ravel()
        # The intervals each window meets: those ending after its start and starting before
        # its end (a run of consecutive ones).
        first = np.searchsorted(self.ends, window_starts, side="right")
        last = np.searchsorted(self.starts, window_ends, side="left")
        counts = np.maximum(last - first, 0)
        window = np.repeat(np.arange(len(window_starts)), counts)
        met = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        met += np.repeat(first, counts)
        starts = np.maximum(self.starts[met], window_starts[window])
        ends = np.minimum(self.ends[met], window_ends[window])
        kept = ends > starts
        stretch = starts[kept] // STRETCH
        local_starts = (starts[kept] - stretch * STRETCH).tolist()
        local_ends = (ends[kept] - stretch * STRETCH).tolist()
        # The parts come sorted, each key's together: cut where the key changes.
        cuts = [0, *(np.flatnonzero(np.diff(stretch)) + 1).tolist(), len(local_starts)]
        owners = stretch.tolist()
        return {
            self.keys[owners[a]]: list(zip(local_starts[a:b], local_ends[a:b], strict=True))
            for a, b in zip(cuts, cuts[1:], strict=False)
            if b > a
        }
