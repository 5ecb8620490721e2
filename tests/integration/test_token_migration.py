"""The migration that seals stored Slack tokens and drops the rows of replaced installations."""

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.storage.engine import create_engine
from bot.storage.migrations import downgrade, upgrade

KEY = Fernet.generate_key().decode()
BEFORE = "0005"  # the schema that stored tokens in plain text
# team, installed_at, bot token: T0N installed twice, T0S once.
INSTALLS = [
    ("T0N", datetime(2026, 1, 5, 9, 0), "xoxb-north-old"),
    ("T0N", datetime(2026, 3, 2, 9, 0), "xoxb-north-new"),
    ("T0S", datetime(2026, 2, 1, 9, 0), "xoxb-south"),
]


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS, BEFORE)
        async with engine.begin() as connection:
            for team, installed_at, token in INSTALLS:
                row = {"team": team, "at": installed_at, "token": token}
                await connection.execute(
                    text(
                        "INSERT INTO slack_bots (client_id, app_id, team_id, bot_token,"
                        " bot_refresh_token, is_enterprise_install, installed_at)"
                        " VALUES ('1.2', 'A0', :team, :token, NULL, false, :at)"
                    ),
                    row,
                )
                await connection.execute(
                    text(
                        "INSERT INTO slack_installations (client_id, app_id, team_id, bot_token,"
                        " user_id, user_token, is_enterprise_install, installed_at)"
                        " VALUES ('1.2', 'A0', :team, :token, 'U0ADMIN', 'xoxp-admin', false, :at)"
                    ),
                    row,
                )
        yield engine
    finally:
        await engine.dispose()


async def _rows(engine: AsyncEngine, table: str, columns: str) -> list[tuple[str, ...]]:
    async with engine.connect() as connection:
        result = await connection.execute(text(f"SELECT {columns} FROM {table} ORDER BY team_id"))
        return [tuple(row) for row in result]


def _open(sealed: str) -> str:
    return Fernet(KEY.encode()).decrypt(sealed.encode()).decode()


async def test_existing_tokens_are_sealed_and_only_the_newest_install_per_workspace_stays(
    engine: AsyncEngine,
) -> None:
    await upgrade(engine, MIGRATIONS, token_keys=[KEY])
    bots = await _rows(engine, "slack_bots", "team_id, bot_token")
    assert [(team, _open(token)) for team, token in bots] == [
        ("T0N", "xoxb-north-new"),
        ("T0S", "xoxb-south"),
    ]
    installs = await _rows(engine, "slack_installations", "team_id, bot_token, user_token")
    assert [(team, _open(bot), _open(user)) for team, bot, user in installs] == [
        ("T0N", "xoxb-north-new", "xoxp-admin"),
        ("T0S", "xoxb-south", "xoxp-admin"),
    ]
    await downgrade(engine, MIGRATIONS, BEFORE, token_keys=[KEY])
    assert await _rows(engine, "slack_bots", "team_id, bot_token") == [
        ("T0N", "xoxb-north-new"),
        ("T0S", "xoxb-south"),
    ]


async def test_plain_tokens_and_no_key_stop_the_migration_with_a_clear_message(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(RuntimeError, match="TOKEN_ENCRYPTION_KEY"):
        await upgrade(engine, MIGRATIONS)
    bots = await _rows(engine, "slack_bots", "bot_token")
    assert [token for (token,) in bots] == [t for _, _, t in INSTALLS], "nothing half-done"
