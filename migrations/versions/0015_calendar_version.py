"""users.calendar_version: which calendar feed address is live

Revision ID: 0015_calendar_version
Revises: 0014_sla_escalations
Create Date: 2026-12-04 16:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015_calendar_version'
down_revision = '0014_sla_escalations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('calendar_version', sa.Integer(), server_default='1', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('calendar_version')
