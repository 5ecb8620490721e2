"""Teams: private answers without the targeted-message preview, and cards that say what they show.

A click on a check-in is answered by the invoke response (only the clicker sees it) and, for
anything longer, in the clicker's 1:1 chat with the bot. Targeted messages are used only when
TEAMS_TARGETED_MESSAGES is on. Whatever the setting, nothing anyone else can see says which
level someone chose: the fake Bot Connector's record of every call is the evidence.
"""

import re
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from bot.outgoing.actions import Action
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.platforms.common import plain
from tests.e2e.platforms.teams import TeamsPlatform, card_data, levels_on, posted_text
from tests.e2e.teams_dialog_helpers import submit_data
from tests.fakes.teams_activities import (
    APP_ID,
    Person,
    Place,
    Team,
    TeamsActivities,
    TeamsClient,
)
from tests.fakes.teams_connector import FakeBotConnector, Posted, personal_conversation_id

CATALOG = load_catalog()
TEAM = Team.named("Family Support")
CHAT = Place.group_chat("Night shift")
LEAD = Person.named("Dana Lead")
LEVELS = ["early", "middle", "late", "beyond"]
WORKERS = {level: Person.named(f"Worker {level}") for level in LEVELS}
LATE = frozenset({"late", "beyond"})
MESSAGE = "application/vnd.microsoft.activity.message"
OFF: dict[str, Any] = {}
ON: dict[str, Any] = {"teams_targeted_messages": True}
ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"

# Slack's markup, which must not reach a card's fallbackText.
MRKDWN = {
    "bold": re.compile(r"(?<![\w*])\*(?=\S)[^*\n]+?(?<=\S)\*(?![\w*])"),
    "italic": re.compile(r"(?<![\w_])_(?=\S)[^_\n]+?(?<=\S)_(?![\w_])"),
    "link": re.compile(r"<(?:https?|mailto|tel):[^>]*>"),
    "code": re.compile(r"`"),
}


def level_words(level: str) -> list[str]:
    """What would tell someone which level was chosen: its label and every reply to it."""
    return [
        plain(CATALOG.text(f"checkin.levels.{level}.label")),
        *(plain(reply) for reply in CATALOG.variants(f"pulse.ack.{level}")),
    ]


def shown_in(posted: Posted, level: str) -> bool:
    words = posted_text(posted)
    return any(word in words for word in level_words(level))


class Conversation:
    """Where a check-in is posted and clicked: a team channel, a group chat, a personal chat."""

    def __init__(
        self,
        kind: str,
        ws: Wellspring,
        teams: TeamsClient,
        fake: FakeBotConnector,
        make: TeamsActivities,
    ) -> None:
        self.kind, self.ws, self.teams, self.fake, self.make = kind, ws, teams, fake, make
        self.checkin: Posted | None = None

    @property
    def shared(self) -> str:
        """The conversation everyone in it sees (a personal chat's check-in is its team's)."""
        return CHAT.conversation_id if self.kind == "groupChat" else TEAM.channel_id()

    def place(self, person: Person) -> Place:
        if self.kind == "groupChat":
            return CHAT
        return Place.personal(person) if self.kind == "personal" else Place.channel(TEAM)

    async def send(self, activity: dict[str, Any]) -> dict[str, Any]:
        answer = await self.teams.send(activity)
        assert answer.status == 200, (answer.status, answer.body)
        assert await self.ws.inflight.drain(5)
        return dict(answer.body or {})

    async def post_checkin(self) -> None:
        members = [p.account() for p in (LEAD, *WORKERS.values())]
        if self.kind == "groupChat":
            self.fake.rosters[CHAT.conversation_id] = members
            await self.send(self.make.group_installed(LEAD, CHAT))
            await self.send(self.make.group_message(LEAD, "checkin now", CHAT))
        else:
            self.fake.rosters[TEAM.channel_id()] = members
            await self.send(self.make.team_installed(LEAD, TEAM))
            await self.send(self.make.channel_message(LEAD, "checkin now", TEAM))
        [self.checkin] = [p for p in self.fake.sent(self.shared) if levels_on(p.cards)]

    async def click(self, person: Person, level: str) -> dict[str, Any]:
        assert self.checkin is not None
        [data] = [
            d for d in card_data(self.checkin.cards, "pulse_level") if d["value"].endswith(level)
        ]
        return await self.send(
            self.make.card_action(
                person, self.place(person), data["action"], data, reply_to_id=self.checkin.id
            )
        )


