"""TeamAccess: whose numbers a supervisor may see, by channel membership or by assignment."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable
from bot.services.errors import BotError
from bot.services.team_access import TeamAccess

HERE = WorkspaceRef("slack", "T1")
MEMBERS = {"C0A": {"U0LEAD", "U0X"}, "C0B": {"U0X"}, "C0C": {"U0LEAD"}}  # C0GONE: archived
ASSIGNED = {"U0LEAD": {"C0B"}}


class Directory:
    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        assert workspace == HERE
        if conversation not in MEMBERS:
            raise ConversationUnavailable("channel_not_found")
        return frozenset(MEMBERS[conversation])


class Messenger:
    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        return f"<#{conversation}>"


class Assignments:
    async def teams_of(self, workspace: WorkspaceRef, supervisor: str) -> frozenset[str]:
        assert workspace == HERE
        return frozenset(ASSIGNED.get(supervisor, set()))

    async def supervisors_of(self, workspace: WorkspaceRef, team: str) -> frozenset[str]:
        assert workspace == HERE
        return frozenset(s for s, teams in ASSIGNED.items() if team in teams)


class Uow:
    assignments = Assignments()


@asynccontextmanager
async def uow() -> AsyncIterator[Uow]:
    yield Uow()


def access(assigned_only: bool) -> TeamAccess:
    given: Any = (uow, Directory(), Messenger())
    return TeamAccess(*given, assigned_only=assigned_only)


async def test_by_default_a_supervisor_sees_the_teams_whose_channel_they_are_in() -> None:
    teams = ["C0GONE", "C0A", "C0B", "C0GONE", "C0C"]
    assert await access(False).visible(HERE, "U0LEAD", teams) == ["C0A", "C0C"]
    assert await access(False).seeing(HERE, "C0A", frozenset({"U0LEAD", "U0Y"})) == {"U0LEAD"}
    assert await access(False).seeing(HERE, "C0GONE", frozenset({"U0LEAD"})) == frozenset()


async def test_with_assignments_only_the_assigned_teams_whatever_the_channels() -> None:
    teams = ["C0A", "C0B", "C0GONE"]
    assert await access(True).visible(HERE, "U0LEAD", teams) == ["C0B"]
    assert await access(True).seeing(HERE, "C0B", frozenset({"U0LEAD", "U0X"})) == {"U0LEAD"}
    assert await access(True).seeing(HERE, "C0A", frozenset({"U0LEAD", "U0X"})) == frozenset()


@pytest.mark.parametrize(
    ("assigned_only", "team", "refusal"),
    [
        (False, "C0B", "pulse.refuse.not_member"),
        (False, "C0GONE", "pulse.refuse.not_member"),
        (True, "C0A", "pulse.refuse.not_assigned"),
    ],
)
async def test_a_refusal_says_which_team_and_why(
    assigned_only: bool, team: str, refusal: str
) -> None:
    service = access(assigned_only)
    await service.require(HERE, "U0LEAD", "C0B" if assigned_only else "C0A")
    with pytest.raises(BotError) as refused:
        await service.require(HERE, "U0LEAD", team)
    assert (refused.value.prompt, refused.value.params) == (refusal, {"team": f"<#{team}>"})
