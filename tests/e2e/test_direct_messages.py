"""Nobody talks into silence: whatever is written to the bot gets a private answer, the crisis
line first, and what was written is kept nowhere (Slack's Messages tab, a Teams chat)."""

import json
import logging
from typing import Any

import pytest

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.platforms.common import dump_database, log_text, plain, texts_in
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.fakes.teams_activities import Person, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, Posted, personal_conversation_id
from tests.support.canary import disguises

CATALOG = load_catalog()
WRITER, DM = "U0WRITER", "D0WRITER"
WRITTEN = "Canary words 7f3a: after the removal today I can't stop shaking"
TEAM = Team.named("Family Support")
WORKER = Person.named("Ana Reyes")
AGENCY_CRISIS = "Our staff crisis line, day and night: 0800 000 000."


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"log_level": "DEBUG"}


def expected_paragraphs(agency_crisis: str | None = None) -> list[str]:
    """The answer as the catalogue words it: the fixed crisis line (then the agency's crisis
    text, if it set one), then what the bot can do and how to ask for a debrief."""
    lines = "\n".join(f"• {line}" for line in CATALOG.variants("home.message.lines"))
    return [
        CATALOG.text("safety.fixed_line"),
        *([agency_crisis] if agency_crisis else []),
        CATALOG.text("home.message.lead"),
        CATALOG.text("home.message.debrief"),
        lines,
    ]


def direct_message(text: str = WRITTEN, user: str = WRITER, **extra: Any) -> dict[str, Any]:
    """A `message` event as Slack sends it for message.im: a person wrote in their DM."""
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "w1Xy",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "client_msg_id": "3f1c2b8e-4a5d-4e7f-9a0b-1c2d3e4f5a6b",
        "team": "T0AGENCY",
        "ts": "1764144000.000200",
        "event_ts": "1764144000.000200",
        "channel": DM,
        "channel_type": "im",
    }
    event.update(extra)
    return event


def blocks_of(call: ApiCall) -> list[dict[str, Any]]:
    blocks = call.params["blocks"]
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


async def answers(fake: FakeSlack, ws: Wellspring, count: int = 1) -> list[ApiCall]:
    """Every message the bot posted, once the `count`th is in and nothing else is running."""
    await fake.wait_for("chat.postMessage", count=count)
    assert await ws.inflight.drain(5)
    return fake.calls_to("chat.postMessage")


