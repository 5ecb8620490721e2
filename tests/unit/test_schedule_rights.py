"""ScheduleRights: who may change a schedule, and who may set one up in a conversation."""

from datetime import UTC, datetime, time

import pytest

from bot.domain.roles import Role
from bot.domain.schedules import Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable
from bot.services.errors import BotError
from bot.services.schedule_rights import ScheduleRights

HERE = WorkspaceRef("slack", "T1")
DAILY = Recurrence(frozenset(range(7)), time(9), "UTC")
MONDAY = datetime(2026, 11, 2, tzinfo=UTC)
TEAM = Schedule("s1", HERE, ScheduleKind.CHECKIN, DAILY, "U0OWNER", MONDAY, "C0TEAM")
GONE = Schedule("s2", HERE, ScheduleKind.CHECKIN, DAILY, "U0OWNER", MONDAY, "C0GONE")
MINE = Schedule("s3", HERE, ScheduleKind.REMINDER, DAILY, "U0OWNER", MONDAY)


HELD = {Role.ADMIN: {"U0ADMIN"}, Role.SUPERVISOR: {"U0LEAD", "U0OTHERLEAD"}}


class Roles:
    async def holds(self, workspace: WorkspaceRef, person: str, role: Role) -> bool:
        assert workspace == HERE
        return person in HELD.get(role, set())


class Directory:
    """The platform: C0TEAM has three people, C0GONE was archived; counts the questions."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        assert workspace == HERE
        self.asked.append(conversation)
        if conversation != "C0TEAM":
            raise ConversationUnavailable("channel_not_found")
        return frozenset({"U0OWNER", "U0LEAD", "U0MEMBER"})


def rights() -> tuple[ScheduleRights, Directory]:
    directory = Directory()
    return ScheduleRights(Roles(), directory), directory  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("person", "schedule", "allowed"),
    [
        ("U0OWNER", TEAM, True),
        ("U0OWNER", MINE, True),
        ("U0ADMIN", TEAM, True),  # not in the team
        ("U0ADMIN", MINE, True),
        ("U0LEAD", TEAM, True),  # a supervisor in the team
        ("U0OTHERLEAD", TEAM, False),  # a supervisor of another team
        ("U0MEMBER", TEAM, False),
        ("U0LEAD", MINE, False),  # someone's personal reminder
        ("U0LEAD", GONE, False),  # its channel is gone: no one can tell the team
        ("U0OWNER", GONE, True),
    ],
)
async def test_the_creator_an_admin_or_a_supervisor_in_the_team_may_change_a_schedule(
    person: str, schedule: Schedule, allowed: bool
) -> None:
    service, _ = rights()
    if allowed:
        await service.check(HERE, person, [schedule])
    else:
        with pytest.raises(BotError) as refused:
            await service.check(HERE, person, [schedule])
        assert refused.value.prompt == "schedules.not_yours"


async def test_changing_several_schedules_needs_the_right_to_each() -> None:
    service, _ = rights()
    await service.check(HERE, "U0LEAD", [])
    await service.check(HERE, "U0LEAD", [TEAM, TEAM])
    with pytest.raises(BotError):
        await service.check(HERE, "U0LEAD", [TEAM, MINE])


async def test_a_schedule_is_set_up_only_by_someone_in_the_conversation() -> None:
    service, directory = rights()
    await service.check_member(HERE, "U0MEMBER", "C0TEAM")
    for person, conversation in (("U0ADMIN", "C0TEAM"), ("U0OWNER", "C0GONE"), ("U0OWNER", "")):
        with pytest.raises(BotError) as refused:
            await service.check_member(HERE, person, conversation)
        assert refused.value.prompt == "schedules.not_member"
    assert directory.asked == ["C0TEAM", "C0TEAM", "C0GONE"], "an empty one is not asked about"
