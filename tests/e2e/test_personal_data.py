"""People's own data on Slack: a deactivated account's data goes, `my data` shows and deletes."""

import json
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.debrief_helpers import ask, offers_to, request_id, sign_up, updates_in
from tests.e2e.placement_helpers import register
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.canary import dump_database
from tests.support.clicks import click

ADMIN, SAM, ALEX, BEA, ASKER = "U0ADMIN", "U0SAM", "U0ALEX", "U0BEA", "U0ASKER"
CATALOG = load_catalog()


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"admin_user_ids": ADMIN}


def mydata(key: str, **params: str) -> str:
    return CATALOG.text(f"mydata.{key}", **params)


async def tables(ws: Wellspring) -> str:
    async with ws.engine.connect() as conn:
        return await dump_database(conn)


async def rows(ws: Wellspring, query: str) -> list[dict[str, Any]]:
    async with ws.engine.connect() as conn:
        return [dict(row._mapping) for row in await conn.execute(text(query))]


async def wellspring_command(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, user: str, words: str
) -> dict[str, Any]:
    """Type `/wellspring <words>` in a DM; the private answer's body."""
    before = len(fake.response_posts)
    reply = await slack.command("/wellspring", words, user_id=user, channel_id="D0" + user[2:])
    assert reply.status == 200
    [answer] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert await ws.inflight.drain(5)
    assert answer.body["response_type"] == "ephemeral"
    return dict(answer.body)


async def add_reminder(ws: Wellspring, slack: SignedSlackClient, person: str) -> None:
    """A private reminder, saved through its form as `person` (opened from the Home tab)."""
    opened = len(slack.fake.calls_to("views.open"))
    await slack.block_action("personal_add#0", "", user_id=person, channel_id="D0" + person[2:])
    await slack.fake.wait_for("views.open", count=opened + 1)
    values = {
        "label": {"label": {"type": "plain_text_input", "value": "End of my shift"}},
        "days": {"days": {"type": "checkboxes", "selected_options": [{"value": "thu"}]}},
        "time": {"time": {"type": "timepicker", "selected_time": "17:00"}},
        "timezone": {"timezone": {"type": "plain_text_input", "value": "UTC"}},
    }
    reply = await slack.view_submission("personal_form", values, user_id=person)
    assert reply.status == 200 and reply.text == ""
    assert await ws.inflight.drain(5)


def delete_button(body: dict[str, Any]) -> dict[str, Any] | None:
    for block in body.get("blocks") or []:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if str(element["action_id"]).startswith("personal_data_delete"):
                return dict(element)
    return None


