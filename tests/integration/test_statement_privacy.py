"""A failed statement logs no bound value: no user id, no debrief note."""

import logging
from datetime import UTC, datetime

import pytest

from bootstrap import MIGRATIONS
from bot.domain.debriefs import DebriefKind, DebriefRequest, Preference, Urgency
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork

REQUESTER = "U0SECRETASKER"
NOTE = "the family on Elm Street, and the baby"


async def test_a_failed_insert_logs_neither_the_user_id_nor_the_note(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    sessions = create_session_factory(engine)
    request = DebriefRequest(
        id="req-1",
        workspace=WorkspaceRef("slack", "T0NORTH"),
        requester=REQUESTER,
        kind=DebriefKind.HARD_CASE,
        urgency=Urgency.TODAY,
        preference=Preference.ANYONE,
        note=NOTE,
        consent=True,
        created_at=datetime(2026, 11, 26, 9, tzinfo=UTC),
    )
    try:
        async with SqlUnitOfWork(sessions) as uow:
            await uow.debriefs.add(request)
            await uow.commit()
        with caplog.at_level(logging.DEBUG):
            try:
                async with SqlUnitOfWork(sessions) as uow:
                    await uow.debriefs.add(request)  # the same id again: an integrity error
                    await uow.commit()
            except Exception:
                logging.getLogger("wellspring").exception("the request could not be saved")
            else:
                raise AssertionError("the duplicate id was accepted")
    finally:
        await engine.dispose()
    logged = caplog.text
    assert "could not be saved" in logged and "debrief_requests" in logged
    assert REQUESTER not in logged
    assert "Elm Street" not in logged
