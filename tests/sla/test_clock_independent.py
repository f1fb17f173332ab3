"""The clock against an independent count: minute by minute, reading the store's wall clock.

Random histories (pauses, responses, resolutions, reopenings, a severity change) over the
weeks of both 2026 daylight-saving changes in Chicago and in Phoenix (no DST), for ordinary
hours, a closed Sunday, and hours past midnight. The count asks of every minute whether
the store's local time lies within that day's hours or the evening before's; the clock
under test lays the hours on dates and turns them into UTC windows. They must agree to
the minute.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldops.coverage import StoreHours
from fieldops.sla import Clock, ClockHours, Rules, Step, derive

MINUTE = timedelta(minutes=1)
HOURS = {
    "ordinary": {d: (time(9), time(20)) for d in range(6)},
    "late fridays": {**{d: (time(9), time(20)) for d in range(6)}, 4: (time(10), time(1, 30))},
    "bar": {d: (time(18), time(4)) for d in range(7)},
}
STARTS = [datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 10, 29, tzinfo=UTC)]


def is_open(at: datetime, tz: ZoneInfo, weekly: dict) -> bool:
    local = at.astimezone(tz)
    today = weekly.get(local.weekday())
    if today is not None:
        opens, closes = today
        if opens <= local.time() and (closes <= opens or local.time() < closes):
            return True
    yesterday = weekly.get((local.weekday() - 1) % 7)
    if yesterday is not None:
        opens, closes = yesterday
        if closes <= opens and local.time() < closes:
            return True
    return False


def count(reported, steps, targets, tz, weekly, until):
    """Minute by minute: per target, its minutes, the elapsed minutes, and when each count
    of minutes was reached. New rules change only the targets not yet met."""
    paused = resolved = responded = False
    target = dict(zip(("response", "resolve"), targets, strict=True))
    elapsed = {"response": 0, "resolve": 0}
    when: dict[str, dict[int, datetime]] = {"response": {}, "resolve": {}}
    by_time: dict[datetime, list[dict]] = {}
    for step in steps:
        by_time.setdefault(step["at"], []).append(step)
    t = reported
    while t < until:
        for step in by_time.get(t, []):
            if "rules" in step:
                new = dict(zip(("response", "resolve"), step["rules"], strict=True))
                if not responded:
                    target["response"] = new["response"]
                if not resolved:
                    target["resolve"] = new["resolve"]
            if "paused" in step:
                paused = step["paused"]
            if step.get("resolved") is True:
                resolved = responded = True
            if step.get("resolved") is False:
                resolved = False
            if step.get("responded"):
                responded = True
        if not paused and is_open(t, tz, weekly):
            for name, running in (("response", not responded), ("resolve", not resolved)):
                if running:
                    elapsed[name] += 1
                    when[name][elapsed[name]] = t + MINUTE
        t += MINUTE
    return {
        name: (target[name], elapsed[name], when[name].get(target[name]))
        for name in ("response", "resolve")
    }


def history(rng: random.Random, reported: datetime) -> list[dict]:
    steps, at = [], reported
    paused = resolved = False
    for _ in range(rng.randint(0, 6)):
        at += timedelta(minutes=rng.randint(1, 900))
        kind = rng.choice(["pause", "respond", "resolve", "rules"])
        if kind == "pause" and not resolved:
            paused = not paused
            steps.append({"at": at, "paused": paused, "resolved": False})
        elif kind == "resolve":
            resolved = not resolved
            paused = False
            steps.append({"at": at, "paused": False, "resolved": resolved})
        elif kind == "respond":
            steps.append({"at": at, "responded": True})
        elif kind == "rules":
            steps.append({"at": at, "rules": rng.choice([(30, 240), (60, 480), (240, 1440)])})
    return steps


@pytest.mark.parametrize("seed", range(40))
def test_due_times_agree_with_a_minute_by_minute_count(seed):
    rng = random.Random(seed)
    zone_name = rng.choice(["America/Chicago", "America/Phoenix"])
    tz = ZoneInfo(zone_name)
    shape = rng.choice(list(HOURS))
    weekly = HOURS[shape]
    reported = rng.choice(STARTS) + timedelta(minutes=rng.randrange(0, 4 * 1440))
    targets = rng.choice([(60, 480), (240, 1440)])
    steps = history(rng, reported)
    until = reported + timedelta(days=9)

    hours = ClockHours(StoreHours(zone_name, weekly))
    rules = Rules("p", Clock.CUSTOMER_HOURS, *targets)
    clock_steps: list[Step] = []
    for step in steps:
        if "rules" in step:
            # as the issues do: a checkpoint of the history until then, under the new rules
            so_far = derive(reported, rules, clock_steps, lambda _: hours, step["at"])
            counted = count(reported, steps, targets, tz, weekly, step["at"])
            assert so_far.response.elapsed == counted["response"][1] * 60
            assert so_far.resolve.elapsed == counted["resolve"][1] * 60
            new = Rules("p", Clock.CUSTOMER_HOURS, *step["rules"])
            clock_steps.append(Step(step["at"], checkpoint=so_far.checkpoint(new)))
        else:
            clock_steps.append(
                Step(step["at"], paused=step.get("paused"), resolved=step.get("resolved"),
                     responded=step.get("responded", False))
            )  # fmt: skip
    verdict = derive(reported, rules, clock_steps, lambda _: hours, until)
    counted = count(reported, steps, targets, tz, weekly, until)
    for name, target in verdict.targets.items():
        minutes, elapsed, reached = counted[name]
        assert (target.target, target.elapsed) == (minutes * 60, elapsed * 60), (name, steps)
        if reached is not None:
            assert target.due_at == reached, (zone_name, shape, name, steps)
