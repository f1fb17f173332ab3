"""Support shifts of the benchmark data set, as rows ready for sqlite3 `executemany`.

Per region, desks in the zone the team works from: an on-site day desk on weekdays
(08:00-18:00), a remote evening desk to the usual posted close (20:00, or 21:00 in the
Northeast, Southeast and West), a remote Saturday desk, a midday desk in South Central that
overlaps both (counted once), and Sunday desks in three regions only, so that Sunday-open
stores elsewhere go without. The Mountain desks work from Phoenix (no daylight saving) for
stores on Denver time, the Midwest ones from Chicago for the Ohio stores on New York time,
the West's from Los Angeles for Alaska and Hawaii too. Two shifts list their stores: an
Alaska & Hawaii desk in Honolulu, and a late desk past midnight for the stores whose
customers stay an hour or more past 20:00 in two regions. One old shift is inactive.
Dated exceptions around the build: holidays off (the stores close too), a skeleton crew
on Black Friday, a week of the Midwest day desk at a conference, a week of the Northeast
evening desk unstaffed, a one-off Saturday evening for a sales event.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from bench.dataset import Staff, StoreInfo, hms
from bench.evidence import Profile
from fieldops.demo.places import CHI, MIDWEST, NORTHEAST, NY, SOUTH_CENTRAL, SOUTHEAST, WEST
from fieldops.demo.shifts import DESK_ZONE, EVENING_END, SATURDAY_HOURS, WEEKDAYS
from fieldops.demo.stores import SATURDAY, SUNDAY, fourth_thursday_of_november

# The desks of the demo's regions (fieldops/demo/shifts.py), at 5,000 stores.
HONOLULU, ANCHORAGE = "Pacific/Honolulu", "America/Anchorage"
SUNDAY_DESKS = (NORTHEAST, SOUTHEAST, WEST)  # 11:00-17:00
LATE_DESK_REGIONS = (MIDWEST, SOUTH_CENTRAL)
LATE_CLOSE = 21 * 60  # customers still in at 21:00 on weekdays (minutes)


@dataclass
class Desk:
    name: str
    timezone: str
    weekdays: list[int]
    start: time
    end: time
    kind: str  # "onsite" | "remote"
    region: str | None = None
    store_ids: list[int] = field(default_factory=list)
    engineer_ids: list[int] = field(default_factory=list)
    off: dict[date, str] = field(default_factory=dict)
    extra: list[tuple[date, time, time, str]] = field(default_factory=list)
    active: bool = True


@dataclass
class Roster:
    """The rows of the four tables."""

    shifts: list[tuple] = field(default_factory=list)
    stores: list[tuple] = field(default_factory=list)
    engineers: list[tuple] = field(default_factory=list)
    exceptions: list[tuple] = field(default_factory=list)


def holidays(today: date) -> dict[date, str]:
    """Days the stores close (the group's calendar) within a year either side: desks off."""
    found = {}
    for year in range(today.year - 1, today.year + 2):
        for day, note in (
            (date(year, 1, 1), "New Year's Day"),
            (date(year, 7, 4), "Independence Day"),
            (fourth_thursday_of_november(year), "Thanksgiving"),
            (date(year, 12, 25), "Christmas Day"),
        ):
            if abs((day - today).days) <= 365:
                found[day] = note
    return found


def monday_after(today: date, weeks: int) -> date:
    return today + timedelta(days=7 * weeks - today.weekday())


def desks(
    rng: random.Random,
    infos: list[StoreInfo],
    staff: Staff,
    profiles: list[Profile],
    today: date,
) -> list[Desk]:
    """Every shift, with its stores, engineers and exceptions; `today` is the build's date."""
    by_region: dict[str, list[int]] = {}
    for engineer_id in staff.engineer_ids:
        by_region.setdefault(staff.patches[engineer_id][0].city.region, []).append(engineer_id)
    off = holidays(today)
    black_friday = fourth_thursday_of_november(today.year) + timedelta(days=1)
    if black_friday < today - timedelta(days=7):
        black_friday = fourth_thursday_of_november(today.year + 1) + timedelta(days=1)
    found: list[Desk] = []
    for region, tz in DESK_ZONE.items():
        team = rng.sample(by_region[region], len(by_region[region]))
        day = Desk(f"{region} day desk", tz, WEEKDAYS, time(8), time(18), "onsite", region)
        evening = Desk(f"{region} evening remote desk", tz, WEEKDAYS, time(18),
                       EVENING_END.get(region, time(20)), "remote", region)  # fmt: skip
        sat_start, sat_end = SATURDAY_HOURS.get(region, (time(9), time(18)))
        saturday = Desk(f"{region} Saturday remote desk", tz, [SATURDAY], sat_start, sat_end,
                        "remote", region)  # fmt: skip
        day.engineer_ids, evening.engineer_ids = sorted(team[:6]), sorted(team[6:9])
        saturday.engineer_ids = sorted(team[9:11])
        region_desks = [day, evening, saturday]
        if region in SUNDAY_DESKS:
            sunday = Desk(f"{region} Sunday remote desk", tz, [SUNDAY], time(11), time(17),
                          "remote", region, engineer_ids=sorted(team[11:12]))  # fmt: skip
            region_desks.append(sunday)
        if region == SOUTH_CENTRAL:  # overlaps the day and evening desks: counted once
            region_desks.append(Desk(f"{region} midday remote desk", tz, WEEKDAYS, time(12),
                                     time(19), "remote", region,
                                     engineer_ids=sorted(team[12:14])))  # fmt: skip
        for desk in region_desks:
            desk.off.update(off)
        if region in (MIDWEST, SOUTHEAST):
            day.off[black_friday] = "Black Friday: skeleton crew"
            day.extra.append((black_friday, time(10), time(14), "Black Friday: skeleton crew"))
        if region == MIDWEST:
            for n in range(5):
                day.off[monday_after(today, 2) + timedelta(days=n)] = "Team at the IT conference"
            event = today + timedelta(days=10 + (SATURDAY - today.weekday()) % 7)
            evening.extra.append((event, time(18), time(21), "Sales event: evening desk"))
        if region == NORTHEAST:
            for n in range(5):
                evening.off[monday_after(today, 1) + timedelta(days=n)] = "Vacancy: unstaffed"
        found += region_desks
    islands = Desk("Alaska & Hawaii desk", HONOLULU, [0, 1, 2, 3, 4, SATURDAY], time(9),
                   time(17), "remote")  # fmt: skip
    islands.store_ids = [i.id for i in infos if i.city.timezone in (HONOLULU, ANCHORAGE)]
    islands.engineer_ids = sorted(rng.sample(by_region[WEST], 2))
    islands.off.update(off)
    late = Desk("Late-closing stores desk", CHI, WEEKDAYS, time(20), time(0, 30), "remote")
    late.store_ids = [
        info.id
        for info, prof in zip(infos, profiles, strict=True)
        if info.city.region in LATE_DESK_REGIONS and (prof.closes[0] or 0) >= LATE_CLOSE
    ]
    late.engineer_ids = sorted(rng.sample(by_region[MIDWEST], 2))
    late.off.update(off)
    retired = Desk(f"{NORTHEAST} night desk (retired)", NY, WEEKDAYS, time(21), time(23),
                   "remote", NORTHEAST, active=False)  # fmt: skip
    return [*found, islands, late, retired]


def roster(desks_: list[Desk], created: str) -> Roster:
    """The rows, ids from 1 in the order given; `created` a stored timestamp."""
    rows = Roster()
    exception_id = 0
    for shift_id, d in enumerate(desks_, 1):
        rows.shifts.append((shift_id, d.name, d.timezone, json.dumps(d.weekdays), hms(d.start),
                            hms(d.end), d.region, d.kind, int(d.active), created,
                            created))  # fmt: skip
        rows.stores += [(shift_id, store_id) for store_id in d.store_ids]
        rows.engineers += [(shift_id, user_id) for user_id in d.engineer_ids]
        for day, note in sorted(d.off.items()):
            exception_id += 1
            rows.exceptions.append((exception_id, shift_id, day.isoformat(), 1, None, None, note))
        for day, start, end, note in d.extra:
            exception_id += 1
            rows.exceptions.append(
                (exception_id, shift_id, day.isoformat(), 0, hms(start), hms(end), note)
            )
    return rows


def describe(desks_: list[Desk]) -> Iterator[str]:
    """One line per shift, for the log."""
    for d in desks_:
        where = d.region or f"{len(d.store_ids)} listed stores"
        yield (
            f"{d.name}: {d.timezone} {d.weekdays} {d.start:%H:%M}-{d.end:%H:%M} {d.kind}, "
            f"{where}, {len(d.engineer_ids)} engineers, {len(d.off) + len(d.extra)} exceptions"
            + ("" if d.active else " (inactive)")
        )
