"""The README's quick start, followed step by step in the playground as a new user would:
people picked by their links, buttons pressed by their labels, commands typed as written."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bootstrap import Wellspring, start_wellspring
from handlers.playground.clock import MovableClock
from prompts import load_catalog
from tests.e2e.playground_helpers import Browser, PageForm, click_form, forms_of
from tests.e2e.test_playground import THURSDAY, playground_settings, section

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog()
FAMILY, HOSPITAL = "C-family-support", "C-hospital-social-work"


def quick_start() -> str:
    """The README's numbered quick-start steps, joined into one line of text."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Quick start")
    part = readme[start : readme.index("\n## ", start + 1)]
    steps = re.findall(r"^\d+\. .*?(?=^\d+\. |^\s*$)", part, flags=re.M | re.S)
    return " ".join(" ".join(steps).split())


# What the test does, step by step, as the README words it.
STEPS = [
    "1. Pick **Maya** (a supervisor) and type `/checkin now` in *#family-support*.",
    "2. Pick **Sam**, click an answer: only Sam sees the reply. Press **Let the others answer**:"
    " about 6 in 10 colleagues answer, as in a real team.",
    "3. Press **Close the open check-ins**, then **A week of check-ins**: the playground plays"
    " out next week (check-ins on Monday, Wednesday and Friday, each answered by about 6 in 10"
    " colleagues). Pick Maya again and type `/pulse` in each channel: the family team's week"
    " shows; the hospital team has only 4 people, fewer than the 6 a number needs, so it stays"
    " hidden, and the summary says why and what helps.",
    "4. Pick **Priya** and **Kim** and type `/debrief volunteer`; then Sam types `/debrief` in"
    " his direct messages. Pass as one peer, accept as the other, and open the private"
    " conversation. **Two days later** brings Sam's follow-up.",
    "5. Pick **Alex** (the admin) and type `/wellspring admin` in Alex's direct messages: every"
    " team's schedules, who sees its numbers, the peer supporters and the holidays. Then try"
    " `/wellspring holidays 2026-12-25`, `/wellspring assign @U-maya #C-hospital-social-work`"
    " and `/wellspring erase @U-tom` (the playground names people by these ids).",
]