async def test_a_deactivated_volunteers_pending_offer_moves_on_and_their_data_is_gone(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    await sign_up(ws, slack, fake_slack, ALEX)
    await sign_up(ws, slack, fake_slack, BEA)
    await add_reminder(ws, slack, ALEX)
    await register(ws, slack, fake_slack, ALEX, instructor="U0CARA")
    assert ALEX in await tables(ws)
    await ask(ws, slack, fake_slack, ASKER)
    [offer] = offers_to(fake_slack, ALEX)  # least recently offered, then by id: Alex first
    assert offers_to(fake_slack, BEA) == []

    user = fake_slack.add_user(ALEX, deleted=True)
    reply = await slack.event({"type": "user_change", "user": user})
    assert reply.status == 200
    assert await ws.inflight.drain(5)

    [moved] = offers_to(fake_slack, BEA)
    assert request_id(moved) == request_id(offer), "the same request went on to the next peer"
    assert ALEX not in await tables(ws), "no row names the person who left"
    assert await rows(ws, f"SELECT person FROM volunteers WHERE person = '{BEA}'")


async def test_an_account_change_that_is_not_a_deactivation_keeps_everything(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await sign_up(wellspring, slack, fake_slack, ALEX)
    await slack.event({"type": "user_change", "user": fake_slack.add_user(ALEX, tz="UTC")})
    assert await wellspring.inflight.drain(5)
    assert await rows(wellspring, "SELECT person FROM volunteers")


async def test_my_data_shows_what_is_held_and_delete_all_of_it_deletes_only_mine(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    await sign_up(ws, slack, fake_slack, SAM)
    await sign_up(ws, slack, fake_slack, ALEX)
    await ask(ws, slack, fake_slack, SAM, note="a hard week")
    [offer_to_alex] = offers_to(fake_slack, ALEX)
    await add_reminder(ws, slack, SAM)
    await register(ws, slack, fake_slack, SAM, instructor=ALEX)

    shown = await wellspring_command(ws, slack, fake_slack, SAM, "my data")
    text_shown = json.dumps(shown, ensure_ascii=False)
    assert mydata("title") in text_shown
    assert "up to 2 debriefs a week" in text_shown
    assert mydata("request_status.searching") in text_shown
    assert "End of my shift" in text_shown
    assert (
        mydata("placement_student", instructor=f"<@{ALEX}>", start="2026-11-23", end="2027-02-26")
        in text_shown
    )
    assert json.dumps(mydata("counts_stay"))[1:-1] in text_shown
    button = delete_button(shown)
    assert button is not None and button["text"]["text"] == mydata("delete_button")

    body = await click(ws, slack, fake_slack, button["action_id"], button.get("value", ""), SAM)
    assert mydata("deleted") in json.dumps(body, ensure_ascii=False)
    dump = await tables(ws)
    assert SAM not in dump and "a hard week" not in dump
    assert await rows(ws, f"SELECT person FROM volunteers WHERE person = '{ALEX}'")
    [kept] = await rows(ws, "SELECT requester, status FROM debrief_requests")
    assert kept == {"requester": None, "status": "cancelled"}, "counted, as nobody's"
    assert any(
        u.params["ts"] == offer_to_alex.response["ts"] for u in updates_in(fake_slack, ALEX)
    ), "Alex's offer says the request was cancelled"

    cancelled = mydata("extra.request_cancelled")
    assert cancelled in json.dumps(body, ensure_ascii=False), "told in the reply"
    dms = fake_slack.calls_to("chat.postMessage")
    assert not [c for c in dms if cancelled in str(c.params)], "and not again in a message"

    again = await wellspring_command(ws, slack, fake_slack, SAM, "my data")
    assert mydata("nothing") in json.dumps(again) and delete_button(again) is None
    twice = await click(ws, slack, fake_slack, button["action_id"], button.get("value", ""), SAM)
    assert mydata("deleted_nothing") in json.dumps(twice, ensure_ascii=False)


async def test_erase_is_refused_to_anyone_but_an_admin(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    await sign_up(ws, slack, fake_slack, SAM)
    refused = await wellspring_command(ws, slack, fake_slack, ALEX, f"erase <@{SAM}|sam>")
    assert refused["text"] == mydata("refuse_not_admin")
    assert await rows(ws, "SELECT person FROM volunteers")

    done = await wellspring_command(ws, slack, fake_slack, ADMIN, f"erase <@{SAM}|sam>")
    assert done["text"] == mydata("erase_done", person=f"<@{SAM}>")
    assert SAM not in await tables(ws)


async def test_an_unknown_word_gets_the_commands_help(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    answer = await wellspring_command(wellspring, slack, fake_slack, SAM, "my stuff")
    assert CATALOG.text("commands.wellspring.title") in json.dumps(answer, ensure_ascii=False)


async def test_an_admin_names_one_person_to_erase_with_or_without_an_at_sign(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    for person in (SAM, ALEX):
        await sign_up(ws, slack, fake_slack, person)
    for words in ("erase", "erase   ", f"erase {SAM} {ALEX}", f"erase @{SAM} @{ALEX}"):
        unclear = await wellspring_command(ws, slack, fake_slack, ADMIN, words)
        assert unclear["text"] == mydata("erase_how"), words
    assert len(await rows(ws, "SELECT person FROM volunteers")) == 2, "no one erased"
    done = await wellspring_command(ws, slack, fake_slack, ADMIN, f"erase  @{SAM} ")
    assert done["text"] == mydata("erase_done", person=f"<@{SAM}>")
    assert await rows(ws, "SELECT person FROM volunteers") == [{"person": ALEX}]


async def test_an_admin_deleting_their_own_data_hears_their_actions_stay_on_record(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    await wellspring_command(ws, slack, fake_slack, ADMIN, f"erase <@{SAM}|sam>")
    await sign_up(ws, slack, fake_slack, ADMIN)
    shown = await wellspring_command(ws, slack, fake_slack, ADMIN, "my data")
    button = delete_button(shown)
    assert button is not None
    body = await click(ws, slack, fake_slack, button["action_id"], button.get("value", ""), ADMIN)
    said = json.dumps(body, ensure_ascii=False)
    assert mydata("deleted") in said and mydata("extra.actions_stay") in said
    assert mydata("looks_stay") not in said, "no looks at numbers to keep"
