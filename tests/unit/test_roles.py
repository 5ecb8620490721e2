"""RoleBook: ids from the settings plus groups, remembered briefly, kept through a hiccup."""

from datetime import UTC, datetime, timedelta

from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.services.roles import REMEMBER, RoleBook
from tests.support.clocks import FixedClock

HERE = WorkspaceRef("slack", "T1")
MONDAY = datetime(2026, 11, 30, 9, tzinfo=UTC)


class Groups:
    """The platform's groups; counts the questions, can fail on demand."""

    def __init__(self) -> None:
        self.members_of: dict[str, frozenset[str]] = {"S1": frozenset({"U2"})}
        self.asked = 0
        self.failing = False

    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        self.asked += 1
        if self.failing:
            raise ConnectionError("slack is away")
        return self.members_of.get(group, frozenset())


def book(groups: Groups, clock: FixedClock) -> RoleBook:
    ids = {Role.SUPERVISOR: frozenset({"U1"})}
    return RoleBook(ids, {Role.SUPERVISOR: frozenset({"S1"})}, groups, clock)


async def test_holders_are_the_named_ids_and_the_groups_members() -> None:
    roles = book(Groups(), FixedClock(MONDAY))
    assert await roles.holders(HERE, Role.SUPERVISOR) == {"U1", "U2"}
    assert await roles.holders(HERE, Role.COORDINATOR) == frozenset()
    assert roles.given(Role.SUPERVISOR) and not roles.given(Role.PEER)


async def test_a_group_is_remembered_for_a_while_then_asked_again() -> None:
    groups, clock = Groups(), FixedClock(MONDAY)
    roles = book(groups, clock)
    await roles.holds(HERE, "U2", Role.SUPERVISOR)
    groups.members_of["S1"] = frozenset({"U3"})
    assert await roles.holds(HERE, "U2", Role.SUPERVISOR), "remembered"
    clock.current += REMEMBER - timedelta(microseconds=1)
    assert await roles.holds(HERE, "U2", Role.SUPERVISOR), "remembered until REMEMBER is up"
    clock.current += timedelta(microseconds=1)
    assert await roles.holds(HERE, "U3", Role.SUPERVISOR)
    assert not await roles.holds(HERE, "U2", Role.SUPERVISOR)
    assert groups.asked == 2


async def test_forget_asks_again_at_once_and_a_hiccup_keeps_the_last_members() -> None:
    groups, clock = Groups(), FixedClock(MONDAY)
    roles = book(groups, clock)
    await roles.holders(HERE, Role.SUPERVISOR)
    groups.members_of["S1"] = frozenset({"U3"})
    roles.forget(HERE)
    assert await roles.holders(HERE, Role.SUPERVISOR) == {"U1", "U3"}
    groups.failing = True
    roles.forget(HERE)
    assert await roles.holders(HERE, Role.SUPERVISOR) == {"U1", "U3"}, "not dropped"


def test_a_role_is_given_by_ids_alone_by_groups_alone_or_not_at_all() -> None:
    by_ids = RoleBook({Role.PEER: frozenset({"U1"})}, {}, Groups(), FixedClock(MONDAY))
    by_groups = RoleBook({}, {Role.PEER: frozenset({"S1"})}, Groups(), FixedClock(MONDAY))
    assert by_ids.given(Role.PEER) and by_groups.given(Role.PEER)
    assert not by_ids.given(Role.ADMIN) and not by_groups.given(Role.SUPERVISOR)
