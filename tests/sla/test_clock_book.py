"""The hours of many issues' clocks read at once (the CIO overview's attainment) are the
hours each clock reads alone: each keeps only its own dated exceptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from fieldops.extensions import db
from fieldops.sla import Clock, clock_book, store_clock_hours
from fieldops.stores import Store


def test_a_clock_read_with_others_keeps_only_its_own_exceptions(app, build):
    exceptions = [
        {"date": date(2026, 2, 20), "closed": True},
        {"date": date(2026, 3, 5), "closed": False, "opens": time(12), "closes": time(16)},
    ]
    chicago = build.store(exceptions=exceptions)
    tokyo = build.store(timezone="Asia/Tokyo", exceptions=exceptions[1:])
    starts = [  # (store, the clock's start)
        (chicago, datetime(2026, 2, 18, 15, tzinfo=UTC)),
        (chicago, datetime(2026, 3, 4, 15, tzinfo=UTC)),
        (tokyo, datetime(2026, 3, 3, 20, tzinfo=UTC)),  # already 4 March in Tokyo
    ]
    with app.app_context():
        starts = [(db.session.get(Store, store.id), at) for store, at in starts]
        book = clock_book(starts)
        for store, at in starts:
            alone, together = store_clock_hours(store, at), store_clock_hours(store, at, book)
            for clock in (Clock.CUSTOMER_HOURS, Clock.POSTED_HOURS):
                assert together[clock].snapshot() == alone[clock].snapshot()
        late = store_clock_hours(*starts[1], book)[Clock.POSTED_HOURS].snapshot()
        assert "2026-02-20" not in str(late)  # the earlier clock's closure is not its
        assert "2026-03-05" in str(late)
        assert clock_book([]) is None
