"""PostgreSQL: each open check-in's markers and counts live in tables of its own until it closes."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.clicks import Answer, Outcome
from bot.domain.pulses import IsoWeek
from bot.domain.workspaces import WorkspaceRef
from bot.storage.click_ledger import SqlClickLedger, click_engine
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.pulse_windows import window_tables
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.support.raw_pages import found, raw_pages
from tests.support.replicas import postgres_database

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
WORKSPACE = WorkspaceRef.from_key("slack:T0WIN")
WEEK = IsoWeek.of(NOW)


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    async with postgres_database() as url:
        engine = create_engine(url)
        try:
            await upgrade(engine, MIGRATIONS)
            yield engine
        finally:
            await engine.dispose()


def uow(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(create_session_factory(engine))


async def posted(engine: AsyncEngine, team: str = "C0WIN") -> str:
    checkin = Checkin(str(uuid.uuid4()), WORKSPACE, team, NOW, NOW + timedelta(hours=8))
    async with uow(engine) as work:
        await work.checkins.add(checkin)
        await work.checkins.set_message(checkin.id, "1.000")
        await work.commit()
    return checkin.id


async def tables_of(engine: AsyncEngine, checkin_id: str) -> dict[str, tuple[int, list[str]]]:
    """name -> (its TOAST table's oid, its storage options), for the window's own tables."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT relname, reltoastrelid::int, reloptions FROM pg_class"
                " WHERE relkind = 'r' AND relname LIKE :n"
            ),
            {"n": f"pulse\\_window\\_{uuid.UUID(checkin_id).hex}\\_%"},
        )
        return {name: (toast, list(options or [])) for name, toast, options in rows}


async def answer(engine: AsyncEngine, checkin_id: str, marker: str, level: PulseLevel) -> bool:
    """One click through the ledger, on a pool of its own as the app runs it."""
    clicks = click_engine(engine)
    try:
        outcome = await SqlClickLedger(clicks).count_answer(
            Answer(checkin_id, level, [marker], WORKSPACE.key, "C0WIN", WEEK, [marker], ["k"])
        )
    finally:
        await clicks.dispose()
    return outcome is Outcome.COUNTED


async def waiting_on_a_lock(engine: AsyncEngine, sessions: int = 1) -> None:
    """Returns once `sessions` other sessions of this database wait for a lock (5 s at most)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(500):
        async with engine.connect() as conn:
            if await conn.scalar(query) >= sessions:
                return
        await asyncio.sleep(0.01)
    raise AssertionError("no session waited for a lock")


async def close(engine: AsyncEngine, checkin_id: str) -> bool:
    async with uow(engine) as work:
        closed = await work.checkins.close(checkin_id)
        await work.commit()
        return closed


async def final_rows(engine: AsyncEngine, checkin_id: str) -> tuple[dict[str, int], int]:
    """The check-in's counts in pulse_counts, and how many transactions wrote them."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT level, responses, xmin::text FROM pulse_counts WHERE checkin_id = :c"),
                {"c": checkin_id},
            )
        ).all()
    return {level: n for level, n, _ in rows}, len({xmin for *_, xmin in rows})


async def test_a_window_has_two_tables_without_toast_or_autovacuum_and_the_close_drops_them(
    engine: AsyncEngine,
) -> None:
    checkin = await posted(engine)
    made = await tables_of(engine, checkin)
    assert len(made) == 2, "a markers table and a counts table"
    # No TOAST table to outlive anything, no autovacuum (tests/integration/test_no_statistics.py
    # checks that no ANALYZE samples a window's columns).
    assert all(toast == 0 for toast, _ in made.values())
    assert all("autovacuum_enabled=off" in options for _, options in made.values())
    for marker, level in (("a" * 64, PulseLevel.EARLY), ("b" * 64, PulseLevel.LATE)):
        assert await answer(engine, checkin, marker, level)
    assert not await answer(engine, checkin, "a" * 64, PulseLevel.BEYOND), "once per person"
    assert await final_rows(engine, checkin) == ({}, 0), "nothing in pulse_counts while open"

    assert await close(engine, checkin)
    assert await tables_of(engine, checkin) == {}
    counts, writers = await final_rows(engine, checkin)
    assert counts == {"early": 1, "middle": 0, "late": 1, "beyond": 0}
    assert writers == 1, "the four rows written by one transaction: no order in their xmin"
    assert not await close(engine, checkin), "a second close (another replica) does nothing"


