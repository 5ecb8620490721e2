"""A wipe that fails is reported as not done and stays pending until a retry finishes it
(bot/storage/erasure.py): the eraser never takes a failure for a finished wipe."""

import logging
import sqlite3
from pathlib import Path

import pytest

from bot.storage.engine import create_engine
from bot.storage.erasure import SqlHistoryEraser


async def test_a_wipe_the_database_refuses_stays_pending_and_a_later_retry_finishes_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "not-yet"  # the database's folder is not there: every connect fails
    engine = create_engine(f"sqlite+aiosqlite:///{missing}/wellspring.db")
    eraser = SqlHistoryEraser(engine)
    try:
        assert await eraser.erase() is False, "a failure is never a finished wipe"
        assert await eraser.wipe_windows() is False
        said = [record.getMessage() for record in caplog.records]
        assert said and all("(OperationalError)" in line for line in said), "names the failure"
        missing.mkdir()
        await eraser.retry_pending()
        assert await eraser.erase() is True, "once the database answers, the wipe finishes"
        assert await eraser.wipe_windows() is True
    finally:
        await engine.dispose()


async def test_a_retry_finishes_only_the_steps_left_pending(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "not-yet"
    engine = create_engine(f"sqlite+aiosqlite:///{missing}/wellspring.db")
    eraser = SqlHistoryEraser(engine)
    try:
        assert await eraser.erase() is False  # the WAL checkpoint is left pending
        missing.mkdir()
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE notes (body TEXT)")
            await connection.exec_driver_sql("INSERT INTO notes VALUES ('the home visit')")
        wal = missing / "wellspring.db-wal"
        assert wal.stat().st_size > 0
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bot.storage.erasure"):
            await eraser.retry_pending()
        assert wal.stat().st_size == 0, "the pending checkpoint ran and emptied the WAL"
        assert not caplog.records, "no step that was not pending was tried"
        await engine.dispose()
        missing.rename(tmp_path / "gone")  # the database goes away again
        await eraser.retry_pending()
        assert not caplog.records, "a finished step is no longer pending"
    finally:
        await engine.dispose()


async def test_a_rebuild_that_finds_the_database_busy_is_done_by_a_retry(tmp_path: Path) -> None:
    path = tmp_path / "wellspring.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    eraser = SqlHistoryEraser(engine)
    async with engine.begin() as connection:  # pages freed by a delete, waiting for a rebuild
        await connection.exec_driver_sql("CREATE TABLE notes (body TEXT)")
        for _ in range(200):
            await connection.exec_driver_sql("INSERT INTO notes VALUES (zeroblob(2000))")
        await connection.exec_driver_sql("DELETE FROM notes")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another connection holds the write lock
        assert await eraser.compact() is False, "the rebuild found the database busy"
        writer.execute("COMMIT")
        await eraser.retry_pending()
        async with engine.connect() as connection:
            free = await connection.exec_driver_sql("PRAGMA freelist_count")
            assert free.scalar() == 0, "the retry rebuilt the file: no freed page is left"
    finally:
        writer.close()
        await engine.dispose()
