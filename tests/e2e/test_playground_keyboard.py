"""The playground by keyboard alone, and what a screen reader would announce for each control:
the checks behind docs/accessibility.md, in Debian's Chromium."""

from typing import Any

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e import test_playground_browser as browser
from tests.e2e.test_playground import FAMILY

pytestmark = browser.pytestmark
# The browser journey's fixtures: the playground app and a Chromium page.
app, page = browser.app, browser.page
CATALOG = load_catalog()
# Every control a person can reach, with the name assistive technology gives it.
UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    'button, select, textarea, input:not([type=hidden]), a[href], img')]
  .filter((el) => {
    if (el.tagName === 'IMG') return !(el.getAttribute('alt') || '').trim();
    const label = [...(el.labels || [])].map((l) => l.textContent).join(' ');
    const name = el.getAttribute('aria-label') || label || el.getAttribute('title')
      || (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent : '');
    return !(name || '').trim();
  })
  .map((el) => el.outerHTML.slice(0, 120))"""


async def _tab_to(page: Any, selector: str, most: int = 200) -> None:
    """Press Tab until the focus is on `selector`, as someone without a mouse would."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def test_a_check_in_can_be_started_and_answered_with_the_keyboard_alone(
    app: Wellspring, page: Any
) -> None:
    await page.goto(f"{app.url}/as/U-maya")
    await _tab_to(page, f'[id="{FAMILY}"] input[name="text"]')
    await page.keyboard.type("/checkin now")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert await app.inflight.drain(5)

    await page.goto(f"{app.url}/as/U-sam")
    early = f'[id="{FAMILY}"] form:has(input[name="action"][value="pulse_level"]) button'
    await _tab_to(page, early)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert (
        CATALOG.text("playground.only_you") in await page.locator(f'[id="{FAMILY}"]').inner_text()
    )


async def test_every_control_and_picture_has_a_name_a_screen_reader_can_say(
    app: Wellspring, page: Any
) -> None:
    await page.goto(f"{app.url}/")
    assert await page.evaluate(UNNAMED_CONTROLS) == []
    await page.goto(f"{app.url}/as/U-maya")
    await page.locator(f'[id="{FAMILY}"] input[name="text"]').fill("/checkin now")
    await page.locator(f'[id="{FAMILY}"] input[name="text"]').press("Enter")
    await page.wait_for_load_state()
    assert await app.inflight.drain(5)
    await page.goto(f"{app.url}/as/U-sam")
    assert await page.locator('form:has(input[value="pulse_level"]) button').count() >= 4
    assert await page.evaluate(UNNAMED_CONTROLS) == []
    await page.locator('[id="D-U-sam"] input[name="text"]').fill("/debrief")
    await page.locator('[id="D-U-sam"] input[name="text"]').press("Enter")
    await page.wait_for_load_state()
    assert await page.locator('select[name="kind"]').count() == 1, "the debrief form is open"
    assert await page.evaluate(UNNAMED_CONTROLS) == []
    assert await page.evaluate("document.documentElement.lang") == "en"
