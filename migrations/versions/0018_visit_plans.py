"""Visit plans: the planner's proposals and their visits

Revision ID: 0018_visit_plans
Revises: 0017_store_visit_settings
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa
from fieldops.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0018_visit_plans'
down_revision = '0017_store_visit_settings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'visit_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('proposed', 'accepted', 'discarded', name='planstatus',
                                    native_enum=False, length=24), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=True),
        sa.Column('engineer_ids', sa.JSON(), nullable=True),
        sa.Column('include', sa.JSON(), nullable=False),
        sa.Column('unplanned', sa.JSON(), nullable=False),
        sa.Column('stores_due', sa.Integer(), nullable=False),
        sa.Column('exploration_level', sa.Integer(), nullable=False),
        sa.Column('solve_ms', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_visit_plans_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_plans')),
    )
    op.create_table(
        'visit_plan_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=16), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('engineer_id', sa.Integer(), nullable=False),
        sa.Column('planned_start', UTCDateTime(), nullable=False),
        sa.Column('planned_end', UTCDateTime(), nullable=False),
        sa.Column('travel_minutes_before', sa.Integer(), nullable=False),
        sa.Column('travel_minutes_home', sa.Integer(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('state', sa.Enum('proposed', 'accepted', 'dropped', name='itemstate',
                                   native_enum=False, length=24), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['visit_plans.id'],
                                name=op.f('fk_visit_plan_items_plan_id_visit_plans'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'],
                                name=op.f('fk_visit_plan_items_store_id_stores')),
        sa.ForeignKeyConstraint(['engineer_id'], ['users.id'],
                                name=op.f('fk_visit_plan_items_engineer_id_users')),
        sa.ForeignKeyConstraint(['visit_id'], ['visits.id'],
                                name=op.f('fk_visit_plan_items_visit_id_visits')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_plan_items')),
        sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_visit_plan_items_plan_id_key')),
    )
    with op.batch_alter_table('visit_plan_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_plan_items_plan_id'), ['plan_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('visit_plan_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_plan_items_plan_id'))
    op.drop_table('visit_plan_items')
    op.drop_table('visit_plans')
