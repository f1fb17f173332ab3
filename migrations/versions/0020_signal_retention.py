"""Signal retention: on PostgreSQL, `signals` partitioned by month of `start_at`

On PostgreSQL the table is made again as a partitioned table (declarative partitioning by
range of `start_at`, one partition per UTC month, and a DEFAULT partition for any month
without one) and its rows are copied over; the nightly `signal_retention` job then drops
whole months past retention (fieldops/hours/partitions.py). A partitioned table's unique
keys must hold the partition column: the primary key becomes (id, start_at) and the dedupe
key (store_id, source, dedupe_key, start_at) (docs/hours.md). Partitions are made for
every month with signals and up to two months ahead. The copy takes a few minutes per
ten million signals (docs/benchmarks.md), during which ingestion waits.

On SQLite nothing changes: the table stays as it is, and retention deletes in batches.

Revision ID: 0020_signal_retention
Revises: 0019_coverage_cache
Create Date: 2026-12-04 19:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0020_signal_retention'
down_revision = '0019_coverage_cache'
branch_labels = None
depends_on = None

COLUMNS = "id, store_id, source, dedupe_key, start_at, end_at, device, entries, exits, received_at"
MONTHS_AHEAD = 2


def table_sql(key: str, pk: str, tail: str) -> str:
    return f"""
    CREATE TABLE signals (
        id BIGINT NOT NULL DEFAULT nextval('signals_id_seq'::regclass),
        store_id INTEGER NOT NULL,
        source VARCHAR(24) NOT NULL,
        dedupe_key VARCHAR(160) NOT NULL,
        start_at TIMESTAMP WITH TIME ZONE NOT NULL,
        end_at TIMESTAMP WITH TIME ZONE,
        device VARCHAR(128),
        entries INTEGER,
        exits INTEGER,
        received_at TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT pk_signals PRIMARY KEY ({pk}),
        CONSTRAINT {key},
        CONSTRAINT fk_signals_store_id_stores FOREIGN KEY (store_id) REFERENCES stores (id)
    ) {tail}
    """


def set_aside() -> None:
    """Rename the table as it is, freeing its constraint and index names."""
    op.execute("ALTER TABLE signals RENAME TO signals_before")
    names = op.get_bind().scalars(sa.text(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'signals_before'::regclass"
    )).all()  # fmt: skip
    for name in names:
        op.execute(f"ALTER TABLE signals_before RENAME CONSTRAINT {name} TO {name}_before")
    op.execute("ALTER INDEX ix_signals_store_start RENAME TO ix_signals_store_start_before")


def take_over(conflict: str = "") -> None:
    """Copy the rows set aside into the new `signals`, which takes over the id sequence."""
    op.execute(f"INSERT INTO signals ({COLUMNS}) SELECT {COLUMNS} FROM signals_before {conflict}")
    op.execute("ALTER SEQUENCE signals_id_seq OWNED BY signals.id")
    op.execute("DROP TABLE signals_before CASCADE")
    op.execute("CREATE INDEX ix_signals_store_start ON signals (store_id, start_at)")


def month_index(at: datetime) -> int:
    at = at.astimezone(UTC)
    return at.year * 12 + at.month - 1


def month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    set_aside()
    op.execute(table_sql(
        "uq_signals_store_id_source_dedupe_key_start_at "
        "UNIQUE (store_id, source, dedupe_key, start_at)",
        "id, start_at",
        "PARTITION BY RANGE (start_at)",
    ))  # fmt: skip
    op.execute("CREATE TABLE signals_default PARTITION OF signals DEFAULT")
    oldest, newest = op.get_bind().execute(
        sa.text("SELECT min(start_at), max(start_at) FROM signals_before")
    ).one()
    now = datetime.now(UTC)
    first = month_index(oldest or now)
    last = max(month_index(newest or now), month_index(now)) + MONTHS_AHEAD
    for index in range(first, last + 1):
        lo, hi = month_start(index), month_start(index + 1)
        op.execute(
            f"CREATE TABLE signals_y{lo.year:04d}m{lo.month:02d} PARTITION OF signals "
            f"FOR VALUES FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}')"
        )
    take_over()


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    set_aside()
    op.execute(table_sql(
        "uq_signals_store_id_source_dedupe_key UNIQUE (store_id, source, dedupe_key)", "id", ""
    ))  # fmt: skip
    # Two signals told apart by their start alone become one again.
    take_over("ON CONFLICT DO NOTHING")
