"""The privacy notice and terms in a real browser (Debian's Chromium, driven by Playwright), at a
phone's width: the page's own style applies under its Content-Security-Policy, nothing else loads,
and nothing is wider than the screen."""

import importlib.util
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bootstrap import Wellspring
from tests.e2e.test_playground_browser import FLAGS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium: install Debian's chromium package (.ci/run does)"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="Playwright is not installed"
    ),
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
async def phone() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(viewport=PHONE, is_mobile=True)
        try:
            yield await context.new_page()
        finally:
            await browser.close()


async def test_on_a_phone_the_pages_are_styled_fit_the_screen_and_load_nothing_else(
    wellspring: Wellspring, phone: Any
) -> None:
    console: list[str] = []
    requests: list[str] = []
    phone.on("console", lambda message: console.append(message.text))
    phone.on("request", lambda request: requests.append(request.url))
    for path in ("/privacy", "/terms"):
        await phone.goto(wellspring.url + path)
        # The style block ran under the policy: the crisis line has its border.
        border = await phone.eval_on_selector(
            ".crisis", "element => getComputedStyle(element).borderLeftWidth"
        )
        assert border == "4px", path
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], path
        await phone.get_by_role("link", name="Terms of use").click()
        assert phone.url == wellspring.url + "/terms"
    assert not [line for line in console if "Content Security Policy" in line]
    assert {url for url in requests if not url.startswith(wellspring.url)} == set()
