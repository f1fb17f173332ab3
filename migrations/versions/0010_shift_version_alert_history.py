"""support_shifts.version; alerts a person can own (acknowledged, assignee, note) and
their history (alert_events)

Revision ID: 0010_shift_version_alert_history
Revises: 0009_phone_timezone_unplanned
Create Date: 2026-12-03 19:00:00

"""
from alembic import op
import sqlalchemy as sa
from fieldops.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0010_shift_version_alert_history'
down_revision = '0009_phone_timezone_unplanned'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('support_shifts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('version', sa.Integer(), server_default='1', nullable=False)
        )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_alerts_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_alerts_acknowledged_by_id_users'), 'users', ['acknowledged_by_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_alerts_assignee_id_users'), 'users', ['assignee_id'], ['id']
        )
    op.create_table('alert_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('change', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_alert_events_actor_id_users')),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_events_alert_id_alerts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_events'))
    )
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_events_alert_id'), ['alert_id'], unique=False)


def downgrade():
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_events_alert_id'))
    op.drop_table('alert_events')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_alerts_assignee_id_users'), type_='foreignkey')
        batch_op.drop_constraint(
            batch_op.f('fk_alerts_acknowledged_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_alerts_assignee_id'))
        batch_op.drop_column('note')
        batch_op.drop_column('assignee_id')
        batch_op.drop_column('acknowledged_by_id')
        batch_op.drop_column('acknowledged_at')
    with op.batch_alter_table('support_shifts', schema=None) as batch_op:
        batch_op.drop_column('version')
