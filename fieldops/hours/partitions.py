"""The monthly partitions of `signals` on PostgreSQL (declarative partitioning by range of
`start_at`, UTC months; migration 0019 made the table partitioned). SQLite has none.

`signals_y2026m03` holds the signals starting in March 2026 (UTC); `signals_default` holds
any signal of a month without a partition of its own, so an insert never fails for want of
one (a scheduler stopped for months, a test's frozen clock). The `signal_retention` job
creates this month's partition and the next two ahead of time; a month whose signals the
default partition caught meanwhile gets them moved into its new partition. A month wholly
older than the retention is dropped as a whole (fieldops/hours/retention.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from fieldops.database import partition_name
from fieldops.extensions import db

TABLE = "signals"
DEFAULT = "signals_default"
MONTHS_AHEAD = 2  # beyond the current month
DROP_LOCK_TIMEOUT = "5s"
log = logging.getLogger(__name__)
_NAME = re.compile(r"^signals_y(\d{4})m(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, at: datetime) -> Month:
        at = at.astimezone(UTC)
        return cls(at.year, at.month)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.plus(1).start

    @property
    def table(self) -> str:
        return partition_name(TABLE, self.year, self.month)


def partitioned() -> bool:
    """Whether `signals` is partitioned here (PostgreSQL after migration 0019)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    return bool(
        db.session.scalar(
            sa.text(
                "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'signals'::regclass"
            )
        )
    )


def months() -> list[Month]:
    """The months that have a partition of their own, oldest first."""
    names = db.session.scalars(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'signals'::regclass"
        )
    )
    found = (_NAME.match(name) for name in names)
    return sorted(Month(int(m[1]), int(m[2])) for m in found if m)


def create(month: Month) -> None:
    """Create `month`'s partition, moving into it the signals the default partition caught."""
    bounds = {"lo": month.start, "hi": month.end}
    in_default = "FROM signals_default WHERE start_at >= :lo AND start_at < :hi"
    caught = db.session.scalar(sa.text(f"SELECT EXISTS (SELECT 1 {in_default})"), bounds)
    if caught:
        db.session.execute(
            sa.text("CREATE TEMPORARY TABLE moving ON COMMIT DROP AS SELECT * FROM signals LIMIT 0")
        )
        db.session.execute(
            sa.text(
                f"WITH m AS (DELETE {in_default} RETURNING *) INSERT INTO moving SELECT * FROM m"
            ),
            bounds,
        )
    db.session.execute(
        sa.text(
            f"CREATE TABLE {month.table} PARTITION OF signals "
            f"FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
        )
    )
    if caught:
        db.session.execute(sa.text("INSERT INTO signals SELECT * FROM moving"))
        db.session.execute(sa.text("DROP TABLE moving"))


def create_ahead(now: datetime) -> list[str]:
    """Create the partitions missing for this month and the next MONTHS_AHEAD; their names."""
    have = set(months())
    this = Month.of(now)
    wanted = [this.plus(n) for n in range(MONTHS_AHEAD + 1)]
    made = []
    for month in wanted:
        if month not in have:
            create(month)
            made.append(month.table)
    return made


def drop(month: Month) -> bool:
    """Detach and drop `month`'s partition with every signal in it.

    DETACH locks the whole table for a moment: while a long query holds it, every insert
    would queue behind the waiting DETACH. So it waits at most DROP_LOCK_TIMEOUT, and
    when the table stays busy the month is left (False) for the next run.
    """
    try:
        with db.session.begin_nested():
            db.session.execute(sa.text(f"SET LOCAL lock_timeout = '{DROP_LOCK_TIMEOUT}'"))
            db.session.execute(sa.text(f"ALTER TABLE signals DETACH PARTITION {month.table}"))
            db.session.execute(sa.text(f"DROP TABLE {month.table}"))
    except sa.exc.OperationalError as err:
        log.warning("Partition %s not dropped, the table stayed busy: %s", month.table, err)
        return False
    return True


def has_rows(month: Month, store_id: int, lo: datetime, hi: datetime) -> bool:
    """Whether `month`'s partition holds a signal of `store_id` starting in [lo, hi)."""
    return bool(
        db.session.scalar(
            sa.text(
                f"SELECT EXISTS (SELECT 1 FROM {month.table} WHERE store_id = :store "
                "AND start_at >= :lo AND start_at < :hi)"
            ),
            {"store": store_id, "lo": lo, "hi": hi},
        )
    )
