"""Microsoft's own Teams emulator, the Agents Playground, drives the app in its local mode:
installs, a check-in answered and closed, the supervisor's numbers, a dialog, an uninstall.

Its page runs in Debian's Chromium (Playwright); only 127.0.0.1 is reachable from the page and
from the emulator's Node process. Dialogs are not supported by the emulator, so task/fetch and
task/submit go through its custom-activity endpoint, as its "Custom activity" form sends them.
"""

import copy
import importlib.util
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app import SWEEP_JOB, Wellspring, start_wellspring
from prompts import load_catalog
from tests.e2e.agents_playground import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    Emulator,
    PlaygroundPage,
    Traffic,
    local_only,
    missing,
    running_emulator,
    until,
)
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.e2e.pulse_helpers import close_window

MISSING = missing()
pytestmark = [
    pytest.mark.skipif(MISSING is not None, reason=str(MISSING)),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="Playwright is not installed"
    ),
]
CATALOG = load_catalog()
ALEX = "00000000-0000-0000-0000-0000000000020"  # the emulator's signed-in user (Entra id)
TEAM = "team-id"  # its team; the General channel has the team's id, as in Teams
LEVELS = ["early", "middle", "late", "beyond", "late"]
VOLUNTEER = {"capacity": "2", "days": "mon,tue,wed,thu,fri,sat,sun", "timezone": "UTC"}


@pytest.fixture
def clock() -> MovableClock:
    """The emulator stamps activities with the real time; the app's clock starts there."""
    return MovableClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def app(sqlite_database_url: str, clock: MovableClock) -> AsyncIterator[Wellspring]:
    settings = make_teams_settings(sqlite_database_url, supervisor_user_ids=ALEX)
    ws = await start_wellspring(settings, clock)
    await ws.scheduler.run_now(SWEEP_JOB)
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.fixture
async def emulator(app: Wellspring, tmp_path: Path) -> AsyncIterator[Emulator]:
    async with running_emulator(app.url + "/api/messages", tmp_path / "emulator") as running:
        yield running
    assert set(running.blocked) <= TELEMETRY, f"it tried to reach {running.blocked}"


# What the emulator's Node process tries to reach even with --disable-telemetry: Application
# Insights starts anyway (its own usage beat, and the Azure VM metadata address). Refused.
TELEMETRY = {"westus-0.in.applicationinsights.azure.com:443", "169.254.169.254:80"}


@pytest.fixture
async def you(emulator: Emulator) -> AsyncIterator[PlaygroundPage]:
    from playwright.async_api import async_playwright

    traffic = Traffic()

    async def loopback_only(route: Any) -> None:
        if local_only(route.request.url):
            await route.continue_()
        else:  # the page asks a CDN for its fonts and an animation
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.route("**/*", loopback_only)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: traffic.heard(ws.url, f)))
        try:
            yield PlaygroundPage(page, traffic)
        finally:
            await browser.close()


async def invoke(
    emulator: Emulator, traffic: Traffic, base: dict[str, Any], name: str, value: dict[str, Any]
) -> dict[str, Any]:
    """An invoke sent through the custom-activity endpoint; the app's answer to it."""
    activity = copy.deepcopy(base) | {"type": "invoke", "name": name, "value": value}
    activity["id"] = str(uuid.uuid4())
    await emulator.custom_activity(activity)
    return await until(lambda: traffic.answer_to(activity["id"]), f"the app answered {name}")


async def addresses_of(app: Wellspring) -> set[str]:
    async with app.engine.connect() as conn:
        return set((await conn.execute(text("SELECT key FROM platform_addresses"))).scalars())


