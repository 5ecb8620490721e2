"""Teams, in a person's own chat: home card, a reminder through a dialog, the crisis button."""

from typing import Any

from bootstrap import SWEEP_JOB, Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.teams_dialog_helpers import submit_data
from tests.fakes.teams_activities import Person, Place, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, Posted

CATALOG = load_catalog()
SAM = Person.named("Sam Caseworker", timezone="Europe/London")
HOME = Place.personal(SAM)


def actions(posted: Posted) -> list[dict[str, Any]]:
    """Every action of the posted cards, in the body's action sets and at the card's foot."""
    found: list[dict[str, Any]] = []
    for card in posted.cards:
        found += card.get("actions", [])
        for element in card.get("body", []):
            found += element.get("actions", []) if element.get("type") == "ActionSet" else []
    return found


def find(posts: list[Posted], key: str, value: str) -> dict[str, Any]:
    """The data of the first action whose data has `key` set to `value`."""
    for posted in reversed(posts):
        for action in actions(posted):
            if (action.get("data") or {}).get(key) == value:
                return dict(action["data"])
    raise AssertionError(f"no action with {key}={value} in {len(posts)} messages")


async def test_installing_in_a_personal_chat_shows_the_home_card(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    answer = await teams.send(teams_activities.personal_installed(SAM))
    assert answer.status == 200
    [home] = fake_teams.sent(HOME.conversation_id)
    assert not home.targeted, "a personal chat is private already"
    assert CATALOG.text("home.title") in home.activity["attachments"][0]["content"]["fallbackText"]
    assert find([home], "action", "personal_add")


async def test_a_private_reminder_is_added_through_a_dialog_and_arrives_at_its_time(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws = teams_wellspring
    await teams.send(teams_activities.personal_message(SAM, "home"))
    add = find(fake_teams.sent(HOME.conversation_id), "action", "personal_add")
    clicked = await teams.send(
        teams_activities.card_action(SAM, HOME, add["action"], add, reply_to_id="1")
    )
    assert clicked.status == 200
    opener = find(fake_teams.sent(HOME.conversation_id), "form_id", "personal_form")
    dialog = await teams.send(teams_activities.task_fetch(SAM, HOME, opener))
    card = dialog.body["task"]["value"]["card"]["content"]
    timezone = [e for e in card["body"] if e.get("id") == "timezone"]
    assert timezone and timezone[0]["value"] == "Europe/London", "the zone Teams reported"
    submit = next(a for a in card["actions"] if a["type"] == "Action.Submit")["data"]
    values = {"label": "End of my shift", "days": "thu", "time": "17:00", "timezone": "UTC"}
    done = await teams.send(teams_activities.task_submit(SAM, HOME, {**submit, **values}))
    assert done.status == 200 and not (done.body or {}).get("task"), "the dialog closes"
    assert await ws.inflight.drain(5)
    assert "End of my shift" in str(fake_teams.sent(HOME.conversation_id)[-1].cards)

    before = len(fake_teams.sent(HOME.conversation_id))
    clock.set(clock.now().replace(hour=17, minute=1))  # Thursday 17:01 UTC
    await ws.scheduler.run_now(SWEEP_JOB)
    [reminder] = fake_teams.sent(HOME.conversation_id)[before:]
    assert "End of my shift" in str(reminder.cards)


async def test_a_dialog_with_errors_stays_open_and_keeps_what_was_typed(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    await teams.send(teams_activities.personal_message(SAM, "home"))
    add = find(fake_teams.sent(HOME.conversation_id), "action", "personal_add")
    await teams.send(teams_activities.card_action(SAM, HOME, add["action"], add, reply_to_id="1"))
    opener = find(fake_teams.sent(HOME.conversation_id), "form_id", "personal_form")
    submit = await submit_data(teams, teams_activities, SAM, HOME, opener)
    values = {"label": "Case notes", "days": "", "time": "25:99", "timezone": "Mars/Base"}
    again = await teams.send(teams_activities.task_submit(SAM, HOME, {**submit, **values}))
    card = again.body["task"]["value"]["card"]["content"]
    assert "Case notes" in str(card), "what was typed is still there"
    assert any(e.get("color") == "attention" for e in card["body"]), "and the problems show"


async def test_the_crisis_button_in_the_debrief_dialog_shows_crisis_resources_at_once(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    await teams.send(teams_activities.personal_message(SAM, "debrief"))
    opener = find(fake_teams.sent(HOME.conversation_id), "form_id", "debrief_form")
    dialog = await teams.send(teams_activities.task_fetch(SAM, HOME, opener))
    card = dialog.body["task"]["value"]["card"]["content"]
    crisis = find_in_card(card, "debrief_not_safe")
    shown = await teams.send(teams_activities.task_submit(SAM, HOME, crisis))
    notice = shown.body["task"]["value"]
    assert notice["title"] == CATALOG.text("debriefs.crisis.title")
    assert CATALOG.text("debriefs.crisis.default")[:40] in str(notice["card"])


def find_in_card(card: dict[str, Any], action: str) -> dict[str, Any]:
    for element in card.get("body", []):
        for button in element.get("actions", []) if element.get("type") == "ActionSet" else []:
            if (button.get("data") or {}).get("action") == action:
                return dict(button["data"])
    raise AssertionError(f"no {action} button")