async def test_a_click_queued_behind_the_close_finds_the_window_closed(
    engine: AsyncEngine,
) -> None:
    checkin = await posted(engine)
    async with uow(engine) as closing:
        assert await closing.checkins.close(checkin)  # the tables dropped, not yet committed
        click = asyncio.create_task(answer(engine, checkin, "c" * 64, PulseLevel.MIDDLE))
        await waiting_on_a_lock(engine)
        assert not click.done(), "the click waits for the close"
        await closing.commit()
    assert await click is False, "then finds it closed (the service answers as for any late click)"


async def test_a_click_under_way_when_the_close_begins_is_in_the_final_tally(
    engine: AsyncEngine,
) -> None:
    checkin = await posted(engine)
    counts = window_tables(checkin)[1]
    async with engine.connect() as holder:  # keeps the click mid-statement, tables taken
        await holder.execute(text(f"UPDATE {counts} SET responses = responses"))
        click = asyncio.create_task(answer(engine, checkin, "f" * 64, PulseLevel.MIDDLE))
        await waiting_on_a_lock(engine)
        closing = asyncio.create_task(close(engine, checkin))
        await waiting_on_a_lock(engine, sessions=2)
        assert not closing.done(), "the close waits for the click it could lose"
        await holder.rollback()
    assert await click is True
    assert await closing is True
    counts_now, _ = await final_rows(engine, checkin)
    assert counts_now["middle"] == 1, "the acknowledged answer is in the tally"


async def test_a_dropped_window_answers_closed_to_a_pool_that_prepared_its_click(
    engine: AsyncEngine,
) -> None:
    """asyncpg keeps each click's prepared statement; once the tables are gone it fails with
    an undefined table, which the ledger reads as closed."""
    checkin = await posted(engine)
    clicks = click_engine(engine)
    ledger = SqlClickLedger(clicks)

    def click(marker: str) -> Answer:
        return Answer(
            checkin, PulseLevel.EARLY, [marker], WORKSPACE.key, "C0WIN", WEEK, [marker], ["k"]
        )

    try:
        assert await ledger.count_answer(click("1" * 64)) is Outcome.COUNTED
        assert await close(engine, checkin)
        assert await ledger.count_answer(click("2" * 64)) is Outcome.CLOSED
    finally:
        await clicks.dispose()


async def test_a_window_whose_tables_are_gone_takes_no_answer_and_closes_with_zero_counts(
    engine: AsyncEngine,
) -> None:
    checkin = await posted(engine)
    assert await answer(engine, checkin, "d" * 64, PulseLevel.EARLY)
    hex_id = uuid.UUID(checkin).hex
    async with engine.begin() as conn:  # as after a restore that left them out
        await conn.execute(
            text(f"DROP TABLE pulse_window_{hex_id}_markers, pulse_window_{hex_id}_counts")
        )
    assert not await answer(engine, checkin, "e" * 64, PulseLevel.EARLY)
    assert await close(engine, checkin)
    assert await final_rows(engine, checkin) == ({lv.value: 0 for lv in PulseLevel}, 1)


