"""Every entry point of every role-checked feature refuses a person without the role.

One table: each row is a way in (a typed command, where it is typed, or a button) and the
role it needs. The test runs every row twice: as someone without the role (a refusal, word
for word, and nothing sent to them: no file, no chart, no message) and as someone with it
(no refusal: the row really reaches the feature, so the first half cannot pass vacuously).
A new role-checked command or button belongs in ENTRY_POINTS.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from bootstrap import Wellspring
from bot.domain.roles import Role
from prompts import load_catalog
from tests.e2e.checkin_helpers import create_schedule
from tests.e2e.platforms import Platform
from tests.e2e.platforms.common import plain, setting_ids
from tests.e2e.pulse_helpers import answer, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()
TEAM = "C0TEAM"
LEAD, ADMIN, COORDINATOR, MEMBER = "U0LEAD", "U0ADMIN", "U0COORD", "U0MEMBER"
EVERYONE = (LEAD, ADMIN, COORDINATOR, MEMBER)
# Who may use a feature that needs the role: the admins also decide who is a peer.
HOLDERS = {
    Role.SUPERVISOR: {LEAD},
    Role.ADMIN: {ADMIN},
    Role.COORDINATOR: {COORDINATOR, ADMIN},
}
# What reaches a person outside the reply itself: a file, a chart, a message.
SENDS = ("files.getUploadURLExternal", "files.completeUploadExternal", "chat.postMessage")


@dataclass(frozen=True)
class EntryPoint:
    """A way into a feature: `/command words` typed in `where` (None: a private chat), or a
    click on the button `action` (with `value`) when `action` is given."""

    command: str
    words: str
    role: Role
    refusal: str  # the catalog key of the refusal
    where: str | None = None
    action: str | None = None
    value: str = ""
    also: Role | None = None  # a second role that may use it (admins: their own record)

    @property
    def holders(self) -> frozenset[str]:
        """Everyone who may use it: the role's holders, and the second role's."""
        return frozenset(HOLDERS[self.role]) | frozenset(HOLDERS[self.also] if self.also else ())

    @property
    def label(self) -> str:
        shown = f"button {self.action}" if self.action else f"{self.command} {self.words}".strip()
        return f"{shown} in {self.where or 'DM'}"


NOT_SUPERVISOR = "pulse.refuse.not_supervisor"
ENTRY_POINTS = (
    EntryPoint("/pulse", "", Role.SUPERVISOR, NOT_SUPERVISOR, where=TEAM),
    EntryPoint("/pulse", "", Role.SUPERVISOR, NOT_SUPERVISOR),
    EntryPoint("/pulse", "export", Role.SUPERVISOR, NOT_SUPERVISOR),
    EntryPoint("/pulse", "export", Role.SUPERVISOR, NOT_SUPERVISOR, where=TEAM),
    EntryPoint("/pulse", "chart", Role.SUPERVISOR, NOT_SUPERVISOR),
    EntryPoint("/pulse", "chart", Role.SUPERVISOR, NOT_SUPERVISOR, where=TEAM),
    EntryPoint("/pulse", "audit", Role.SUPERVISOR, NOT_SUPERVISOR),
    EntryPoint("/pulse", "audit export", Role.SUPERVISOR, NOT_SUPERVISOR, also=Role.ADMIN),
    EntryPoint("", "", Role.SUPERVISOR, NOT_SUPERVISOR, action="pulse_charts#0"),
    EntryPoint("/debrief", "stats", Role.SUPERVISOR, "debriefs.stats.refuse"),
    EntryPoint("/debrief", "peers", Role.SUPERVISOR, "debriefs.peers.refuse"),
    EntryPoint("/wellspring", "admin", Role.ADMIN, "admin.refuse"),
    EntryPoint("/wellspring", f"assign @{LEAD} #{TEAM}", Role.ADMIN, "admin.refuse"),
    EntryPoint("/wellspring", f"assign @{LEAD}", Role.ADMIN, "admin.refuse", where=TEAM),
    EntryPoint("/wellspring", f"unassign @{LEAD} #{TEAM}", Role.ADMIN, "admin.refuse"),
    EntryPoint("/wellspring", f"erase {MEMBER}", Role.ADMIN, "mydata.refuse_not_admin"),
    EntryPoint("/wellspring", "holidays 2026-12-25", Role.ADMIN, "holidays.refuse"),
    EntryPoint("/wellspring", "holidays clear", Role.ADMIN, "holidays.refuse"),
    EntryPoint("/wellspring", f"remove {MEMBER}", Role.COORDINATOR, "debriefs.approval.refuse"),
    EntryPoint("", "", Role.COORDINATOR, "debriefs.approval.refuse", action="peer_approve#0"),
    EntryPoint("", "", Role.COORDINATOR, "debriefs.approval.refuse", action="peer_decline#0"),
)


@pytest.fixture
def overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The roles by Slack id, or by each platform's ids of the named people."""
    ids = {person: person for person in EVERYONE}
    if "platform_name" in request.fixturenames:
        platform_name = request.getfixturevalue("platform_name")
        ids = {person: setting_ids(platform_name, NAMED[person]) for person in EVERYONE}
    return {
        "supervisor_user_ids": ids[LEAD],
        "admin_user_ids": ids[ADMIN],
        "debrief_coordinator_user_ids": ids[COORDINATOR],
    }


