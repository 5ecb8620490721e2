"""Leaving a team: only the rows that tie the person to it go, and then their pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.domain.workspaces import WorkspaceRef
from bot.services.personal_data import PersonalDataService
from prompts import load_catalog
from tests.support.clocks import FixedClock

HERE = WorkspaceRef("teams", "tenant")


class Assignments:
    def __init__(self, rows: set[tuple[str, str]]) -> None:
        self.rows = rows

    async def unassign(self, workspace: WorkspaceRef, person: str, conversation: str) -> int:
        found = (person, conversation) in self.rows
        self.rows.discard((person, conversation))
        return int(found)


class Eraser:
    def __init__(self) -> None:
        self.erased = 0

    async def erase(self) -> bool:
        self.erased += 1
        return True


class Members:
    def __init__(self) -> None:
        self.forgotten: list[str] = []

    def forget(self, workspace: WorkspaceRef, conversation: str) -> None:
        self.forgotten.append(conversation)


def service(rows: set[tuple[str, str]]) -> tuple[PersonalDataService, Eraser, Members]:
    assignments, eraser, members = Assignments(rows), Eraser(), Members()

    class Uow:
        def __init__(self) -> None:
            self.assignments = assignments

        async def commit(self) -> None:
            pass

    @asynccontextmanager
    async def uow() -> AsyncIterator[Uow]:
        yield Uow()

    unused: Any = None
    built = PersonalDataService(uow, FixedClock(), load_catalog(), unused, unused, eraser,
                                (unused, unused, unused), unused, unused, members)  # fmt: skip
    return built, eraser, members


async def test_leaving_wipes_the_pages_once_when_a_row_went_whichever_conversation() -> None:
    for held in ("C0TEAM", "C0CHANNEL"):
        leave, eraser, members = service({("U0SAM", held), ("U0KIM", "C0TEAM")})
        await leave.leave_team(HERE, "U0SAM", ["C0TEAM", "C0CHANNEL"])
        assert eraser.erased == 1, held
        assert members.forgotten == ["C0TEAM", "C0CHANNEL"], "asked again next time"


async def test_leaving_a_team_one_was_not_assigned_to_changes_nothing_and_wipes_nothing() -> None:
    rows = {("U0KIM", "C0TEAM")}
    leave, eraser, _ = service(rows)
    await leave.leave_team(HERE, "U0SAM", ["C0TEAM", "C0CHANNEL"])
    assert eraser.erased == 0 and rows == {("U0KIM", "C0TEAM")}
