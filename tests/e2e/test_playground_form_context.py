"""The playground's forms carry a sealed context too: an edited one saves nothing."""

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from handlers.playground.clock import MovableClock
from prompts import load_catalog
from tests.e2e.platforms.common import plain
from tests.e2e.playground_helpers import Browser, forms_of
from tests.e2e.test_playground import FAMILY, HOSPITAL, THURSDAY, playground_settings, say

CATALOG = load_catalog()


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[tuple[Wellspring, Browser]]:
    ws = await start_wellspring(playground_settings(tmp_path), MovableClock(THURSDAY))
    browser = Browser(ws.url)
    try:
        yield ws, browser
    finally:
        await browser.close()
        await ws.stop()


async def schedules_in(ws: Wellspring) -> list[str]:
    async with ws.engine.connect() as connection:
        rows = await connection.execute(text("SELECT conversation FROM schedules"))
        return [conversation for (conversation,) in rows]


async def test_a_schedule_form_edited_to_name_another_team_is_refused(
    playground: tuple[Wellspring, Browser],
) -> None:
    ws, browser = playground
    form_page = await say(browser, "U-sam", FAMILY, "/checkin schedule")  # Sam: Family only
    [form] = [f for f in forms_of(form_page) if f.value("form_id") == "schedule_form"]
    shown = await browser.submit(form, context=HOSPITAL)
    await browser.submit(form, context=HOSPITAL, conversation=HOSPITAL)
    assert await schedules_in(ws) == []
    assert plain(CATALOG.text("forms.refused")) in plain(html.unescape(shown))


async def test_a_form_opened_for_one_person_is_refused_to_another(
    playground: tuple[Wellspring, Browser],
) -> None:
    ws, browser = playground
    form_page = await say(browser, "U-maya", FAMILY, "/checkin schedule")
    [form] = [f for f in forms_of(form_page) if f.value("form_id") == "schedule_form"]
    form.action = form.action.replace("/as/U-maya/", "/as/U-sam/")
    shown = await browser.submit(form)
    assert await schedules_in(ws) == []
    assert plain(CATALOG.text("forms.refused")) in plain(html.unescape(shown))
