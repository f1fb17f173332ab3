"""The stores whose real hours drift most from posted (worked out by the database)."""

from __future__ import annotations

from datetime import time

import pytest

from fieldops.auth.models import User
from fieldops.extensions import db
from fieldops.hours import drifts
from fieldops.hours.models import HoursBasis, RealHours

Span = tuple[time, time] | None


def learn(store, days: dict[int, Span], basis: HoursBasis = HoursBasis.OBSERVED) -> None:
    for weekday, span in days.items():
        db.session.add(
            RealHours(
                store_id=store.id,
                weekday=weekday,
                opens=span[0] if span else None,
                closes=span[1] if span else None,
                sample_days=8,
                confidence=0.9,
                basis=basis,
            )
        )


@pytest.fixture
def stores(ctx, build):
    """Posted Mon-Sat 09:00-20:00 unless said otherwise; each store drifts another way."""
    made = {
        "late": build.store(name="Late"),  # Fridays to 21:25: 85 min
        "night": build.store(  # posted Fri to 00:30, customers to 01:10: 40 min past midnight
            name="Night",
            hours=[(d, time(9), time(20)) for d in range(4)] + [(4, time(9), time(0, 30))],
        ),
        "early": build.store(name="Early"),  # Saturdays from 08:15: 45 min
        "sunday": build.store(name="Sunday"),  # customers on Sundays (posted closed): 6 h
        "empty": build.store(name="Empty"),  # nobody on Tuesdays (posted open): 11 h
        "exact": build.store(name="Exact"),  # learned equal to posted: no drift
        "posted": build.store(name="Posted"),  # too little evidence: basis posted
        "both": build.store(name="Both", hours=[(d, time(9), time(20)) for d in range(5)]),
        "gone": build.store(name="Gone", active=False),
        "west": build.store(name="West", region="West"),  # 30 min late on Mondays
    }
    learn(made["late"], {4: (time(9), time(21, 25)), 3: (time(9), time(20, 5))})
    learn(made["night"], {4: (time(9), time(1, 10)), 0: (time(9), time(20))})
    learn(made["early"], {5: (time(8, 15), time(20))})
    learn(made["sunday"], {6: (time(11), time(17))})
    learn(made["empty"], {1: None})
    learn(made["exact"], {0: (time(9), time(20))})
    learn(made["posted"], {0: (time(6), time(23))}, HoursBasis.POSTED)
    learn(made["both"], {6: None, 5: None})  # closed when posted closed: no drift
    learn(made["gone"], {0: (time(9), time(23))})
    learn(made["west"], {0: (time(9), time(20, 30))})
    db.session.commit()
    return made


def as_list(found) -> list[tuple[str, int, str]]:
    return [(d.store.name, d.minutes, d.text) for d in found]


def test_the_drifts_worked_out_by_hand(stores, build):
    cio = db.session.get(User, build.user("cio").id)
    assert as_list(drifts.largest_drifts(cio, limit=10)) == [
        ("Empty", 660, "No customers on Tuesdays although it is posted open"),
        ("Sunday", 360, "Customers come on Sundays although it is posted closed"),
        ("Late", 85, "Customers stay 85 min past the posted close on Fridays"),
        ("Early", 45, "Customers arrive 45 min before the posted opening on Saturdays"),
        ("Night", 40, "Customers stay 40 min past the posted close on Fridays"),
        ("West", 30, "Customers stay 30 min past the posted close on Mondays"),
    ]
    assert [d.store.name for d in drifts.largest_drifts(cio, limit=2)] == ["Empty", "Sunday"]
    assert [d.store.name for d in drifts.largest_drifts(cio, region="West")] == ["West"]


def test_a_manager_sees_only_their_stores(stores, build):
    manager = build.user("manager", stores=[stores["late"], stores["exact"]])
    found = drifts.largest_drifts(db.session.get(User, manager.id))
    assert as_list(found) == [
        ("Late", 85, "Customers stay 85 min past the posted close on Fridays")
    ]
