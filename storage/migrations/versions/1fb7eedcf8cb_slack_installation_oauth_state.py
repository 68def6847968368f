"""slack: one installation per workspace and single-use OAuth states (issue #22)

Revision ID: 1fb7eedcf8cb
Revises: 353767f37857
Create Date: 2026-12-04 15:18:19.870724
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '1fb7eedcf8cb'
down_revision = '353767f37857'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oauth_state',
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('state')
    )
    with op.batch_alter_table('oauth_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oauth_state_expires_at'), ['expires_at'], unique=False)

    op.create_table('slack_installation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('install_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('enterprise_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('enterprise_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('team_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('app_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('bot_token', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('bot_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('bot_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('bot_scopes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('bot_refresh_token', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('bot_token_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('installer_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
    sa.Column('token_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('installed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('uninstalled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('install_key')
    )
    with op.batch_alter_table('slack_installation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_installation_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_slack_installation_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_slack_installation_uninstalled_at'), ['uninstalled_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('slack_installation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_installation_uninstalled_at'))
        batch_op.drop_index(batch_op.f('ix_slack_installation_team_id'))
        batch_op.drop_index(batch_op.f('ix_slack_installation_enterprise_id'))

    op.drop_table('slack_installation')
    with op.batch_alter_table('oauth_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oauth_state_expires_at'))

    op.drop_table('oauth_state')
