"""Microsoft's own Teams emulator, the Agents Playground, drives the app in its local mode:
installs, a check-in answered and closed, the supervisor's numbers, two dialogs, a reminder
arriving, a chart, an uninstall.

Its page runs in Debian's Chromium (Playwright); only 127.0.0.1 is reachable from the page and
from the emulator's Node process. The emulator doesn't open dialogs yet, so task/fetch and
task/submit go through its custom-activity endpoint, as its "Custom activity" form sends them.
"""

import copy
import importlib.util
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
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
)
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.e2e.pulse_helpers import close_window, settle_week

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
COLLEAGUES_ANSWER = ["early", "middle", "late", "beyond", "late"]  # its five other users
EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"
VOLUNTEER = {"capacity": "2", "days": EVERY_DAY, "timezone": "UTC"}


@pytest.fixture
def clock() -> MovableClock:
    """The emulator stamps activities with the real time; the app's clock starts there."""
    return MovableClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def app(sqlite_database_url: str, clock: MovableClock) -> AsyncIterator[Wellspring]:
    """The app in Teams local mode (no Entra, no signature), Alex a supervisor."""
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
    assert running.blocked == [], f"the emulator tried to reach {running.blocked}"


@pytest.fixture
async def you(emulator: Emulator) -> AsyncIterator[PlaygroundPage]:
    """The emulator's page in Chromium; every request beyond this computer is aborted (the
    page asks a CDN for its fonts and an animation)."""
    from playwright.async_api import async_playwright

    traffic = Traffic()

    async def loopback_only(route: Any) -> None:
        await (route.continue_() if local_only(route.request.url) else route.abort())

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.route("**/*", loopback_only)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: traffic.heard(ws.url, f)))
        try:
            yield PlaygroundPage(page, traffic)
        finally:
            await browser.close()


async def sent(emulator: Emulator, traffic: Traffic, activity: dict[str, Any]) -> dict[str, Any]:
    """`activity` sent through the custom-activity endpoint; the app's answer to it."""
    await emulator.custom_activity(activity)
    activity_id = activity["id"]
    return await traffic.until(lambda: traffic.answer_to(activity_id), f"an answer to {activity}")


def clicked_by(click: dict[str, Any], user: dict[str, Any], level: str) -> dict[str, Any]:
    """The emulator's own click activity, as another of its users choosing `level`."""
    activity = copy.deepcopy(click) | {"id": str(uuid.uuid4())}
    activity["from"] = {key: user[key] for key in ("id", "name", "aadObjectId")}
    data = activity["value"]["action"]["data"]
    data["value"] = f"{data['value'].rpartition('|')[0]}|{level}"
    return activity


def invoke(base: dict[str, Any], name: str, data: dict[str, Any]) -> dict[str, Any]:
    """An invoke on the emulator's custom-activity template (its user, its conversation)."""
    value = {"data": data, "context": {"theme": "default"}}
    return base | {"id": str(uuid.uuid4()), "type": "invoke", "name": name, "value": value}


async def filled_in(
    emulator: Emulator, traffic: Traffic, base: dict[str, Any], form: str, values: dict[str, str]
) -> None:
    """The newest card button that opens dialog `form` (task/fetch), as Teams would open it,
    and the dialog sent back with `values` (task/submit); it closes without errors."""
    opener = await traffic.until(lambda: _opener(traffic, form), f"a button that opens {form}")
    shown = await sent(emulator, traffic, invoke(base, "task/fetch", opener))
    assert shown["statusCode"] == 200, shown
    card = shown["body"]["task"]["value"]["card"]["content"]
    [submit] = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    closing = await sent(emulator, traffic, invoke(base, "task/submit", submit["data"] | values))
    assert closing["statusCode"] == 200 and "task" not in (closing["body"] or {}), closing


def _opener(traffic: Traffic, form: str) -> dict[str, Any] | None:
    openers = [
        action["data"]
        for message in traffic.from_app("createMessage")
        for attachment in message.get("attachments") or []
        for action in attachment["content"].get("actions", [])
        if (action.get("data") or {}).get("form_id") == form
    ]
    return openers[-1] if openers else None


async def addresses(app: Wellspring) -> set[str]:
    async with app.engine.connect() as conn:
        return set((await conn.execute(text("SELECT key FROM platform_addresses"))).scalars())


