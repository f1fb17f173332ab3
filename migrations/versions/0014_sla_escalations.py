"""service-level escalations sent (sla_escalations: one per issue, target, kind, due time)

Revision ID: 0014_sla_escalations
Revises: 0013_push_subscriptions
Create Date: 2026-12-04 16:45:00

"""

from alembic import op
import sqlalchemy as sa
from fieldops.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0014_sla_escalations"
down_revision = "0013_push_subscriptions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sla_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("recipient_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issues.id"],
            name=op.f("fk_sla_escalations_issue_id_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_escalations")),
        sa.UniqueConstraint(
            "issue_id",
            "target",
            "kind",
            "due_at",
            name=op.f("uq_sla_escalations_issue_id_target_kind_due_at"),
        ),
    )


def downgrade():
    op.drop_table("sla_escalations")