class NewUser:
    """Someone with the playground open: picks people from the first page, types in a
    conversation's box, presses buttons by the words on them."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.me = ""
        self.page = ""

    async def pick(self, name: str) -> None:
        first_page = await self.browser.get("/")
        label = CATALOG.text("playground.be_button", name=name)
        links = re.findall(r'<a href="(/as/[^"]+)">([^<]+)</a>', first_page)
        [path] = [href for href, text in links if text.startswith(label)]
        self.me = path.removeprefix("/as/")
        self.page = await self.browser.get(path)

    async def type(self, conversation: str, text: str) -> str:
        [box] = [
            form
            for form in forms_of(self.page)
            if form.action.endswith("/say") and form.value("conversation") == conversation
        ]
        self.page = await self.browser.submit(box, text=text)
        opened_a_form = f'<section id="{conversation}">' not in self.page
        return self.page if opened_a_form else section(self.page, conversation)

    async def press(self, label: str, where: str | None = None) -> None:
        shown = section(self.page, where) if where else self.page
        found = [
            (form, name, value)
            for form in forms_of(shown)
            for text, name, value in form.buttons
            if text == label
        ]
        assert found, f"no button {label!r} on {self.me}'s page"
        form, name, value = found[-1]
        self.page = await self.browser.submit(form, **({name: value} if name else {}))

    async def submit(self, form: PageForm, **values: str) -> None:
        self.page = await self.browser.submit(form, **values)

    async def reload(self) -> str:
        self.page = await self.browser.get(f"/as/{self.me}")
        return self.page


@pytest.fixture
async def new_user(tmp_path: Path) -> AsyncIterator[tuple[Wellspring, NewUser]]:
    ws = await start_wellspring(playground_settings(tmp_path), MovableClock(THURSDAY))
    browser = Browser(ws.url)
    try:
        yield ws, NewUser(browser)
    finally:
        await browser.close()
        await ws.stop()


def test_the_readme_words_the_steps_this_test_follows() -> None:
    written = quick_start()
    for step in STEPS:
        assert " ".join(step.split()) in written, f"the README no longer says: {step[:40]}…"
    assert len(re.findall(r"(?:^| )\d\. ", written)) == len(STEPS), "a step the test skips"


async def test_the_quick_start_comes_out_as_written(
    new_user: tuple[Wellspring, NewUser],
) -> None:
    ws, user = new_user
    # 1. Maya posts a check-in in the family team.
    await user.pick("Maya Okafor")
    assert "pulse_level" in await user.type(FAMILY, "/checkin now")

    # 2. Sam answers (only Sam sees the reply); the others answer.
    await user.pick("Sam Reyes")
    await user.submit(click_form(section(user.page, FAMILY), "pulse_level"))
    assert CATALOG.text("playground.only_you") in section(user.page, FAMILY)
    await user.press(CATALOG.text("playground.others_button"), FAMILY)

    # 3. The check-ins close and a week plays out; Maya's /pulse shows the family team's
    # week and hides the hospital team's, saying why and what helps.
    await user.press(CATALOG.text("playground.time_steps.close"))
    await user.press(CATALOG.text("playground.time_steps.week"))
    await user.pick("Maya Okafor")
    family = await user.type(FAMILY, "/pulse")
    assert re.search(r"\d+ answers", family), "the family team's week shows"
    hospital = await user.type(HOSPITAL, "/pulse")
    hidden = CATALOG.text("summaries.hidden", period="")
    assert hidden.strip(" :") in hospital, "the hospital team stays hidden"
    assert "anonymous and optional" in hospital, "and the summary says what helps"
    assert CATALOG.text("summaries.none_yet") not in hospital

    # 4. Two volunteers; Sam asks; one passes, the other accepts; the follow-up comes.
    for peer in ("Priya Nair", "Kim Larsen"):
        await user.pick(peer)
        await user.type(f"D-{user.me}", "/debrief volunteer")
        [form] = [f for f in forms_of(user.page) if f.value("form_id") == "volunteer_form"]
        await user.submit(form)
    await user.pick("Sam Reyes")
    await user.type("D-U-sam", "/debrief")
    [form] = [f for f in forms_of(user.page) if f.value("form_id") == "debrief_form"]
    await user.submit(form, kind="hard_case", urgency="today", preference="anyone")
    assert await ws.inflight.drain(5)
    offered = []
    for peer in ("Priya Nair", "Kim Larsen"):
        await user.pick(peer)
        if "debrief_accept" in section(user.page, f"D-{user.me}"):
            offered.append(peer)
    assert len(offered) == 1, "one peer is offered it at a time"
    await user.pick(offered[0])
    await user.submit(click_form(section(user.page, f"D-{user.me}"), "debrief_pass"))
    assert await ws.inflight.drain(5)
    other = ({"Priya Nair", "Kim Larsen"} - set(offered)).pop()
    await user.pick(other)
    await user.submit(click_form(section(user.page, f"D-{user.me}"), "debrief_accept"))
    assert await ws.inflight.drain(5)
    assert CATALOG.text("playground.group_title") in await user.reload()
    await user.pick("Sam Reyes")
    assert CATALOG.text("playground.group_title") in user.page, "the private conversation"
    await user.press(CATALOG.text("playground.time_steps.followup"))
    assert "debrief_again" in section(await user.reload(), "D-U-sam")

    # 5. Alex, the admin: the admin page, a holiday, an assignment, an erasure.
    await user.pick("Alex Morgan")
    direct = f"D-{user.me}"
    admin = await user.type(direct, "/wellspring admin")
    assert "Wellspring for your agency" in admin
    assert "#family-support" in admin and "#hospital-social-work" in admin
    assert "Priya Nair" in admin or "Kim Larsen" in admin, "the peer supporters"
    saved = await user.type(direct, "/wellspring holidays 2026-12-25")
    assert CATALOG.text("holidays.saved", count="1") in saved
    assigned = await user.type(direct, "/wellspring assign @U-maya #C-hospital-social-work")
    done = CATALOG.text("admin.assign_done", person="Maya Okafor", team="#hospital-social-work")
    assert done in assigned
    erased = await user.type(direct, "/wellspring erase @U-tom")
    assert CATALOG.text("mydata.erase_done", person="Tom Walsh") in erased
