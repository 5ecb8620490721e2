"""What only Teams does: retrying the connector's 429, uninstalling from a team, chat replies."""

from datetime import UTC, datetime, timedelta
from typing import Any

from bootstrap import SWEEP_JOB, Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.platforms.common import plain, texts_in
from tests.e2e.platforms.teams import card_data, levels_on
from tests.e2e.teams_dialog_helpers import dialog_data
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id

CATALOG = load_catalog()
TEAM = Team.named("Family Support")
LEAD = Person.named("Dana Lead")
WORKER = Person.named("Ana Reyes")
ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"


async def send(ws: Wellspring, teams: TeamsClient, activity: dict[str, Any]) -> dict[str, Any]:
    answer = await teams.send(activity)
    assert answer.status == 200, (answer.status, answer.body)
    assert await ws.inflight.drain(5)
    return dict(answer.body or {})


async def install(
    ws: Wellspring, teams: TeamsClient, fake: FakeBotConnector, activities: TeamsActivities
) -> None:
    fake.rosters[TEAM.channel_id()] = [LEAD.account(), WORKER.account()]
    await send(ws, teams, activities.team_installed(LEAD, TEAM))


def channel_calls(fake: FakeBotConnector, since: int = 0) -> list[str]:
    """Every call the app made about the team's channel (threads included) since `since`."""
    return [
        f"{c.kind} {c.status}"
        for c in fake.calls[since:]
        if (c.conversation or "").split(";")[0] == TEAM.channel_id()
    ]


async def test_a_post_refused_with_429_is_retried_once_and_lands_once(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    await install(teams_wellspring, teams, fake_teams, teams_activities)
    fake_teams.fail_next("send", status=429, retry_after=0)
    await send(teams_wellspring, teams, teams_activities.channel_message(LEAD, "checkin now", TEAM))
    first, second, *_ = fake_teams.calls_to("send")
    assert (first.status, second.status) == (429, 200)
    assert first.body == second.body, "the same post, sent again"
    cards = [p for p in fake_teams.sent(TEAM.channel_id()) if levels_on(p.cards)]
    assert len(cards) == 1, "the check-in is in the channel once"


async def test_removing_the_app_from_a_team_pauses_its_schedules_and_nothing_more_is_posted(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws, make, channel = teams_wellspring, teams_activities, Place.channel(TEAM)
    await install(ws, teams, fake_teams, make)
    before = len(fake_teams.sent())
    await send(ws, teams, make.channel_message(LEAD, "checkin schedule", TEAM))
    [opener] = [
        action["data"]
        for posted in fake_teams.sent()[before:]
        for card in posted.cards
        for action in card.get("actions", [])
        if (action.get("data") or {}).get("msteams", {}).get("type") == "task/fetch"
    ]
    dialog = await send(ws, teams, make.task_fetch(LEAD, channel, opener))
    form = dialog["task"]["value"]["card"]["content"]
    [submit] = form["actions"]
    values = {"kind": "checkin", "days": ALL_DAYS, "time": "09:00", "timezone": "UTC"}
    before = len(fake_teams.sent())
    closed = await send(ws, teams, make.task_submit(LEAD, channel, {**submit["data"], **values}))
    assert "task" not in closed, closed
    saved = plain(" ".join(t for p in fake_teams.sent()[before:] for t in texts_in(p.cards)))
    assert "Next post" in saved and "09:00" in saved, saved

    fake_teams.remove_bot(TEAM.channel_id())
    await send(ws, teams, make.team_uninstalled(LEAD, TEAM))
    after_removal = len(fake_teams.calls)
    clock.set(datetime(2026, 11, 27, 9, 1, tzinfo=UTC))
    await ws.scheduler.run_now(SWEEP_JOB)
    assert await ws.inflight.drain(5)
    assert channel_calls(fake_teams, after_removal) == [], "no post is even attempted"
    # Paused at removal, the schedule is not found broken at 09:00: no one is told to fix it.
    assert [f"{c.kind} {c.conversation}" for c in fake_teams.calls[after_removal:]] == []

    fake_teams.removed.clear()  # added back: the schedule waits, paused, to be resumed
    await send(ws, teams, make.team_installed(LEAD, TEAM))
    before = len(fake_teams.sent())
    await send(ws, teams, make.channel_message(LEAD, "checkin list", TEAM))
    chat = personal_conversation_id(LEAD.id)
    listing = [p.cards for p in fake_teams.sent()[before:] if p.conversation == chat]
    assert card_data(listing[-1], "schedule_resume") and not card_data(
        listing[-1], "schedule_pause"
    )
    clock.set(clock.now() + timedelta(days=1))
    await ws.scheduler.run_now(SWEEP_JOB)
    assert not [p for p in fake_teams.sent(TEAM.channel_id()) if levels_on(p.cards)]


async def test_a_message_the_bot_does_not_understand_gets_a_private_answer_in_the_chat(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    await send(
        teams_wellspring, teams, teams_activities.personal_message(WORKER, "hello, what is this?")
    )
    [reply] = fake_teams.sent()
    assert reply.conversation == personal_conversation_id(WORKER.id), "in their own chat"
    shown = plain(" ".join(texts_in(reply.cards)))
    assert plain(CATALOG.text("home.message.lead")) in shown, "what the bot can do"
    crisis = plain(CATALOG.text("safety.fixed_line"))
    assert shown.index(crisis) < shown.index(plain(CATALOG.text("home.message.lead"))), (
        "where to turn in a crisis, first"
    )


async def test_reminders_go_through_every_variant_before_repeating(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    # On Teams rather than Slack: Slack's pace of one post a second per channel would make
    # a month of reminders in one channel take half a minute of real time.
    ws, make, channel = teams_wellspring, teams_activities, Place.channel(TEAM)
    await install(ws, teams, fake_teams, make)
    form = await dialog_data(teams, make, fake_teams, LEAD, channel, "checkin schedule")
    values = {"kind": "reminder", "days": ALL_DAYS, "time": "09:00", "timezone": "UTC"}
    await send(ws, teams, make.task_submit(LEAD, channel, {**form, **values}))
    count = len(CATALOG.variants("reminders.reminders"))
    assert count >= 30
    start, shown = datetime(2026, 11, 26, 9, 1, tzinfo=UTC), []
    for day in range(count):
        before = len(fake_teams.sent(TEAM.channel_id()))
        clock.set(start + timedelta(days=day))
        await ws.scheduler.run_now(SWEEP_JOB)
        assert await ws.inflight.drain(5)
        [reminder] = fake_teams.sent(TEAM.channel_id())[before:]
        shown.append(plain(" ".join(texts_in(reminder.cards))))
    assert len(set(shown)) == count