async def test_an_unposted_checkin_and_one_deleted_otherwise_leave_no_tables_behind(
    engine: AsyncEngine,
) -> None:
    unposted = Checkin(str(uuid.uuid4()), WORKSPACE, "C0WIN", NOW, NOW + timedelta(hours=8))
    async with uow(engine) as work:
        await work.checkins.add(unposted)
        await work.commit()
    assert await tables_of(engine, unposted.id)
    async with uow(engine) as work:
        await work.checkins.discard_unposted(unposted.id)
        await work.commit()
    assert await tables_of(engine, unposted.id) == {}

    lost, still_open = await posted(engine), await posted(engine, "C0OTHER")
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM checkins WHERE id = :c"), {"c": lost})
    async with uow(engine) as work:  # the daily retention sweep
        await work.checkins.forget_before(NOW - timedelta(days=365))
        await work.commit()
    assert await tables_of(engine, lost) == {}
    assert len(await tables_of(engine, still_open)) == 2


async def test_the_upgrade_moves_open_windows_into_their_tables_and_rewrites_the_shared_ones() -> (
    None
):
    async with postgres_database() as url:
        engine = create_engine(url)
        try:
            await upgrade(engine, MIGRATIONS, "0016")
            ids = {"open": str(uuid.uuid4()), "closed": str(uuid.uuid4())}
            async with engine.begin() as conn:
                for state, checkin in ids.items():
                    await conn.execute(
                        text(
                            "INSERT INTO checkins (id, workspace, conversation, posted_at,"
                            " closes_at, closed) VALUES (:id, 'slack:T0WIN', :id, :at, :at, :c)"
                        ),
                        {"id": checkin, "at": NOW, "c": state == "closed"},
                    )
                    for level in PulseLevel:
                        await conn.execute(
                            text("INSERT INTO pulse_counts VALUES (:id, :level, :n)"),
                            {
                                "id": checkin,
                                "level": level.value,
                                "n": 2 if level.value == "late" else 0,
                            },
                        )
                await conn.execute(
                    text("INSERT INTO pulse_participants VALUES (:id, :m), (:id, :n)"),
                    {"id": ids["open"], "m": "f" * 64, "n": "0" * 64},
                )
                # What the old close left: a deleted marker (VACUUM only freed its space)
                # and the closed check-in's counters last clicked "late", then "early".
                gone = {"id": ids["closed"], "m": "c" * 64}
                await conn.execute(text("INSERT INTO pulse_participants VALUES (:id, :m)"), gone)
                await conn.execute(text("DELETE FROM pulse_participants WHERE marker = :m"), gone)
            for level in ("late", "early"):
                async with engine.begin() as conn:
                    await conn.execute(
                        text(
                            "UPDATE pulse_counts SET responses = responses + 0"
                            " WHERE checkin_id = :id AND level = :level"
                        ),
                        {"id": ids["closed"], "level": level},
                    )
            async with engine.begin() as conn:
                files = await conn.scalar(text("SELECT pg_relation_filenode('pulse_participants')"))
            await upgrade(engine, MIGRATIONS)
            async with engine.connect() as conn:
                participants = await conn.scalar(text("SELECT count(*) FROM pulse_participants"))
                moved = await conn.scalar(text("SELECT pg_relation_filenode('pulse_participants')"))
            assert participants == 0 and moved != files, "the markers moved; a new file"
            assert (await final_rows(engine, ids["open"]))[0] == {}
            assert not await answer(engine, ids["open"], "f" * 64, PulseLevel.EARLY), "known"
            assert await close(engine, ids["open"])
            expected = {lv.value: 2 if lv.value == "late" else 0 for lv in PulseLevel}
            assert await final_rows(engine, ids["open"]) == (expected, 1)
            assert (await final_rows(engine, ids["closed"]))[0] == expected
            assert found(["c" * 64], await raw_pages(url)) == [], "no page keeps the old marker"
            async with engine.connect() as conn:
                closed_rows = (
                    await conn.execute(
                        text(
                            "SELECT level, xmin::text FROM pulse_counts WHERE checkin_id = :id"
                            " ORDER BY ctid"
                        ),
                        {"id": ids["closed"]},
                    )
                ).all()
            assert [level for level, _ in closed_rows] == sorted(lv.value for lv in PulseLevel)
            assert len({xmin for _, xmin in closed_rows}) == 1, "no order in transaction ids"
        finally:
            await engine.dispose()
