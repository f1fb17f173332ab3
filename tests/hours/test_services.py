"""Learned hours read back: the drift list the CIO sees, and recompute bookkeeping."""

from __future__ import annotations

from datetime import date, time, timedelta

from fieldops.auth.models import User
from fieldops.clock import to_utc
from fieldops.extensions import db
from fieldops.hours.drifts import largest_drifts
from fieldops.hours.ingest import ingest_signals
from fieldops.hours.learning import pending_store_ids, recompute, recompute_pending
from fieldops.hours.models import DailyPresence, HoursStatus
from fieldops.hours.presence import note_new_evidence
from fieldops.hours.services import hours_for
from fieldops.stores.models import Store

YESTERDAY = date(2026, 3, 3)  # NOW is 2026-03-04 (a Wednesday)


def add_presence(store_id: int, weekday: int, first: int, last: int, weeks: int = 6) -> None:
    """Open days on `weekday` over the last `weeks` weeks, from minute `first` to `last`."""
    newest = YESTERDAY - timedelta(days=(YESTERDAY.weekday() - weekday) % 7)
    for w in range(weeks):
        db.session.add(
            DailyPresence(
                store_id=store_id,
                business_date=newest - timedelta(weeks=w),
                closed=False,
                first_minute=first,
                last_minute=last,
            )
        )


def test_the_cio_sees_customers_staying_past_the_posted_close(ctx, now, build):
    late = build.store(name="Late Motors")  # posted Mon-Sat 09:00-20:00
    calm = build.store(name="Calm Motors")
    cio = build.user("cio")
    add_presence(late.id, 4, 9 * 60, 21 * 60 + 25)  # Fridays: last customers at 21:25
    add_presence(calm.id, 4, 9 * 60, 20 * 60 + 5)
    recompute(now)
    drifts = largest_drifts(db.session.get(User, cio.id))
    assert [d.store.name for d in drifts] == ["Late Motors", "Calm Motors"]
    assert drifts[0].text == "Customers stay 85 min past the posted close on Fridays"
    assert drifts[1].minutes == 5


def test_a_manager_sees_only_their_stores_drift(ctx, now, build):
    mine, other = build.store(name="Mine"), build.store(name="Other")
    manager = build.user("manager", stores=[mine])
    for store in (mine, other):
        add_presence(store.id, 1, 8 * 60, 20 * 60)
    recompute(now)
    assert [d.store.name for d in largest_drifts(db.session.get(User, manager.id))] == ["Mine"]


def test_holidays_are_left_out_of_the_samples(ctx, now, build):
    holiday = YESTERDAY - timedelta(weeks=1)  # a Tuesday
    store = build.store(exceptions=[{"date": holiday, "closed": True}])
    add_presence(store.id, 1, 9 * 60, 20 * 60, weeks=4)
    db.session.get(DailyPresence, (store.id, holiday)).closed = True
    recompute(now)
    tuesday = hours_for(db.session.get(Store, store.id))["real"][1]
    assert tuesday["sample_days"] == 3  # the holiday is not a sample ...
    assert tuesday["basis"] == "posted"  # ... so three days are too few


def test_only_stores_with_new_evidence_are_pending(ctx, now, build):
    a, b = build.store(), build.store()
    recompute(now)
    assert pending_store_ids(now) == []
    note_new_evidence(b.id, now + timedelta(minutes=1))
    assert pending_store_ids(now + timedelta(minutes=2)) == [b.id]
    result = recompute_pending(now + timedelta(minutes=2))
    assert result["stores"] == 1
    assert db.session.get(HoursStatus, a.id).computed_at == now
    assert db.session.get(HoursStatus, b.id).computed_at == now + timedelta(minutes=2)
    assert pending_store_ids(now + timedelta(days=8)) == sorted([a.id, b.id])  # weekly refresh


def test_learned_times_are_local_wall_clock_across_a_dst_change(ctx, now, build):
    """Sales at 09:00 and 21:00 New York time every Tuesday, before and after 2026-03-08."""
    store = build.store(timezone="America/New_York")
    tuesdays = [date(2026, 3, 17) - timedelta(weeks=w) for w in range(6)]
    rows = [
        {"source": "transaction", "at": to_utc(day, at, store.timezone).isoformat()}
        for day in tuesdays
        for at in (time(9), time(21))
    ]
    later = now + timedelta(weeks=3)
    result = ingest_signals(db.session.get(Store, store.id), rows, later)
    assert result.accepted == 12 and not result.rejected
    recompute(later)
    tuesday = hours_for(db.session.get(Store, store.id))["real"][1]
    assert (tuesday["opens"], tuesday["closes"], tuesday["sample_days"]) == (time(9), time(21), 6)
