"""Coverage cache: each store's coverage over its default period, for GET /api/coverage

Revision ID: 0019_coverage_cache
Revises: 0018_visit_plans
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa
from fieldops.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0019_coverage_cache'
down_revision = '0018_visit_plans'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'coverage_cache',
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.Integer(), server_default='1', nullable=False),
        sa.Column('fill', sa.BigInteger(), nullable=True),
        sa.Column('expires_at', UTCDateTime(), nullable=True),
        sa.Column('first', sa.Date(), nullable=True),
        sa.Column('days', sa.Integer(), nullable=True),
        sa.Column('real_customer_minutes', sa.Integer(), nullable=True),
        sa.Column('real_covered_minutes', sa.Integer(), nullable=True),
        sa.Column('posted_customer_minutes', sa.Integer(), nullable=True),
        sa.Column('posted_covered_minutes', sa.Integer(), nullable=True),
        sa.Column('real_gaps', sa.JSON(), nullable=True),
        sa.Column('posted_gaps', sa.JSON(), nullable=True),
        sa.Column('completed_12m', sa.Integer(), nullable=True),
        sa.Column('cadence', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('last_visit', UTCDateTime(), nullable=True),
        sa.Column('next_planned', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('store_id'),
    )


def downgrade():
    op.drop_table('coverage_cache')
