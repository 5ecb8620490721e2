"""The playground stays on this computer: where it listens, which posts it takes, its database."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from markupsafe import escape

from bootstrap import Wellspring, start_wellspring
from bot.config.settings import Settings
from handlers.playground.clock import MovableClock
from prompts import load_catalog
from tests.e2e.conftest import PULSE_SECRET
from tests.e2e.playground_helpers import Browser, click_form, forms_of
from tests.e2e.test_playground import FAMILY, THURSDAY, playground_settings, say

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog()
EVERYONE = ("U-maya", "U-sam", "U-tom", "U-priya", "U-kim")


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[tuple[Wellspring, Browser]]:
    ws = await start_wellspring(playground_settings(tmp_path), MovableClock(THURSDAY))
    browser = Browser(ws.url)
    try:
        yield ws, browser
    finally:
        await browser.close()
        await ws.stop()


async def test_without_host_the_playground_listens_on_this_computer_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HOST", raising=False)
    settings = Settings(
        _env_file=None,
        playground=True,
        playground_database_url=f"sqlite+aiosqlite:///{tmp_path / 'playground.db'}",
        pulse_secret=PULSE_SECRET,
        port=0,
        metrics_port=0,
    )
    ws = await start_wellspring(settings, MovableClock(THURSDAY))
    try:
        assert ws.runner is not None
        assert [address[0] for address in ws.runner.addresses] == ["127.0.0.1"]
    finally:
        await ws.stop()


async def _run_playground(cwd: Path, **settings: str) -> asyncio.subprocess.Process:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "TEAMS_", "DATABASE_", "PLAYGROUND_")) and k != "HOST"
    }
    env |= {"PLAYGROUND": "true", "PORT": "0", "METRICS_PORT": "0", **settings}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "app.py"),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _first_line(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    try:
        return (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
    finally:
        process.terminate()
        await process.wait()


async def test_without_host_the_playground_says_it_stays_on_this_computer(tmp_path: Path) -> None:
    line = await _first_line(await _run_playground(tmp_path))
    assert line.startswith("Wellspring's local playground is at http://127.0.0.1:"), line
    assert "other computers" not in line


async def test_with_host_set_it_listens_there_and_says_it_can_be_reached(tmp_path: Path) -> None:
    line = await _first_line(await _run_playground(tmp_path, HOST="0.0.0.0"))
    assert "http://127.0.0.1:" in line, "a URL that works in this computer's browser"
    assert "HOST=0.0.0.0" in line and "other computers" in line, line
    assert "stays in its own file on this computer" not in line


async def test_with_host_set_it_binds_that_address(tmp_path: Path) -> None:
    ws = await start_wellspring(playground_settings(tmp_path, host="0.0.0.0"))
    try:
        assert ws.runner is not None
        assert [address[0] for address in ws.runner.addresses] == ["0.0.0.0"]
    finally:
        await ws.stop()


async def _everything_shown(browser: Browser) -> list[str]:
    return [await browser.get("/")] + [await browser.get(f"/as/{p}") for p in EVERYONE]


async def _forgeries(browser: Browser) -> dict[str, dict[str, str]]:
    """Each state-changing post, with the fields a page would send (the token included)."""
    maya = await browser.get("/as/U-maya")
    pulse = click_form(maya, "pulse_level", "|early")
    schedule_page = await say(browser, "U-maya", FAMILY, "/checkin schedule")
    [schedule] = [f for f in forms_of(schedule_page) if f.value("form_id") == "schedule_form"]
    token = schedule.value("token")
    return {
        "/as/U-maya/say": {"conversation": FAMILY, "text": "/checkin now", "token": token},
        "/as/U-maya/click": {k: v[0] for k, v in pulse.fields.items()},
        "/as/U-maya/form": {**{k: v[0] for k, v in schedule.fields.items()}, "time": "10:30"},
        "/time": {"step": "followup", "back": "U-maya", "token": token},
        f"/others/{FAMILY}": {"back": "U-maya", "token": token},
        "/reset": {"token": token},
    }


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
    ids=["foreign-origin", "null-origin", "cross-site", "same-site"],
)
async def test_a_post_from_another_site_is_refused_and_changes_nothing(
    playground: tuple[Wellspring, Browser], headers: dict[str, str]
) -> None:
    ws, browser = playground
    await say(browser, "U-maya", FAMILY, "/checkin now")
    forgeries = await _forgeries(browser)
    before = await _everything_shown(browser)
    async with aiohttp.ClientSession() as session:
        for path, data in forgeries.items():
            async with session.post(
                ws.url + path, data=data, headers=headers, allow_redirects=False
            ) as reply:
                assert reply.status == 403, (path, reply.status)
                assert escape(CATALOG.text("playground.refused.title")) in await reply.text()
    assert await _everything_shown(browser) == before


async def test_a_post_without_the_pages_token_is_refused_and_changes_nothing(
    playground: tuple[Wellspring, Browser],
) -> None:
    ws, browser = playground
    await say(browser, "U-maya", FAMILY, "/checkin now")
    forgeries = await _forgeries(browser)
    before = await _everything_shown(browser)
    same_origin = {"Origin": ws.url, "Sec-Fetch-Site": "same-origin"}
    async with aiohttp.ClientSession() as session:
        for path, data in forgeries.items():
            for token in ("", "a-guess"):
                forged = {**data, "token": token}
                async with session.post(
                    ws.url + path, data=forged, headers=same_origin, allow_redirects=False
                ) as reply:
                    assert reply.status == 403, (path, token, reply.status)
    assert await _everything_shown(browser) == before


async def test_a_post_from_the_playgrounds_own_page_goes_through(
    playground: tuple[Wellspring, Browser],
) -> None:
    ws, browser = playground
    await say(browser, "U-maya", FAMILY, "/checkin now")
    [reset] = [f for f in forms_of(await browser.get("/")) if f.action == "/reset"]
    same_origin = {"Origin": ws.url, "Sec-Fetch-Site": "same-origin"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            ws.url + "/reset",
            data={"token": reset.value("token")},
            headers=same_origin,
            allow_redirects=False,
        ) as reply,
    ):
        assert reply.status == 303
    assert "pulse_level" not in await browser.get("/as/U-maya")


async def test_the_same_database_for_the_playground_and_the_bot_is_refused_at_start(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'wellspring.db'}"
    process = await _run_playground(
        tmp_path,
        DATABASE_URL=url,
        PLAYGROUND_DATABASE_URL="sqlite:///./data/../data/wellspring.db",
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    message = stderr.decode()
    assert message.startswith("Setting PLAYGROUND_DATABASE_URL names the same"), message
    assert "DATABASE_URL" in message and "Start over" in message
    assert not (tmp_path / "data" / "wellspring.db").exists(), "refused before opening it"


async def test_a_site_renamed_to_this_computer_can_neither_read_nor_post(
    playground: tuple[Wellspring, Browser],
) -> None:
    ws, browser = playground
    await say(browser, "U-maya", FAMILY, "/checkin now")
    [reset] = [f for f in forms_of(await browser.get("/")) if f.action == "/reset"]
    port = ws.url.rsplit(":", 1)[1]
    rebound = {"Host": f"evil.example:{port}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(ws.url + "/as/U-maya", headers=rebound) as page:
            assert page.status == 403
            assert "pulse_level" not in await page.text()
        async with session.post(
            ws.url + "/reset",
            data={"token": reset.value("token")},
            headers={**rebound, "Origin": f"http://evil.example:{port}"},
            allow_redirects=False,
        ) as reply:
            assert reply.status == 403
    assert "pulse_level" in await browser.get("/as/U-maya")


async def test_with_host_set_other_computers_names_are_served(tmp_path: Path) -> None:
    ws = await start_wellspring(playground_settings(tmp_path, host="0.0.0.0"))
    port = ws.url.rsplit(":", 1)[1]
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(ws.url + "/", headers={"Host": f"wellspring.lan:{port}"}) as page,
        ):
            assert page.status == 200
    finally:
        await ws.stop()


async def test_every_form_that_posts_carries_this_runs_token(
    playground: tuple[Wellspring, Browser],
) -> None:
    _, browser = playground
    await say(browser, "U-maya", FAMILY, "/checkin now")
    pages = [await browser.get("/"), await browser.get("/as/U-maya")]
    pages.append(await say(browser, "U-sam", "D-U-sam", "/debrief"))  # a form with buttons
    posting = [form for page in pages for form in forms_of(page) if form.method == "post"]
    actions = {form.action.rsplit("/", 1)[-1] for form in posting}
    assert {"time", "reset", "say", "click", "form", FAMILY} <= actions
    tokens = {form.value("token") for form in posting}
    assert len(tokens) == 1 and len(tokens.pop()) >= 32