async def test_the_agents_playground_drives_the_app_through_a_check_in_and_a_dialog(
    app: Wellspring, emulator: Emulator, you: PlaygroundPage, clock: MovableClock, tmp_path: Path
) -> None:
    traffic, tenant = you.traffic, await emulator.config()
    personal = tenant["personal_chat"] if "personal_chat" in tenant else tenant["personalChat"]

    # Installed in the personal chat as the page opens: the home card.
    await you.open(emulator.url)
    await you.shows(CATALOG.text("personal.section_title"))
    [installed] = traffic.to_app("installationUpdate")
    assert installed["response"]["statusCode"] == 200

    # Installed in the team as its channel opens; the app asks the emulator who is in it.
    await you.go_to("General")
    await until(lambda: len(traffic.to_app("installationUpdate")) == 2, "the team install")
    assert f"conversation:{TEAM}" in await addresses_of(app)

    await you.post_to_bot("checkin now")
    await you.shows(CATALOG.text("checkin.anonymous_line"))
    [checkin] = [m for m in traffic.from_app("createMessage") if "pulse_level" in str(m)]

    # Alex clicks a level; the five others of the team click through the custom endpoint,
    # with the very activity the emulator sent for Alex's click, from each of them.
    await you.press(CATALOG.text("checkin.levels.late.label"))
    [click] = await until(lambda: traffic.to_app("invoke", "adaptiveCard/action"), "the click")
    assert click["response"]["statusCode"] == 200
    ack = click["response"]["body"]
    assert ack["type"] == "application/vnd.microsoft.activity.message" and ack["value"]
    await you.shows(ack["value"][:40])  # the clicker is told the answer counted
    for user, level in zip(tenant["users"], LEVELS, strict=True):
        activity = copy.deepcopy(click["request"]["body"])
        activity["id"] = str(uuid.uuid4())
        activity["from"] = {k: user[k] for k in ("id", "name", "aadObjectId")}
        data = activity["value"]["action"]["data"]
        data["value"] = f"{data['value'].rpartition('|')[0]}|{level}"
        await emulator.custom_activity(activity)
        answer = await until(lambda: traffic.answer_to(activity["id"]), "a colleague's click")
        assert answer["statusCode"] == 200 and answer["body"]["value"]

    # The window closes: the card in the channel loses its buttons.
    await close_window(app, clock)
    assert await app.inflight.drain(5)
    await you.shows(CATALOG.text("checkin.closed_line"))
    [closed] = await until(lambda: traffic.from_app("updateMessage"), "the card's update")
    assert closed["messageId"] == checkin["messageId"] and "pulse_level" not in str(closed)

    # Alex supervises the team: six answers, one more than the minimum, so the numbers show.
    await you.post_to_bot("pulse")
    await you.shows("6 answers")

    await you.go_to("Personal Chat")

    # A dialog: the opener card comes through the page, the dialog through the custom endpoint.
    await you.say("debrief volunteer")
    await you.shows(CATALOG.text("debriefs.volunteer.intro"))
    [opener] = [
        action["data"]
        for m in traffic.from_app("createMessage")
        for attachment in m.get("attachments") or []
        for action in attachment["content"].get("actions", [])
        if (action.get("data") or {}).get("msteams", {}).get("type") == "task/fetch"
    ]
    base = await emulator.template(personal["id"])
    shown = await invoke(emulator, traffic, base, "task/fetch", {"data": opener})
    assert shown["statusCode"] == 200, shown
    card = shown["body"]["task"]["value"]["card"]["content"]
    [submit] = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    sent = await invoke(emulator, traffic, base, "task/submit", {"data": submit["data"] | VOLUNTEER})
    assert sent["statusCode"] == 200 and "task" not in (sent.get("body") or {}), sent
    when = CATALOG.text("debriefs.volunteer.any_time")
    saved = CATALOG.text("debriefs.volunteer.saved", capacity=2, when=when)
    await you.shows(saved.partition("`")[0].rpartition(".")[0])  # up to its first code span

    # Uninstalled from the team (its "Mock an Activity" menu): the app forgets the channel.
    await you.go_to("General")
    await you.mock("Uninstall application", shows="installationUpdate")
    removed = await until(
        lambda: [
            e
            for e in traffic.to_app("installationUpdate")
            if e["request"]["body"].get("action") == "remove"
        ],
        "the uninstall",
    )
    assert removed[0]["response"]["statusCode"] == 200
    assert await app.inflight.drain(5)
    assert f"conversation:{TEAM}" not in await addresses_of(app)
    await you.shot(tmp_path / "agents-playground.png")
