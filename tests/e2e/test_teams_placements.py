"""The field-placement track on Teams: register through a dialog, confirm, prompts, share."""

import logging

import pytest

from bootstrap import PLACEMENT_JOB, Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.placement_helpers import friday, stored
from tests.e2e.test_teams_personal import find
from tests.fakes.teams_activities import Person, Place, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector
from tests.support.adaptive_cards import assert_valid_card

CATALOG = load_catalog()
SAM = Person.named("Sam Student", timezone="Europe/London")
CARA = Person.named("Cara Instructor", timezone="Europe/London")
SAM_CHAT, CARA_CHAT = Place.personal(SAM), Place.personal(CARA)


async def test_a_student_registers_in_a_dialog_and_both_get_the_weekly_prompts(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    await teams.send(acts.personal_message(CARA, "home"))  # Wellspring can now reach Cara
    await teams.send(acts.personal_message(SAM, "placement"))
    opener = find(fake_teams.sent(SAM_CHAT.conversation_id), "form_id", "placement_form")
    dialog = await teams.send(acts.task_fetch(SAM, SAM_CHAT, opener))
    card = dialog.body["task"]["value"]["card"]["content"]
    assert_valid_card(card)
    inputs = {e["id"]: e for e in card["body"] if "id" in e}
    assert inputs["instructor"]["choices.data"]["dataset"] == "graph.microsoft.com/users"
    assert inputs["starts_on"]["type"] == "Input.Date"
    assert inputs["timezone"]["value"] == "Europe/London", "the zone Teams reported"

    submit = next(a for a in card["actions"] if a["type"] == "Action.Submit")["data"]
    values = {
        "instructor": CARA.aad_object_id,  # what the people picker gives: the Entra object id
        "starts_on": "2026-11-23",
        "ends_on": "2027-02-26",
        "day": "fri",
        "at": "15:00",
        "timezone": "Europe/London",
    }
    done = await teams.send(acts.task_submit(SAM, SAM_CHAT, {**submit, **values}))
    assert done.status == 200 and not (done.body or {}).get("task"), "the dialog closes"
    assert await ws.inflight.drain(5)
    assert "assessment" in str(fake_teams.sent(SAM_CHAT.conversation_id)[-1].cards)
    confirm = find(fake_teams.sent(CARA_CHAT.conversation_id), "action", "placement_confirm")
    clicked = await teams.send(
        acts.card_action(CARA, CARA_CHAT, confirm["action"], confirm, reply_to_id="1")
    )
    assert clicked.status == 200
    assert await ws.inflight.drain(5)
    confirmed = CATALOG.text("placements.confirmed", date="Fri 27 Nov")
    assert confirmed in str(clicked.body), "the confirm card is replaced"

    sam_before = len(fake_teams.sent(SAM_CHAT.conversation_id))
    cara_before = len(fake_teams.sent(CARA_CHAT.conversation_id))
    clock.set(friday(15, 2))
    await ws.scheduler.run_now(PLACEMENT_JOB)
    await ws.scheduler.run_now(PLACEMENT_JOB)  # once only
    [prompt] = fake_teams.sent(SAM_CHAT.conversation_id)[sam_before:]
    [supervision] = fake_teams.sent(CARA_CHAT.conversation_id)[cara_before:]
    assert CATALOG.text("placements.arc.arrival.know_nothing.student") in str(prompt.cards)
    assert find([prompt], "action", "placement_share")
    assert CATALOG.text("placements.arc.arrival.know_nothing.question") in str(supervision.cards)
    assert "Sam Student" in str(supervision.cards), "the instructor knows whose placement"


async def test_on_teams_shared_words_reach_the_instructor_and_are_not_kept_or_logged(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ws, acts = teams_wellspring, teams_activities
    await teams.send(acts.personal_message(CARA, "home"))
    await teams.send(acts.personal_message(SAM, "placement"))
    opener = find(fake_teams.sent(SAM_CHAT.conversation_id), "form_id", "placement_form")
    values = {"instructor": CARA.aad_object_id, "starts_on": "2026-11-23"}
    values |= {"ends_on": "2027-02-26", "day": "fri", "at": "15:00", "timezone": "UTC"}
    await teams.send(acts.task_submit(SAM, SAM_CHAT, {**opener, **values}))
    assert await ws.inflight.drain(5)
    confirm = find(fake_teams.sent(CARA_CHAT.conversation_id), "action", "placement_confirm")
    await teams.send(acts.card_action(CARA, CARA_CHAT, confirm["action"], confirm, reply_to_id="1"))
    clock.set(friday(15, 0))
    await ws.scheduler.run_now(PLACEMENT_JOB)

    share = find(fake_teams.sent(SAM_CHAT.conversation_id), "action", "placement_share")
    await teams.send(acts.card_action(SAM, SAM_CHAT, share["action"], share, reply_to_id="1"))
    dialog = find(fake_teams.sent(SAM_CHAT.conversation_id), "form_id", "placement_share_form")
    words = "The silence felt long but I waited. Canary-5521-teams"
    done = await teams.send(acts.task_submit(SAM, SAM_CHAT, {**dialog, "words": words}))
    assert done.status == 200
    assert await ws.inflight.drain(5)
    assert words in str(fake_teams.sent(CARA_CHAT.conversation_id)[-1].cards)
    assert "5521" not in await stored(ws)
    logs = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert "5521" not in logs and SAM.aad_object_id not in logs