async def numbers_to_hide(ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack) -> None:
    """A team with a schedule and answered check-ins, everyone in this test a member."""
    fake.members[TEAM] = list(EVERYONE)
    await create_schedule(slack, fake, TEAM)
    post = await post_checkin(ws, slack, fake, TEAM)
    for person in EVERYONE:
        await answer(ws, slack, fake, post, person, "early")


async def reply_to(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, entry: EntryPoint, person: str
) -> str:
    """What `person` is told after using `entry`: its text, blocks included."""
    before = len(fake.response_posts)
    channel = entry.where or f"D{person}"
    if entry.action:
        reply = await slack.block_action(
            entry.action, entry.value or MEMBER, user_id=person, channel_id=channel
        )
    else:
        reply = await slack.command(entry.command, entry.words, user_id=person, channel_id=channel)
    assert reply.status == 200
    inline = reply.json() if reply.text else {}
    if inline.get("text"):
        body = inline
    else:
        [posted] = (await fake.wait_for_response_posts(before + 1))[before:]
        body = posted.body
    assert await ws.inflight.drain(5)
    return str(body.get("text", "")) + str(body.get("blocks", ""))


def sent_count(fake: FakeSlack) -> int:
    return sum(len(fake.calls_to(method)) for method in SENDS)


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda entry: entry.label)
async def test_every_role_checked_entry_point_refuses_without_the_role(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, entry: EntryPoint
) -> None:
    await numbers_to_hide(wellspring, slack, fake_slack)
    refusal = CATALOG.text(entry.refusal)
    for person in [p for p in EVERYONE if p not in entry.holders]:
        sent = sent_count(fake_slack)
        told = await reply_to(wellspring, slack, fake_slack, entry, person)
        assert refusal in told, f"{entry.label} as {person}: {told}"
        assert not any(ch.isdigit() for ch in told.replace(refusal, "")), "no numbers ride along"
        assert sent_count(fake_slack) == sent, f"{entry.label} sent something to {person}"

    for person in sorted(entry.holders):
        told = await reply_to(wellspring, slack, fake_slack, entry, person)
        assert refusal not in told, f"{entry.label} refuses {person} too: the row tests nothing"


# The typed rows again on both platforms (Teams reads the same words without the slash);
# rows that name a person or a channel by a Slack id are Slack's alone.
TYPED = tuple(e for e in ENTRY_POINTS if not e.action and "U0" not in e.words)
NAMED = {LEAD: "Dana Lead", ADMIN: "Ari Admin", COORDINATOR: "Cy Coordinator", MEMBER: "Mo Member"}
NAMED_TEAM = "Family Support"


@pytest.mark.parametrize("entry", TYPED, ids=lambda entry: entry.label)
async def test_typed_role_checked_words_refuse_without_the_role_on_each_platform(
    platform: Platform, entry: EntryPoint
) -> None:
    await platform.install(NAMED_TEAM, list(NAMED.values()))
    await platform.checkin_now(NAMED_TEAM, by=NAMED[LEAD])
    for person in NAMED.values():
        await platform.answer(person, "early", NAMED_TEAM)
    team = NAMED_TEAM if entry.where else None
    words = entry.command.lstrip("/") + (" " + entry.words if entry.words else "")
    refusal = plain(CATALOG.text(entry.refusal))
    for person in [NAMED[p] for p in EVERYONE if p not in entry.holders]:
        told = await platform.typed(person, words, team)
        assert refusal in told, f"{entry.label} on {platform.name} as {person}: {told}"
        assert not any(ch.isdigit() for ch in told.replace(refusal, "")), told
    for person in sorted(NAMED[p] for p in entry.holders):
        told = await platform.typed(person, words, team)
        assert refusal not in told, f"{entry.label} refuses {person} too: the row tests nothing"
