"""inbound_event.payload, conversation, sent_at: an acknowledged event is kept until handled, resumed
after a restart, and handled in the order it was sent even when another process received the next one

Revision ID: b7e4c1a9d2f3
Revises: b71f3c2a9d10
Create Date: 2026-12-04 14:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b7e4c1a9d2f3'
down_revision = 'b71f3c2a9d10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('conversation', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_inbound_event_conversation', ['conversation'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_event_conversation')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('conversation')
        batch_op.drop_column('payload')