async def test_a_direct_message_gets_one_private_answer_with_the_crisis_line_first(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = await slack.event(direct_message(), event_id="Ev0DM1")
    assert reply.status == 200
    [answer] = await answers(fake_slack, wellspring)
    assert answer.params["channel"] == DM, "in that DM, where only the writer sees it"
    paragraphs = [block["text"]["text"] for block in blocks_of(answer)]
    assert paragraphs == expected_paragraphs()
    assert paragraphs[0] == CATALOG.text("safety.fixed_line"), "the crisis line comes first"
    assert "/debrief" in " ".join(paragraphs), "how to ask for a debrief"
    assert WRITTEN not in str(answer.params), "what was written is not echoed"
    assert fake_slack.calls_to("chat.postEphemeral") == []

    logs, tables = log_text(caplog), await dump_database(wellspring)
    assert logs and "Ev0DM1" in tables, "the canary looked at real output"
    traces = disguises(WRITER) | disguises(WRITTEN) | {"Canary words", "7f3a"}
    for place, found in (("logs", logs), ("tables", tables)):
        assert not [trace for trace in traces if trace in found], place


@pytest.mark.parametrize("overrides", [{"crisis_resources_text": AGENCY_CRISIS}])
async def test_the_agencys_crisis_text_follows_the_fixed_line_never_replaces_it(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.event(direct_message(), event_id="Ev0AGENCY")
    [answer] = await answers(fake_slack, wellspring)
    paragraphs = [block["text"]["text"] for block in blocks_of(answer)]
    assert paragraphs == expected_paragraphs(AGENCY_CRISIS)


async def test_slacks_retry_of_a_direct_message_is_answered_once(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    first = await slack.event(direct_message(), event_id="Ev0DM2")
    retry = await slack.event(direct_message(), event_id="Ev0DM2", retry_num=1)
    assert first.status == retry.status == 200
    assert len(await answers(fake_slack, wellspring)) == 1


async def test_bots_and_edits_get_no_answer_only_people_writing_do(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    own = {"user": fake_slack.bot_user_id, "bot_id": fake_slack.bot_id, "app_id": "A0WELL"}
    bot_profile = {"id": fake_slack.bot_id, "app_id": "A0WELL", "name": "Wellspring"}
    ignored = [
        direct_message(CATALOG.text("home.message.lead"), **own, bot_profile=bot_profile),
        direct_message("another app", user="U0OTHERBOT", bot_id="B0OTHER"),
        direct_message("classic bot", subtype="bot_message", bot_id="B0OTHER"),
        {
            **direct_message(),
            "subtype": "message_changed",
            "message": {"type": "message", "user": WRITER, "text": WRITTEN},
        },
        {**direct_message(), "subtype": "message_deleted"},
        direct_message(channel="C0TEAM", channel_type="channel"),
    ]
    for index, event in enumerate(ignored):
        if event.get("subtype") in ("message_changed", "message_deleted"):
            event.pop("user", None)
        reply = await slack.event(event, event_id=f"Ev0IGNORED{index}")
        assert reply.status == 200, "matched and acknowledged, so Slack does not retry"
    # A person's message after them: the only answer, so the ones before were all passed over.
    await slack.event(direct_message("hello?"), event_id="Ev0PERSON")
    [answer] = await answers(fake_slack, wellspring)
    assert answer.params["channel"] == DM


async def test_a_message_in_a_thread_of_the_dm_is_answered_in_that_thread(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.event(direct_message(thread_ts="1764140000.000100"), event_id="Ev0THREAD")
    [answer] = await answers(fake_slack, wellspring)
    assert (answer.params["channel"], answer.params["thread_ts"]) == (DM, "1764140000.000100")


# -- Teams ------------------------------------------------------------------------------------


async def send(ws: Wellspring, teams: TeamsClient, activity: dict[str, Any]) -> None:
    answer = await teams.send(activity)
    assert answer.status == 200, (answer.status, answer.body)
    assert await ws.inflight.drain(5)


def shown(posted: Posted) -> list[str]:
    """The paragraphs of the posted card, without markup."""
    [card] = posted.cards
    return [plain(block["text"]) for block in card["body"] if block.get("type") == "TextBlock"]


async def test_teams_words_the_bot_does_not_know_in_a_personal_chat_get_the_same_answer(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for words in (WRITTEN, "help me", "home visit went badly"):
        await send(teams_wellspring, teams, teams_activities.personal_message(WORKER, words))
    posts = fake_teams.sent()
    assert len(posts) == 3
    expected = [plain(paragraph) for paragraph in expected_paragraphs()]
    for posted in posts:
        assert posted.conversation == personal_conversation_id(WORKER.id), "in their own chat"
        assert shown(posted) == expected, "the crisis line first, then what the bot can do"
    assert WRITTEN not in log_text(caplog) + await dump_database(teams_wellspring)


async def test_teams_home_alone_still_shows_the_home(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    await send(teams_wellspring, teams, teams_activities.personal_message(WORKER, "home"))
    [home] = fake_teams.sent()
    assert plain(CATALOG.text("home.intro")) in plain(" ".join(texts_in(home.cards)))


async def test_teams_an_unknown_word_after_a_mention_in_a_channel_is_answered_privately(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    fake_teams.rosters[TEAM.channel_id()] = [WORKER.account()]
    await send(teams_wellspring, teams, teams_activities.team_installed(WORKER, TEAM))
    before = len(fake_teams.sent())
    mention = teams_activities.channel_message(WORKER, "is anyone there", TEAM)
    await send(teams_wellspring, teams, mention)
    [answer] = fake_teams.sent()[before:]
    assert answer.conversation == personal_conversation_id(WORKER.id), "only the writer sees it"
    assert shown(answer) == [plain(paragraph) for paragraph in expected_paragraphs()]


async def test_teams_words_after_a_command_get_the_crisis_line_first(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    words = ("debrief I'm not okay", "placement my student cried today", "checkin help me")
    for typed in words:
        await send(teams_wellspring, teams, teams_activities.personal_message(WORKER, typed))
    posts = fake_teams.sent()
    assert len(posts) == len(words)
    expected = [plain(paragraph) for paragraph in expected_paragraphs()]
    for posted in posts:
        assert shown(posted) == expected, "the same answer as a message: the crisis line first"
