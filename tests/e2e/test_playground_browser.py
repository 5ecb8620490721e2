"""The playground's journey in a real browser: Debian's Chromium, driven by Playwright."""

import importlib.util
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bootstrap import Wellspring, start_wellspring
from handlers.playground.clock import MovableClock
from prompts import load_catalog
from tests.e2e.test_playground import FAMILY, HOSPITAL, THURSDAY, playground_settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium: install Debian's chromium package (.ci/run does)"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="Playwright is not installed"
    ),
]
CATALOG = load_catalog()
# As root in a container, without the network Chromium would otherwise look for.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[Wellspring]:
    ws = await start_wellspring(playground_settings(tmp_path), MovableClock(THURSDAY))
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.fixture
async def page(app: Wellspring) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(viewport={"width": 1100, "height": 900})
        try:
            yield await context.new_page()
        finally:
            await browser.close()


class Visitor:
    """Someone at the keyboard: picks a person, types commands, presses buttons."""

    def __init__(self, page: Any, base: str, shots: Path) -> None:
        self.page, self.base, self.shots = page, base, shots

    async def be(self, person: str) -> None:
        await self.page.goto(f"{self.base}/as/{person}")

    async def say(self, conversation: str, text: str) -> None:
        box = self.page.locator(f'[id="{conversation}"] input[name="text"]')
        await box.fill(text)
        await box.press("Enter")
        await self.page.wait_for_load_state()

    async def press(self, where: str, action: str, value_ends: str = "") -> None:
        """The button of `action` (value ending with `value_ends`), newest first."""
        value = f'[value$="{value_ends}"]' if value_ends else ""
        form = f'form:has(input[name="action"][value="{action}"]):has(input[name="value"]{value})'
        await self.page.locator(f"{where} {form} button").last.click()
        await self.page.wait_for_load_state()

    async def others_answer(self, team: str) -> None:
        await self.page.locator(f'[id="{team}"] form[action^="/others/"] button').click()
        await self.page.wait_for_load_state()

    async def step(self, step: str) -> None:
        await self.page.locator(f'button[name="step"][value="{step}"]').click()
        await self.page.wait_for_load_state()

    def text_of(self, conversation: str) -> Any:
        return self.page.locator(f'[id="{conversation}"]').inner_text()

    async def shot(self, name: str) -> None:
        await self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


async def test_the_journey_in_a_real_browser(app: Wellspring, page: Any, tmp_path: Path) -> None:
    you = Visitor(page, app.url, tmp_path)
    await page.goto(app.url + "/")
    await you.shot("first-page")
    assert await page.locator('ul a[href^="/as/"]').count() == 11, "ten and an admin"

    await you.be("U-maya")
    await you.say(FAMILY, "/checkin now")
    await you.say(HOSPITAL, "/checkin now")
    await you.be("U-sam")
    await you.press(f'[id="{FAMILY}"]', "pulse_level", "|early")
    await you.shot("an-answer-only-sam-sees")
    assert CATALOG.text("playground.only_you") in await you.text_of(FAMILY)
    await you.others_answer(FAMILY)
    await you.be("U-maya")  # Sam is not in the hospital team; Maya is in both
    await you.others_answer(HOSPITAL)
    await you.step("close")
    await you.step("week")  # next week: three check-ins, each answered by 6 in 10

    await you.be("U-maya")
    await you.say(FAMILY, "/pulse")
    await you.say(HOSPITAL, "/pulse")
    await you.shot("the-supervisors-view")
    assert " answers · " in await you.text_of(FAMILY), "the played week shows"
    assert "hidden, too few people answered" in await you.text_of(HOSPITAL)

    for peer in ("U-priya", "U-kim"):
        await you.be(peer)
        await you.say(f"D-{peer}", "/debrief volunteer")
        await page.locator('form:has(input[name="form_id"]) button.primary').click()
        await page.wait_for_load_state()
    await you.be("U-sam")
    await you.say("D-U-sam", "/debrief")
    await page.locator('select[name="kind"]').select_option("hard_case")
    await page.locator('select[name="urgency"]').select_option("today")
    await you.shot("asking-for-a-debrief")
    await page.locator('form:has(input[name="form_id"]) button.primary').click()
    await page.wait_for_load_state()
    assert await app.inflight.drain(5)

    answered = []
    for peer in ("U-priya", "U-kim"):
        await you.be(peer)
        if "debrief_pass" in await page.content():
            await you.press(f'[id="D-{peer}"]', "debrief_pass")
            assert await app.inflight.drain(5)
            answered.append(peer)
            break
    second = ({"U-priya", "U-kim"} - set(answered)).pop()
    await you.be(second)
    await you.press(f'[id="D-{second}"]', "debrief_accept")
    assert await app.inflight.drain(5)
    await you.be("U-sam")
    await you.shot("the-pairs-private-conversation")
    assert CATALOG.text("playground.group_title") in await page.content()
    await you.step("followup")
    assert "debrief_again" in await page.content()
    assert _screenshots(tmp_path) == sorted(
        f"{name}.png"
        for name in (
            "first-page",
            "an-answer-only-sam-sees",
            "the-supervisors-view",
            "asking-for-a-debrief",
            "the-pairs-private-conversation",
        )
    )


def _screenshots(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.png"))
