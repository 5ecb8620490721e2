"""A wipe that fails is reported as not done and stays pending until a retry finishes it
(bot/storage/erasure.py): the eraser never takes a failure for a finished wipe."""

from pathlib import Path

from bot.storage.engine import create_engine
from bot.storage.erasure import SqlHistoryEraser


async def test_a_wipe_the_database_refuses_stays_pending_and_a_later_retry_finishes_it(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "not-yet"  # the database's folder is not there: every connect fails
    engine = create_engine(f"sqlite+aiosqlite:///{missing}/wellspring.db")
    eraser = SqlHistoryEraser(engine)
    try:
        assert await eraser.erase() is False, "a failure is never a finished wipe"
        assert await eraser.wipe_windows() is False
        missing.mkdir()
        await eraser.retry_pending()
        assert await eraser.erase() is True, "once the database answers, the wipe finishes"
        assert await eraser.wipe_windows() is True
    finally:
        await engine.dispose()
