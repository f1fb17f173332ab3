"""service-level policies (sla_policies, seeded with the documented defaults); issues'
reported_at and cached service levels; issue_events.detail

Revision ID: 0011_sla_policies
Revises: 0010_shift_version_alert_history
Create Date: 2026-12-04 16:00:00

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
from fieldops.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0011_sla_policies"
down_revision = "0010_shift_version_alert_history"
branch_labels = None
depends_on = None

# The defaults as documented in docs/sla.md (severity, response, resolve, clock).
DEFAULTS = [
    ("critical", 30, 240, "always"),
    ("high", 60, 480, "customer_hours"),
    ("medium", 240, 1440, "customer_hours"),
    ("low", 1440, 4800, "customer_hours"),
]


def upgrade():
    policies = op.create_table(
        "sla_policies",
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolve_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "clock",
            sa.Enum(
                "customer_hours",
                "posted_hours",
                "always",
                name="clock",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("severity", name=op.f("pk_sla_policies")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        policies,
        [
            {
                "severity": s,
                "response_minutes": r,
                "resolve_minutes": m,
                "clock": c,
                "updated_at": now,
            }
            for s, r, m, c in DEFAULTS
        ],
    )
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("sla", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("response_due_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolve_due_at", UTCDateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_issues_response_due_at"), ["response_due_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_issues_resolve_due_at"), ["resolve_due_at"], unique=False
        )
    op.execute("UPDATE issues SET reported_at = created_at")
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.alter_column("reported_at", existing_type=UTCDateTime(), nullable=False)
    with op.batch_alter_table("issue_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("issue_events", schema=None) as batch_op:
        batch_op.drop_column("detail")
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issues_resolve_due_at"))
        batch_op.drop_index(batch_op.f("ix_issues_response_due_at"))
        batch_op.drop_column("resolve_due_at")
        batch_op.drop_column("response_due_at")
        batch_op.drop_column("sla")
        batch_op.drop_column("reported_at")
    op.drop_table("sla_policies")