@pytest.fixture(params=["channel", "groupChat", "personal"])
def conversation(
    request: pytest.FixtureRequest,
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> Conversation:
    return Conversation(request.param, teams_wellspring, teams, fake_teams, teams_activities)


async def pulse_counts(ws: Wellspring) -> dict[str, int]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(text("SELECT level, responses FROM pulse_counts"))
        return {level: responses for level, responses in rows}


def check_notes(notes: dict[str, str]) -> None:
    """Each note stands alone: not empty, no "below"; a late level's says where support is."""
    for level, note in notes.items():
        assert note.strip(), f"an empty note for {level}"
        assert "below" not in note.lower(), note
        assert note.startswith(CATALOG.text("teams.note.counted")) or level not in LATE, note
        if level in LATE:
            assert "crisis line" in note, f"a late answer's note says where the line is: {note}"
        else:
            assert any(plain(reply) == note for reply in CATALOG.variants(f"pulse.ack.{level}"))


@pytest.mark.parametrize("overrides", [OFF], ids=["preview-off"])
async def test_without_the_preview_a_level_reaches_only_the_clicker_and_nothing_is_targeted(
    conversation: Conversation, fake_teams: FakeBotConnector
) -> None:
    await conversation.post_checkin()
    since, notes = len(fake_teams.posted), {}
    for level, person in WORKERS.items():
        answer = await conversation.click(person, level)
        assert answer.get("type") == MESSAGE, answer
        notes[level] = str(answer.get("value"))

    assert await pulse_counts(conversation.ws) == dict.fromkeys(LEVELS, 1)
    check_notes(notes)
    assert not [c for c in fake_teams.calls if c.targeted], "no preview feature is used"
    after = fake_teams.posted[since:]
    shared = [p for p in after if p.conversation.split(";")[0] == conversation.shared]
    assert shared == [], "nothing reaches the shared conversation after a click"
    for level, person in WORKERS.items():
        chat = personal_conversation_id(person.id)
        for posted in after:
            assert posted.conversation == chat or not shown_in(posted, level), "only in theirs"
        theirs = [p for p in after if p.conversation == chat]
        if level in LATE:
            [ack] = theirs
            assert shown_in(ack, level) and card_data(ack.cards, "pulse_debrief")
            assert plain(CATALOG.text("safety.fixed_line")) in posted_text(ack)
        else:
            assert theirs == [], "a short answer is the note alone"


@pytest.mark.parametrize("overrides", [ON], ids=["preview-on"])
async def test_with_the_preview_on_a_late_answer_is_targeted_at_the_clicker_alone(
    conversation: Conversation, fake_teams: FakeBotConnector
) -> None:
    await conversation.post_checkin()
    since, notes = len(fake_teams.posted), {}
    for level, person in WORKERS.items():
        notes[level] = str((await conversation.click(person, level)).get("value"))

    check_notes(notes)
    after = fake_teams.posted[since:]
    for level, person in WORKERS.items():
        for posted in after:
            if shown_in(posted, level):
                mine = posted.conversation == personal_conversation_id(person.id)
                assert mine or (posted.targeted and posted.recipient == person.id), posted
    shared = [p for p in after if p.conversation.split(";")[0] == conversation.shared]
    assert [p for p in shared if not p.targeted] == [], "nothing public after a click"
    targeted = [p for p in after if p.targeted]
    if conversation.kind == "personal":
        assert targeted == [], "a personal chat is private already"
    else:
        assert {p.recipient for p in targeted} == {WORKERS[level].id for level in LATE}
        assert all(CATALOG.text("teams.note.crisis_here") in notes[level] for level in LATE)


@pytest.mark.parametrize("overrides", [OFF], ids=["preview-off"])
async def test_when_the_chat_cannot_be_started_the_note_carries_the_crisis_line(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("channel", teams_wellspring, teams, fake_teams, teams_activities)
    await where.post_checkin()
    fake_teams.fail_next("create_conversation", status=403, times=4)
    since = len(fake_teams.posted)
    note = str((await where.click(WORKERS["beyond"], "beyond")).get("value"))

    assert CATALOG.text("safety.fixed_line") in note, note
    assert note.startswith(CATALOG.text("teams.note.counted")) and "below" not in note
    assert await pulse_counts(teams_wellspring) == {**dict.fromkeys(LEVELS, 0), "beyond": 1}
    assert fake_teams.posted[since:] == [], "sent nowhere"


def openers(posts: list[Posted]) -> list[dict[str, Any]]:
    """The cards among `posts` with a button that opens a dialog."""
    return [
        card
        for posted in posts
        for card in posted.cards
        if any(
            (a.get("data") or {}).get("msteams", {}).get("type") == "task/fetch"
            for a in card.get("actions", [])
        )
    ]


def card_words(card: dict[str, Any]) -> str:
    return " ".join(str(e.get("text", "")) for e in card.get("body", []))


@pytest.mark.parametrize("overrides", [OFF], ids=["preview-off"])
async def test_the_debrief_opener_shows_the_crisis_button_it_speaks_of_and_says_no_below(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("personal", teams_wellspring, teams, fake_teams, teams_activities)
    asker, chat = WORKERS["late"], personal_conversation_id(WORKERS["late"].id)
    await where.send(teams_activities.personal_message(asker, "debrief"))
    await where.send(teams_activities.personal_message(asker, "debrief volunteer"))
    debrief, volunteer = openers(fake_teams.sent(chat))

    for card in (debrief, volunteer):
        assert "below" not in card_words(card).lower(), card_words(card)
    [crisis] = card_data([debrief], Action.DEBRIEF_NOT_SAFE)
    not_safe = [
        a
        for e in debrief["body"]
        for a in e.get("actions", [])
        if (a.get("data") or {}).get("action") == Action.DEBRIEF_NOT_SAFE
    ]
    assert [a["type"] for a in not_safe] == ["Action.Execute"]
    assert not_safe[0]["title"] == CATALOG.text("debriefs.form.not_safe_button")

    before = len(fake_teams.sent())
    note = str(
        (
            await where.send(
                teams_activities.card_action(
                    asker, Place.personal(asker), crisis["action"], crisis, reply_to_id="1"
                )
            )
        ).get("value")
    )
    assert note.startswith(CATALOG.text("safety.fixed_line")), "the line itself comes first"
    [shown] = fake_teams.sent()[before:]
    assert shown.conversation == chat
    assert plain(CATALOG.text("debriefs.crisis.lead")) in posted_text(shown)


@pytest.mark.parametrize("overrides", [OFF], ids=["preview-off"])
async def test_a_form_asked_for_in_a_channel_opens_from_the_private_chat_and_saves_there(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("channel", teams_wellspring, teams, fake_teams, teams_activities)
    fake_teams.rosters[TEAM.channel_id()] = [LEAD.account()]
    await where.send(teams_activities.team_installed(LEAD, TEAM))
    before = len(fake_teams.sent())
    await where.send(teams_activities.channel_message(LEAD, "checkin schedule", TEAM))
    posted = fake_teams.sent()[before:]
    chat = personal_conversation_id(LEAD.id)
    assert [p.conversation for p in posted] == [chat], "the opener goes to the lead's own chat"
    [opener] = [
        a["data"]
        for card in openers(posted)
        for a in card["actions"]
        if (a.get("data") or {}).get("msteams")
    ]
    personal = Place.personal(LEAD)
    data = await submit_data(teams, teams_activities, LEAD, personal, opener)
    values = {"kind": "checkin", "days": ALL_DAYS, "time": "09:00", "timezone": "UTC"}
    closed = await where.send(teams_activities.task_submit(LEAD, personal, {**data, **values}))
    assert "task" not in closed, closed
    async with teams_wellspring.engine.connect() as conn:
        rows = await conn.execute(text("SELECT conversation FROM schedules"))
        assert [row.conversation for row in rows] == [TEAM.channel_id()], "for the channel"


@pytest.mark.parametrize("overrides", [OFF], ids=["preview-off"])
async def test_in_a_group_chat_the_confirmation_speaks_of_no_channel(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("groupChat", teams_wellspring, teams, fake_teams, teams_activities)
    await where.post_checkin()
    [done] = fake_teams.sent(personal_conversation_id(LEAD.id))
    assert plain(CATALOG.text("checkin.posted_now")) in posted_text(done)
    assert "channel" not in posted_text(done)


@pytest.mark.parametrize("overrides", [{"supervisor_user_ids": LEAD.aad_object_id}])
async def test_every_fallback_text_is_plain_with_no_slack_markup(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("channel", teams_wellspring, teams, fake_teams, teams_activities)
    await where.post_checkin()
    for level, person in WORKERS.items():
        await where.click(person, level)
    for words in ("pulse", "help", "checkin list"):
        await where.send(teams_activities.channel_message(LEAD, words, TEAM))
    for words in ("home", "pulse", "debrief"):
        await where.send(teams_activities.personal_message(LEAD, words))

    fallbacks = [card["fallbackText"] for p in fake_teams.posted for card in p.cards]
    assert len(fallbacks) >= 10
    assert any("/checkin" in f for f in fallbacks), "the help, which names commands, is there"
    found = {
        f"{name}: {fallback!r}"
        for fallback in fallbacks
        for name, pattern in MRKDWN.items()
        if pattern.search(fallback)
    }
    assert not found, found


@pytest.mark.parametrize("bot_id", [f"28:{APP_ID}", APP_ID], ids=["28-prefixed", "bare"])
async def test_its_own_removal_is_known_by_the_recipient_id_in_either_form(
    bot_id: str,
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("channel", teams_wellspring, teams, fake_teams, teams_activities)
    fake_teams.rosters[TEAM.channel_id()] = [LEAD.account(), WORKERS["early"].account()]
    await where.send(teams_activities.team_installed(LEAD, TEAM))
    place = Place.channel(TEAM)
    opened = await teams.send(teams_activities.channel_message(LEAD, "checkin schedule", TEAM))
    assert opened.status == 200
    [opener] = [
        a["data"]
        for card in openers(fake_teams.sent())
        for a in card["actions"]
        if (a.get("data") or {}).get("msteams")
    ]
    data = await submit_data(teams, teams_activities, LEAD, place, opener)
    values = {"kind": "checkin", "days": ALL_DAYS, "time": "09:00", "timezone": "UTC"}
    await where.send(teams_activities.task_submit(LEAD, place, {**data, **values}))

    someone_left = teams_activities.bot_removed(LEAD, place)
    someone_left["recipient"]["id"] = bot_id
    someone_left["membersRemoved"] = [WORKERS["early"].sender()]
    await where.send(someone_left)
    assert await paused(teams_wellspring) == [False], "a person leaving pauses nothing"

    removed = teams_activities.bot_removed(LEAD, place)
    removed["recipient"]["id"] = bot_id
    removed["membersRemoved"] = [{"id": bot_id}]
    await where.send(removed)
    assert await paused(teams_wellspring) == [True], "its own removal pauses the schedules"


async def paused(ws: Wellspring) -> list[bool]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(text("SELECT paused FROM schedules"))
        return [bool(row.paused) for row in rows]


async def test_a_debrief_pair_is_told_each_has_the_introduction_in_their_own_chat(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    platform = TeamsPlatform(teams_wellspring, teams, fake_teams, teams_activities, clock, caplog)
    asker, peer = "Ada Asker", "Pia Peer"
    await platform.install(TEAM.name, [asker, peer])
    await platform.volunteer(peer)
    await platform.request_debrief(asker)
    await platform.accept_offer(peer)

    assert platform.connected(asker, peer)
    each = plain(CATALOG.text("teams.pair.each_with_link"))
    for person in (asker, peer):
        chat = personal_conversation_id(Person.named(person).id)
        [intro] = [p for p in fake_teams.sent(chat) if card_data(p.cards, "debrief_done")]
        words = posted_text(intro)
        assert each in words
        assert "Hi both" not in words and "this space" not in words, words


@pytest.mark.parametrize("overrides", [OFF], ids=["preview-off"])
async def test_words_in_a_channel_whose_writer_cannot_be_reached_get_the_crisis_line_there(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("channel", teams_wellspring, teams, fake_teams, teams_activities)
    writer = WORKERS["late"]
    fake_teams.rosters[TEAM.channel_id()] = [writer.account()]
    await where.send(teams_activities.team_installed(writer, TEAM))
    reached = len(fake_teams.sent())
    await where.send(teams_activities.channel_message(writer, "please help me", TEAM))
    [answer] = fake_teams.sent()[reached:]
    assert answer.conversation == personal_conversation_id(writer.id), "privately, at first"

    fake_teams.fail_next("create_conversation", status=403, times=4)
    before = len(fake_teams.sent())
    await where.send(teams_activities.channel_message(writer, "please help me", TEAM))
    [line] = fake_teams.sent()[before:]
    assert line.conversation.split(";")[0] == TEAM.channel_id() and not line.targeted
    [card] = line.cards
    assert [e.get("text") for e in card["body"]] == [CATALOG.text("safety.fixed_line")]


@pytest.mark.parametrize("overrides", [OFF], ids=["preview-off"])
async def test_buttons_that_open_a_form_answer_with_a_note_that_says_where_it_is(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    where = Conversation("channel", teams_wellspring, teams, fake_teams, teams_activities)
    await where.post_checkin()
    person = WORKERS["late"]
    chat, own = personal_conversation_id(person.id), Place.personal(person)
    await where.click(person, "late")
    await where.send(teams_activities.personal_message(person, "home"))
    [talk] = [d for p in fake_teams.sent(chat) for d in card_data(p.cards, "pulse_debrief")]
    [add] = [d for p in fake_teams.sent(chat) for d in card_data(p.cards, "personal_add")]

    for data in (talk, add):
        before = len(fake_teams.sent())
        click = teams_activities.card_action(person, own, data["action"], data, reply_to_id="1")
        note = str((await where.send(click)).get("value"))
        assert note == CATALOG.text("teams.note.form_in_chat"), "not empty, and says where"
        assert len(openers(fake_teams.sent()[before:])) == 1
