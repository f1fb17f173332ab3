"""notifications, issue_followers, notification_preferences, notification_settings; the
reporter and assignee of each existing issue follow it

Revision ID: 0012_notifications
Revises: 0011_sla_policies
Create Date: 2026-12-04 17:00:00

"""

from alembic import op
import sqlalchemy as sa
from fieldops.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0012_notifications"
down_revision = "0011_sla_policies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["issue_id"], ["issues.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notifications_recipient_read", "notifications", ["recipient_id", "read_at"])
    op.create_index(op.f("ix_notifications_issue_id"), "notifications", ["issue_id"])
    op.create_index(op.f("ix_notifications_visit_id"), "notifications", ["visit_id"])
    op.create_table(
        "issue_followers",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["issues.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("issue_id", "user_id"),
    )
    op.create_index(op.f("ix_issue_followers_user_id"), "issue_followers", ["user_id"])
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind", "channel"),
    )
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiet_outside_shifts", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    # Issues filed before notifications existed: their reporter and assignee follow them.
    op.execute(
        "INSERT INTO issue_followers (issue_id, user_id, created_at) "
        "SELECT id, reporter_id, created_at FROM issues"
    )
    op.execute(
        "INSERT INTO issue_followers (issue_id, user_id, created_at) "
        "SELECT id, assignee_id, created_at FROM issues "
        "WHERE assignee_id IS NOT NULL AND assignee_id <> reporter_id"
    )


def downgrade():
    op.drop_table("notification_settings")
    op.drop_table("notification_preferences")
    op.drop_index(op.f("ix_issue_followers_user_id"), table_name="issue_followers")
    op.drop_table("issue_followers")
    op.drop_index(op.f("ix_notifications_visit_id"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_issue_id"), table_name="notifications")
    op.drop_index("ix_notifications_recipient_read", table_name="notifications")
    op.drop_table("notifications")
