"""Engineers' working pattern: base, working hours, regions, visits a day; user_days

Revision ID: 0016_working_pattern
Revises: 0015_calendar_version
Create Date: 2026-12-04 16:50:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0016_working_pattern'
down_revision = '0015_calendar_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('home_longitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('home_store_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('work_weekdays', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('work_start', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('work_end', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('regions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('max_visits_per_day', sa.Integer(), nullable=True))
    op.create_table(
        'user_days',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('off', sa.Boolean(), nullable=False),
        sa.Column('base_latitude', sa.Double(), nullable=True),
        sa.Column('base_longitude', sa.Double(), nullable=True),
        sa.Column('base_store_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(['base_store_id'], ['stores.id'],
                                name=op.f('fk_user_days_base_store_id_stores')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_user_days_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_days')),
        sa.UniqueConstraint('user_id', 'day', name=op.f('uq_user_days_user_id_day')),
    )
    with op.batch_alter_table('user_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_days_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_days_user_id'))
    op.drop_table('user_days')
    with op.batch_alter_table('users', schema=None) as batch_op:
        for column in ('max_visits_per_day', 'regions', 'work_end', 'work_start',
                       'work_weekdays', 'home_store_id', 'home_longitude', 'home_latitude'):
            batch_op.drop_column(column)
