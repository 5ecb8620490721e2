"""Migration 0007 folds requests the old retention had already stripped into monthly counters."""

from datetime import UTC, datetime

from sqlalchemy import text

from bootstrap import MIGRATIONS
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade

INSERT = text(
    "INSERT INTO debrief_requests (id, workspace, requester, kind, urgency, preference, consent,"
    " status, created_at, matched_at, wait_seconds, closed_at) VALUES (:id, 'slack:T0NORTH',"
    " :requester, 'stress', 'today', 'anyone', true, :status, :at, :matched, :wait, :at)"
)


async def test_stripped_requests_become_counts_and_live_ones_stay(database_url: str) -> None:
    engine = create_engine(database_url)
    at = datetime(2026, 10, 30, 23, 50, tzinfo=UTC)
    try:
        await upgrade(engine, MIGRATIONS, "0005")
        async with engine.begin() as conn:
            for n, requester, matched in ((1, None, at), (2, None, None), (3, "U0LIVE", None)):
                wait = 433 if matched else None
                status = "closed" if matched else "unmatched"
                values = {"id": f"r{n}", "requester": requester, "status": status, "at": at}
                await conn.execute(INSERT, {**values, "matched": matched, "wait": wait})
        await upgrade(engine, MIGRATIONS, "0007")
        async with engine.connect() as conn:
            left = (await conn.execute(text("SELECT id FROM debrief_requests"))).scalars().all()
            months = (await conn.execute(text("SELECT * FROM debrief_months"))).all()
    finally:
        await engine.dispose()
    assert left == ["r3"], "only the request still within retention"
    kept = sorted((m.month, bool(m.matched), m.wait_minutes, m.requests) for m in months)
    assert kept == [("2026-10", False, 0, 1), ("2026-10", True, 15, 1)]
