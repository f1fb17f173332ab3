"""scheduler lease generation (fencing token); a released lease keeps its row

Revision ID: 0007_lease_generation
Revises: 0006_user_sessions
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007_lease_generation'
down_revision = '0006_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scheduler_leases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.Integer(), server_default='1', nullable=False))
        batch_op.alter_column('holder', existing_type=sa.String(length=120), nullable=True)


def downgrade():
    op.execute("DELETE FROM scheduler_leases WHERE holder IS NULL")  # released: free anyway
    with op.batch_alter_table('scheduler_leases', schema=None) as batch_op:
        batch_op.alter_column('holder', existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_column('generation')
