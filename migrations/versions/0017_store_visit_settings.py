"""Stores: the CIO's own visit cadence and the length of a visit

Revision ID: 0017_store_visit_settings
Revises: 0016_working_pattern
Create Date: 2026-12-04 18:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0017_store_visit_settings'
down_revision = '0016_working_pattern'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leadership_cadence_per_year', sa.Integer(),
                                      server_default='0', nullable=False))
        batch_op.add_column(sa.Column('visit_minutes', sa.Integer(),
                                      server_default='120', nullable=False))


def downgrade():
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_column('visit_minutes')
        batch_op.drop_column('leadership_cadence_per_year')
