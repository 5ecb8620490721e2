"""The pulse secret: generated outside an SQLite database, required for PostgreSQL, rotatable."""

import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bootstrap import Wellspring, start_wellspring
from bot.config.settings import Settings, SettingsProblem
from prompts import load_catalog
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import answer, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()
OLD = "the-secret-before-the-rotation-0123456789"
NEW = "the-secret-after-the-rotation-9876543210"


async def test_with_sqlite_and_no_secret_one_is_generated_outside_the_database_and_kept(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock, tmp_path: Path
) -> None:
    secret_file = tmp_path / "keys" / "pulse-secret"
    settings = make_settings(
        fake_slack, sqlite_database_url, pulse_secret="", pulse_secret_file=secret_file
    )
    async with running(settings, clock, fake_slack) as (ws, slack):
        post = await post_checkin(ws, slack, fake_slack)
        await answer(ws, slack, fake_slack, post, "U0ALICE", "early")
    secret, mode, stored = _inspect(secret_file, sqlite_database_url)
    assert len(secret) >= 32
    assert mode == 0o600, "readable by Wellspring only"
    assert secret.encode() not in stored, "the secret is not in the database file"

    async with running(settings, clock, fake_slack) as (again, slack):  # a restart mid-window
        reply = await answer(again, slack, fake_slack, post, "U0ALICE", "late")
    assert reply["text"] == CATALOG.text("pulse.already_answered"), "still counted once"
    assert _inspect(secret_file, sqlite_database_url)[0] == secret, "the same after a restart"


def _inspect(secret_file: Path, database_url: str) -> tuple[str, int, bytes]:
    """The secret, its file's permissions, and the database file's bytes."""
    database = Path(database_url.removeprefix("sqlite+aiosqlite:///"))
    mode = stat.S_IMODE(secret_file.stat().st_mode)
    return secret_file.read_text().strip(), mode, database.read_bytes()


async def test_postgresql_without_a_pulse_secret_refuses_to_start(
    fake_slack: FakeSlack, clock: MovableClock
) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/never-reached"
    with pytest.raises(SettingsProblem) as refused:
        await start_wellspring(make_settings(fake_slack, url, pulse_secret=""), clock)
    assert refused.value.setting == "PULSE_SECRET"


async def test_a_rotated_secret_still_knows_who_answered_while_the_window_is_open(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    before = make_settings(fake_slack, database_url, pulse_secret=OLD)
    async with running(before, clock, fake_slack) as (ws, slack):
        post = await post_checkin(ws, slack, fake_slack)
        await answer(ws, slack, fake_slack, post, "U0ALICE", "early")

    rotated = make_settings(fake_slack, database_url, pulse_secret=f"{NEW},{OLD}")
    async with running(rotated, clock, fake_slack) as (ws, slack):
        again = await answer(ws, slack, fake_slack, post, "U0ALICE", "late")
        assert again["text"] == CATALOG.text("pulse.already_answered")
        first = await answer(ws, slack, fake_slack, post, "U0BOB", "late")
        assert first["text"] != CATALOG.text("pulse.already_answered")


@asynccontextmanager
async def running(
    settings: Settings, clock: MovableClock, fake: FakeSlack
) -> AsyncIterator[tuple[Wellspring, SignedSlackClient]]:
    """The app started with `settings`, and a client to talk to it; both closed after."""
    ws = await start_wellspring(settings, clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake)
    try:
        yield ws, slack
    finally:
        await slack.close()
        await ws.stop()
