"""visits.off_schedule: checked in more than 120 minutes from the planned start

Revision ID: 0008_visit_off_schedule
Revises: 0007_lease_generation
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0008_visit_off_schedule'
down_revision = '0007_lease_generation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('off_schedule', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('off_schedule')
