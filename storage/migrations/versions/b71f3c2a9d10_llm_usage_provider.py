"""llm_usage.provider: which provider served each call (anthropic or openai)

Revision ID: b71f3c2a9d10
Revises: 5c2e9a41f0b7
Create Date: 2026-12-04 14:50:00

Rows from before this revision were all Anthropic's (the only provider then).
"""
from alembic import op
import sqlalchemy as sa


revision = 'b71f3c2a9d10'
down_revision = '5c2e9a41f0b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('llm_usage') as batch_op:
        batch_op.add_column(sa.Column('provider', sa.String(length=20), nullable=False, server_default='anthropic'))


def downgrade() -> None:
    with op.batch_alter_table('llm_usage') as batch_op:
        batch_op.drop_column('provider')
