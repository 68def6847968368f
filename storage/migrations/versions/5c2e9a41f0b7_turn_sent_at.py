"""turn.sent_at: a buyer line stored but never sent is sent after a restart, not lost

Revision ID: 5c2e9a41f0b7
Revises: 7edf7c7cbd78
Create Date: 2026-11-22 12:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '5c2e9a41f0b7'
down_revision = '7edf7c7cbd78'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Every turn stored before this column existed was sent (or is the rep's own): no resends on upgrade.
    op.execute("UPDATE turn SET sent_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