async def test_the_agents_playground_drives_installs_a_check_in_dialogs_and_an_uninstall(
    app: Wellspring, emulator: Emulator, you: PlaygroundPage, clock: MovableClock, tmp_path: Path
) -> None:
    traffic, tenant = you.traffic, await emulator.config()

    # Installed in the personal chat as the page opens: the home card.
    await you.open(emulator.url)
    await you.shows(CATALOG.text("personal.section_title"))
    [installed] = traffic.to_app("installationUpdate")
    assert installed["response"]["statusCode"] == 200

    # Installed in the team as its channel opens: the app keeps where to post.
    await you.go_to("General")
    await traffic.until(lambda: len(traffic.to_app("installationUpdate")) == 2, "the team")
    assert f"conversation:{TEAM}" in await addresses(app)

    await you.post_to_bot("checkin now")
    await you.shows(CATALOG.text("checkin.anonymous_line"))
    [checkin] = [m for m in traffic.from_app("createMessage") if "pulse_level" in str(m)]

    # Alex clicks a level on the page and is told it counted; the five other people of the
    # team click through the custom-activity endpoint, with the activity of Alex's click.
    await you.press(CATALOG.text("checkin.levels.late.label"))
    [click] = await traffic.until(lambda: traffic.to_app("invoke", "adaptiveCard/action"), "it")
    ack = click["response"]["body"]
    assert ack["type"] == "application/vnd.microsoft.activity.message" and ack["value"]
    await you.shows(ack["value"][:40])
    for user, level in zip(tenant["users"], COLLEAGUES_ANSWER, strict=True):
        answer = await sent(emulator, traffic, clicked_by(click["request"]["body"], user, level))
        assert answer["statusCode"] == 200 and answer["body"]["value"], answer

    # The window closes: the card in the channel is updated, without its buttons.
    await close_window(app, clock)
    assert await app.inflight.drain(5)
    await you.shows(CATALOG.text("checkin.closed_line"))
    [closed] = await traffic.until(lambda: traffic.from_app("updateMessage"), "the update")
    assert closed["messageId"] == checkin["messageId"] and "pulse_level" not in str(closed)

    # Alex supervises the team: six people, one more than the minimum, so once the week is
    # over its numbers show.
    await settle_week(app, clock)
    # Asked in the channel, the answer goes to Alex's own chat (no preview feature needed),
    # where the late answer's reply, crisis line first, is waiting too.
    await you.post_to_bot("pulse")
    await you.go_to("Personal Chat")
    await you.shows(f"{1 + len(COLLEAGUES_ANSWER)} answers")
    await you.shows(CATALOG.text("safety.fixed_line")[:40])
    await you.shot(tmp_path / "agents-playground.png")

    # Dialogs: the opener cards come through the page, the dialogs through the endpoint.
    base = await emulator.template(tenant["personalChat"]["id"])
    await you.say("debrief volunteer")
    await you.shows(CATALOG.text("debriefs.volunteer.intro"))
    await filled_in(emulator, traffic, base, "volunteer_form", VOLUNTEER)
    when = CATALOG.text("debriefs.volunteer.any_time")
    saved = CATALOG.text("debriefs.volunteer.saved", capacity=2, when=when)
    await you.shows(saved.partition("`")[0].rpartition(".")[0])  # up to its first code span

    # A private reminder, added from the home card, arrives at its time.
    await you.press(CATALOG.text("personal.add_button"))
    due = clock.now() + timedelta(hours=1)
    reminder = {"label": "End of my shift", "days": EVERY_DAY, "time": f"{due:%H:%M}"}
    await filled_in(emulator, traffic, base, "personal_form", reminder | {"timezone": "UTC"})
    clock.set(due + timedelta(minutes=1))
    await app.scheduler.run_now(SWEEP_JOB)
    assert await app.inflight.drain(5)
    await you.shows(CATALOG.text("personal.dm_header", label=reminder["label"]))

    # A chart: an image inside a card, sent to the personal chat (as a message the app starts).
    await you.say("pulse chart")
    await you.shows(CATALOG.text("summaries.chart_title", team="My Team"))
    chart = you.page.locator('img[src^="data:image/png;base64,"]')
    await chart.last.wait_for()
    assert await chart.last.evaluate("image => image.complete && image.naturalWidth > 0")

    # Uninstalled from the team (its "Mock an Activity" menu): the app forgets the channel.
    await you.go_to("General")
    await you.mock("Uninstall application", shows="installationUpdate")
    [removed] = await traffic.until(
        lambda: [
            entry
            for entry in traffic.to_app("installationUpdate")
            if entry["request"]["body"].get("action") == "remove"
        ],
        "the uninstall",
    )
    assert removed["response"]["statusCode"] == 200
    assert await app.inflight.drain(5)
    assert f"conversation:{TEAM}" not in await addresses(app)
