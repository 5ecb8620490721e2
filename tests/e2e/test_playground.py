"""The playground, driven over HTTP as a visitor would: a whole journey through the product."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import aiohttp
import pytest

from bootstrap import Wellspring, start_wellspring
from bot.config.settings import Settings, SettingsProblem
from handlers.playground.clock import MovableClock
from handlers.playground.pages import markup
from prompts import load_catalog
from tests.e2e.conftest import server_settings
from tests.e2e.playground_helpers import Browser, click_form, forms_of

CATALOG = load_catalog()
FAMILY, HOSPITAL = "C-family-support", "C-hospital-social-work"
THURSDAY = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def playground_settings(folder: Path, **overrides: object) -> Settings:
    values = {
        "playground": True,
        "playground_database_url": f"sqlite+aiosqlite:///{folder / 'playground.db'}",
    }
    return server_settings(values, overrides)


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[tuple[Wellspring, Browser]]:
    ws = await start_wellspring(playground_settings(tmp_path), MovableClock(THURSDAY))
    browser = Browser(ws.url)
    try:
        yield ws, browser
    finally:
        await browser.close()
        await ws.stop()


async def say(browser: Browser, person: str, conversation: str, text: str) -> str:
    return await browser.post(f"/as/{person}/say", {"conversation": conversation, "text": text})


def section(html: str, conversation: str) -> str:
    """One conversation's part of a person's page."""
    start = html.index(f'<section id="{conversation}">')
    return html[start : html.index("</section>", start)]


async def test_the_first_page_lists_the_two_teams_and_the_people(
    playground: tuple[Wellspring, Browser],
) -> None:
    _, browser = playground
    page = await browser.get("/")
    assert "#family-support" in page and "#hospital-social-work" in page
    assert len(set(re.findall(r'href="/as/(U-[a-z]+)"', page))) == 11, "ten and an admin"
    assert CATALOG.text("playground.roles.student") in page


async def test_a_whole_journey_checkin_summary_and_debrief(
    playground: tuple[Wellspring, Browser],
) -> None:
    ws, browser = playground
    # A check-in in each team; Sam answers, then the colleagues do.
    page = await say(browser, "U-maya", FAMILY, "/checkin now")
    assert "pulse_level" in section(page, FAMILY)
    await say(browser, "U-maya", HOSPITAL, "/checkin now")
    sam = await browser.get("/as/U-sam")
    answered = await browser.submit(click_form(section(sam, FAMILY), "pulse_level", "|early"))
    assert CATALOG.text("playground.only_you") in section(answered, FAMILY)
    tom = await browser.get("/as/U-tom")
    assert CATALOG.text("playground.only_you") not in section(tom, FAMILY), "Sam's reply is Sam's"
    for team in (FAMILY, HOSPITAL):
        await browser.post(f"/others/{team}", {"back": "U-maya"})
    await browser.post("/time", {"step": "close", "back": "U-maya"})
    family = section(await say(browser, "U-maya", FAMILY, "/pulse"), FAMILY)
    assert " answers · " not in family, "nothing shows before the week is over"

    # A week of check-ins, answered by about 6 in 10 colleagues: the family team's week shows,
    # the hospital team (4 people) never can, and the summary says why, once.
    await browser.post("/time", {"step": "week", "back": "U-maya"})
    family = section(await say(browser, "U-maya", FAMILY, "/pulse"), FAMILY)
    assert " answers · " in family, family[-3000:]
    hospital = section(await say(browser, "U-maya", HOSPITAL, "/pulse"), HOSPITAL)
    assert " answers · " not in hospital and "hidden, too few people answered" in hospital
    why = str(markup(CATALOG.text("summaries.hidden_why", people="6")))
    assert hospital.count(why) == 1
    audit = await say(browser, "U-maya", "D-U-maya", "/pulse audit")
    assert "Maya Okafor" in section(audit, "D-U-maya")

    # Two volunteers; Sam asks for a debrief; one peer passes, the other accepts.
    for peer in ("U-priya", "U-kim"):
        form_page = await say(browser, peer, f"D-{peer}", "/debrief volunteer")
        [form] = [f for f in forms_of(form_page) if f.value("form_id") == "volunteer_form"]
        await browser.submit(form)
    form_page = await say(browser, "U-sam", "D-U-sam", "/debrief")
    [form] = [f for f in forms_of(form_page) if f.value("form_id") == "debrief_form"]
    await browser.submit(form, kind="hard_case", urgency="today", preference="anyone")
    assert await ws.inflight.drain(5)
    offered = {}
    for peer in ("U-priya", "U-kim"):
        dm = section(await browser.get(f"/as/{peer}"), f"D-{peer}")
        if "debrief_accept" in dm:
            offered[peer] = dm
    [first] = list(offered)
    await browser.submit(click_form(offered[first], "debrief_pass"))
    assert await ws.inflight.drain(5)
    second = ({"U-priya", "U-kim"} - {first}).pop()
    dm = section(await browser.get(f"/as/{second}"), f"D-{second}")
    await browser.submit(click_form(dm, "debrief_accept"))
    assert await ws.inflight.drain(5)
    for person in ("U-sam", second):
        page = await browser.get(f"/as/{person}")
        assert CATALOG.text("playground.group_title") in page, f"{person} sees the pair's chat"
        assert "debrief_done" in page
    assert CATALOG.text("playground.group_title") not in await browser.get(f"/as/{first}")

    # Two days later, the follow-up arrives in Sam's direct messages.
    before = section(await browser.get("/as/U-sam"), "D-U-sam").count('class="message')
    await browser.post("/time", {"step": "followup", "back": "U-sam"})
    after = section(await browser.get("/as/U-sam"), "D-U-sam")
    assert after.count('class="message') == before + 1
    assert "debrief_again" in after


async def test_a_schedule_made_in_the_form_posts_when_time_moves_to_its_next_run(
    playground: tuple[Wellspring, Browser],
) -> None:
    _, browser = playground
    form_page = await say(browser, "U-maya", FAMILY, "/checkin schedule")
    [form] = [f for f in forms_of(form_page) if f.value("form_id") == "schedule_form"]
    assert form.value("timezone") == "Europe/London", "Maya's own time zone is filled in"
    saved = await browser.submit(form, time="10:30")
    assert "pulse_level" not in section(saved, FAMILY)
    await browser.post("/time", {"step": "post", "back": "U-maya"})  # Thursday 10:31 London
    assert "pulse_level" in section(await browser.get("/as/U-maya"), FAMILY)


async def test_someone_who_is_not_in_the_agency_gets_a_plain_not_found(
    playground: tuple[Wellspring, Browser],
) -> None:
    ws, _ = playground
    async with aiohttp.ClientSession() as session, session.get(ws.url + "/as/U-nobody") as page:
        assert page.status == 404
        assert await page.text() == CATALOG.text("playground.no_such_person")


async def test_start_over_empties_the_playground(playground: tuple[Wellspring, Browser]) -> None:
    _, browser = playground
    await say(browser, "U-maya", FAMILY, "/checkin now")
    await browser.post("/reset", {})
    assert "pulse_level" not in await browser.get("/as/U-maya")
    assert "pulse_level" in section(await say(browser, "U-maya", FAMILY, "/checkin now"), FAMILY)


async def test_the_playground_refuses_to_start_in_production(tmp_path: Path) -> None:
    with pytest.raises(SettingsProblem) as refused:
        await start_wellspring(playground_settings(tmp_path, environment="production"))
    assert refused.value.setting == "PLAYGROUND"


def first_lines_of_last_message(html: str) -> list[str]:
    """The paragraphs of a conversation's newest message, as a reader sees them."""
    last = html[html.rindex('<div class="message') :]
    paragraphs = re.findall(r"<p>(.*?)</p>", last, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in paragraphs]


@pytest.mark.parametrize(
    ("conversation", "text"),
    [("D-U-sam", "I'm not okay"), ("D-U-sam", "/debrief I'm not okay"), (FAMILY, "help me")],
)
async def test_typed_words_get_the_crisis_line_first_as_on_slack_and_teams(
    playground: tuple[Wellspring, Browser], conversation: str, text: str
) -> None:
    _, browser = playground
    page = section(await say(browser, "U-sam", conversation, text), conversation)
    shown = first_lines_of_last_message(page)
    assert shown[0] == CATALOG.text("safety.fixed_line"), "the crisis line first"
    assert CATALOG.text("home.message.lead") in shown, "then what Wellspring can do"
    assert 'class="note"' not in page[page.rindex('<div class="message') :], "not small print"
