"""sealed slack tokens: Slack tokens encrypted at rest, one installation kept per workspace

Tokens in slack_bots and slack_installations were stored in plain text, and every reinstall
left the previous rows, old tokens included. This keeps only the newest row per workspace,
widens the token columns to fit Fernet ciphertext, and seals every plain token with the first
key of TOKEN_ENCRYPTION_KEY. The keys arrive in config.attributes["token_keys"] (from the app,
or from alembic/env.py's settings), so this file reads no settings; written out in full, with
no import from the app, so that history does not move when the app does.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import context, op
from cryptography.fernet import Fernet, MultiFernet

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENS = {
    "slack_bots": ("bot_token", "bot_refresh_token"),
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
}
PLAIN_LENGTH, SEALED_LENGTH = 200, 1000
PLAIN_PREFIX = "xox"  # every Slack token: xoxb-, xoxp-, xoxe-, xoxe.xoxb-; Fernet's start gAAAA
NO_KEY = (
    "Stored Slack tokens are in plain text and no TOKEN_ENCRYPTION_KEY was given to encrypt "
    'them. Set TOKEN_ENCRYPTION_KEY (python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())" makes one) and run the migration again.'
)


def _keys() -> list[str]:
    return list(context.config.attributes.get("token_keys") or [])


def _forget_superseded(table: str) -> None:
    """Keep the newest row per workspace (client, enterprise, team); older ones were replaced."""
    op.execute(
        sa.text(
            f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {table} AS newer"
            f" WHERE newer.client_id = {table}.client_id"
            f" AND COALESCE(newer.enterprise_id, '') = COALESCE({table}.enterprise_id, '')"
            f" AND COALESCE(newer.team_id, '') = COALESCE({table}.team_id, '')"
            f" AND (newer.installed_at > {table}.installed_at"
            f" OR (newer.installed_at = {table}.installed_at AND newer.id > {table}.id)))"
        )
    )


def _resize(table: str, columns: Sequence[str], old: int, new: int) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.alter_column(column, existing_type=sa.String(old), type_=sa.String(new))


def _tokens(table: str, columns: Sequence[str]) -> list[tuple[int, str, str]]:
    """(row id, column, value) of every token stored in `table`."""
    rows = op.get_bind().execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}"))
    return [
        (row.id, column, value)
        for row in rows
        for column, value in zip(columns, row[1:], strict=True)
        if value
    ]


def _rewrite(change: Callable[[str], str]) -> None:
    for table, columns in TOKENS.items():
        for row_id, column, value in _tokens(table, columns):
            if (changed := change(value)) != value:
                op.get_bind().execute(
                    sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                    {"value": changed, "id": row_id},
                )


def upgrade() -> None:
    keys = _keys()
    plain = any(
        value.startswith(PLAIN_PREFIX)
        for table, columns in TOKENS.items()
        for _, _, value in _tokens(table, columns)
    )
    if plain and not keys:
        raise RuntimeError(NO_KEY)  # before any change, so a retry starts from the same rows
    for table, columns in TOKENS.items():
        _forget_superseded(table)
        _resize(table, columns, PLAIN_LENGTH, SEALED_LENGTH)
    if keys:
        sealer = Fernet(keys[0].encode())
        _rewrite(
            lambda value: (
                sealer.encrypt(value.encode()).decode() if value.startswith(PLAIN_PREFIX) else value
            )
        )


def downgrade() -> None:
    keys = _keys()
    if keys:
        opener = MultiFernet([Fernet(key.encode()) for key in keys])
        _rewrite(
            lambda value: (
                value if value.startswith(PLAIN_PREFIX) else opener.decrypt(value.encode()).decode()
            )
        )
    elif any(
        not value.startswith(PLAIN_PREFIX)
        for table, columns in TOKENS.items()
        for _, _, value in _tokens(table, columns)
    ):
        raise RuntimeError("Sealed Slack tokens need TOKEN_ENCRYPTION_KEY to be decrypted.")
    for table, columns in TOKENS.items():
        _resize(table, columns, SEALED_LENGTH, PLAIN_LENGTH)
