"""The field-placement track on Slack: register, confirm, weekly prompts, share, stop."""

import logging
import re
from typing import Any

import pytest

from bootstrap import PLACEMENT_JOB, Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.placement_helpers import (
    button_value,
    database_files,
    direct,
    friday,
    placement_values,
    register,
    rows,
    stored,
    words_of,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click

CATALOG = load_catalog()
STUDENT, INSTRUCTOR, SUPERVISOR = "U0SAM", "U0CARA", "U0SUPER"
WORDS = "I froze when she cried, and then I stayed. Canary-7731-placement"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR}


def say(key: str, **params: str) -> str:
    return CATALOG.text(f"placements.{key}", **params)


async def confirmed_placement(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, **values: Any
) -> str:
    """Sam registers with Cara as instructor, and Cara confirms; the placement id."""
    reply = await register(ws, slack, fake, STUDENT, **values)
    assert reply.status == 200 and reply.text == "", "the modal closes"
    [ask] = direct(fake, INSTRUCTOR)
    placement_id = button_value(ask, "placement_confirm")
    answer = await click(ws, slack, fake, "placement_confirm#0", placement_id, INSTRUCTOR)
    assert answer["replace_original"] is True
    return placement_id


async def test_a_student_registers_and_the_instructor_is_asked_privately_to_confirm(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws, fake = wellspring, fake_slack
    fake.add_user(STUDENT, tz="Europe/London")
    await slack.command("/placement", "", user_id=STUDENT, channel_id="D0SAM")
    [opened] = await fake.wait_for("views.open")
    view = opened.params["view"]
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if "block_id" in b}
    assert kinds["instructor"] == "users_select" and kinds["starts_on"] == "datepicker"
    assert (
        next(b for b in view["blocks"] if b.get("block_id") == "timezone")["element"][
            "initial_value"
        ]
        == "Europe/London"
    )

    reply = await slack.view_submission("placement_form", placement_values(), user_id=STUDENT)
    assert reply.status == 200 and reply.text == ""
    assert await ws.inflight.drain(5)
    [saved] = direct(fake, STUDENT)
    told = words_of(saved)
    assert "anonymous" in told and "assessment" in told, "told once, at registration"
    assert say("support_default")[:40] in told
    [ask] = direct(fake, INSTRUCTOR)
    assert say("ask.confirm_button") in words_of(ask) and say("ask.decline_button") in words_of(ask)
    assert await rows(ws, "placements") == 1

    placement_id = button_value(ask, "placement_confirm")
    answer = await click(ws, slack, fake, "placement_confirm#0", placement_id, INSTRUCTOR)
    assert answer["text"] == say("confirmed", date="Fri 27 Nov")
    [_, news] = direct(fake, STUDENT)
    assert say("confirmed_student", instructor=f"<@{INSTRUCTOR}>", date="Fri 27 Nov") in (
        words_of(news)
    )
    not_cara = await click(ws, slack, fake, "placement_confirm#0", placement_id, STUDENT)
    assert not_cara["text"] == say("not_yours")


async def test_weekly_prompts_reach_both_at_the_local_time_once(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws, fake = wellspring, fake_slack
    await confirmed_placement(ws, slack, fake)
    student_before, instructor_before = len(direct(fake, STUDENT)), len(direct(fake, INSTRUCTOR))

    clock.set(friday(14, 59))  # 14:59 in London: not yet
    await ws.scheduler.run_now(PLACEMENT_JOB)
    assert len(direct(fake, STUDENT)) == student_before

    clock.set(friday(15, 7))
    await ws.scheduler.run_now(PLACEMENT_JOB)
    [prompt] = direct(fake, STUDENT)[student_before:]
    [supervision] = direct(fake, INSTRUCTOR)[instructor_before:]
    assert say("arc.arrival.know_nothing.student") in words_of(prompt), "week 1: arriving"
    assert "placement_share" in words_of(prompt), "with a way to share"
    assert say("weekly.journal") in words_of(prompt)
    assert say("arc.arrival.know_nothing.question") in words_of(supervision), "the same prompt"
    assert say("arc.arrival.know_nothing.explain") in words_of(supervision)
    assert say("stages.arrival") in words_of(supervision), "the week's theme"

    await ws.scheduler.run_now(PLACEMENT_JOB)  # a second run, or another replica
    clock.set(friday(23, 0))
    await ws.scheduler.run_now(PLACEMENT_JOB)
    assert len(direct(fake, STUDENT)) == student_before + 1
    assert len(direct(fake, INSTRUCTOR)) == instructor_before + 1

    clock.set(friday(15, 1, week=13))  # the last week: endings
    await ws.scheduler.run_now(PLACEMENT_JOB)
    last = direct(fake, STUDENT)[-1]
    assert "week 14 of 14" in words_of(last)
    assert say("arc.endings.look_back.student") in words_of(last), "looking back, last"


async def test_sharing_sends_the_students_words_to_the_instructor_and_keeps_nothing(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
    sqlite_database_url: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    ws, fake = wellspring, fake_slack
    placement_id = await confirmed_placement(ws, slack, fake)
    clock.set(friday(15, 0))
    await ws.scheduler.run_now(PLACEMENT_JOB)
    prompt = direct(fake, STUDENT)[-1]

    opened_before = len(fake.calls_to("views.open"))
    share = button_value(prompt, "placement_share")
    await slack.block_action(
        "placement_share#0", share, user_id=STUDENT, channel_id=fake.dm_id(STUDENT)
    )
    opened = (await fake.wait_for("views.open", count=opened_before + 1))[-1]
    assert opened.params["view"]["callback_id"] == "placement_share_form"
    empty = {"words": {"words": {"type": "plain_text_input", "value": "  "}}}
    refused = await slack.view_submission("placement_share_form", empty, user_id=STUDENT)
    assert refused.json()["errors"] == {"words": say("share.error_empty")}
    values = {"words": {"words": {"type": "plain_text_input", "value": WORDS}}}
    reply = await slack.view_submission("placement_share_form", values, user_id=STUDENT)
    assert reply.status == 200 and reply.text == ""
    assert await ws.inflight.drain(5)

    shared = direct(fake, INSTRUCTOR)[-1]
    assert WORDS in words_of(shared)
    assert WORDS not in str(shared.params.get("text")), "not in the notification's fallback"
    assert say("share.sent", instructor=f"<@{INSTRUCTOR}>") in words_of(direct(fake, STUDENT)[-1])
    everything = await stored(ws)
    assert placement_id in everything, "the dump reads the placement's rows"
    assert "7731" not in everything and "froze" not in everything
    assert b"7731" not in database_files(sqlite_database_url)
    logs = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    for secret in ("7731", "froze", STUDENT, INSTRUCTOR):
        assert secret not in logs, secret


async def test_stop_deletes_the_placement_and_nothing_more_is_sent(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws, fake = wellspring, fake_slack
    await confirmed_placement(ws, slack, fake)
    clock.set(friday(15, 0))
    await ws.scheduler.run_now(PLACEMENT_JOB)
    assert await rows(ws, "placement_prompts") == 1

    before = len(fake.response_posts)
    await slack.command("/placement", "stop", user_id=STUDENT, channel_id="D0SAM")
    [answer] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert answer.body["text"] == say("stopped")
    assert await rows(ws, "placements") == 0
    assert await rows(ws, "placement_prompts") == 0

    sent = len(direct(fake, STUDENT)) + len(direct(fake, INSTRUCTOR))
    clock.set(friday(15, 0, week=1))
    await ws.scheduler.run_now(PLACEMENT_JOB)
    assert len(direct(fake, STUDENT)) + len(direct(fake, INSTRUCTOR)) == sent
    again = len(fake.response_posts)
    await slack.command("/placement", "stop", user_id=STUDENT, channel_id="D0SAM")
    [none] = (await fake.wait_for_response_posts(again + 1))[again:]
    assert none.body["text"] == say("none")


async def test_an_instructor_stops_one_students_placement_after_saying_yes(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws, fake = wellspring, fake_slack
    other = "U0LEE"
    await confirmed_placement(ws, slack, fake)
    await register(ws, slack, fake, other, instructor=INSTRUCTOR)
    value = button_value(direct(fake, INSTRUCTOR)[-1], "placement_confirm")
    await click(ws, slack, fake, "placement_confirm#0", value, INSTRUCTOR)

    before = len(fake.response_posts)
    await slack.command("/placement", "stop", user_id=INSTRUCTOR, channel_id="D0CARA")
    [asked] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert await rows(ws, "placements") == 2, "nothing stops without a yes"
    questions = [b["text"]["text"] for b in asked.body["blocks"] if b["type"] == "section"]
    stops = [
        e["value"]
        for b in asked.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("placement_stop#")
    ]
    assert len(questions) == len(stops) == 2, "one question, and one Stop, per student"
    assert f"<@{STUDENT}>" in questions[0] + questions[1] and f"<@{other}>" in "".join(questions)
    sam = stops[0] if f"<@{STUDENT}>" in questions[0] else stops[1]

    kept = await click(ws, slack, fake, "placement_keep#1", sam, INSTRUCTOR)
    assert kept["text"] == say("stop.kept", student=f"<@{STUDENT}>")
    assert await rows(ws, "placements") == 2
    not_cara = await click(ws, slack, fake, "placement_stop#0", sam, other)
    assert not_cara["text"] == say("not_yours"), "only that placement's instructor"
    told_before = len(direct(fake, STUDENT))
    done = await click(ws, slack, fake, "placement_stop#0", sam, INSTRUCTOR)
    assert done["replace_original"] is True
    assert done["text"] == say("stop.done", student=f"<@{STUDENT}>")
    assert "your placement is stopped" not in done["text"].lower(), "the instructor's own words"
    assert await rows(ws, "placements") == 1, "only Sam's: Lee's goes on"
    [told] = direct(fake, STUDENT)[told_before:]
    assert say("stopped_by_instructor") in words_of(told)


async def test_not_me_removes_the_placement_and_tells_the_student(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws, fake = wellspring, fake_slack
    await register(ws, slack, fake, STUDENT)
    [ask] = direct(fake, INSTRUCTOR)
    answer = await click(ws, slack, fake, "placement_decline#0",
                         button_value(ask, "placement_decline"), INSTRUCTOR)  # fmt: skip
    assert answer["text"] == say("declined")
    assert say("declined_student", instructor=f"<@{INSTRUCTOR}>") in words_of(
        direct(fake, STUDENT)[-1]
    )
    assert await rows(ws, "placements") == 0


@pytest.mark.parametrize(
    ("values", "field", "key"),
    [
        ({"instructor": STUDENT}, "instructor", "form.error_self"),
        ({"instructor": None}, "instructor", "form.error_instructor"),
        ({"ends_on": "2026-11-01"}, "ends_on", "form.error_order"),
        ({"starts_on": "2026-01-05", "ends_on": "2026-03-27"}, "ends_on", "form.error_past"),
        ({"starts_on": None}, "starts_on", "form.error_date"),
    ],
    ids=["self", "nobody", "end-before-start", "already-over", "no-start"],
)
async def test_a_form_with_problems_stays_open_and_stores_nothing(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    values: dict[str, Any],
    field: str,
    key: str,
) -> None:
    reply = await register(wellspring, slack, fake_slack, STUDENT, **values)
    assert reply.json() == {"response_action": "errors", "errors": {field: say(key)}}
    assert await rows(wellspring, "placements") == 0
    assert direct(fake_slack, INSTRUCTOR) == []


async def test_supervisors_see_only_a_count_of_active_placements_never_who(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws, fake = wellspring, fake_slack
    await confirmed_placement(ws, slack, fake)
    before = len(fake.response_posts)
    await slack.command("/pulse", "", user_id=SUPERVISOR, channel_id="D0SUPER")
    answers = (await fake.wait_for_response_posts(before + 1))[before:]
    shown = str([a.body for a in answers])
    assert say("count.few", minimum="5") in shown
    assert STUDENT not in shown and INSTRUCTOR not in shown
    assert "23 Nov" not in shown and "26 Feb" not in shown, "no dates"


async def overview_of_placements(slack: SignedSlackClient, fake: FakeSlack) -> str:
    """What the supervisor's /pulse overview says, blocks included."""
    before = len(fake.response_posts)
    await slack.command("/pulse", "", user_id=SUPERVISOR, channel_id="D0SUPER")
    answers = (await fake.wait_for_response_posts(before + 1))[before:]
    return str([a.body for a in answers])


async def test_the_count_is_a_band_so_one_student_stopping_does_not_show_and_looks_are_audited(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws, fake = wellspring, fake_slack
    students = [f"U0STU{i}" for i in range(6)]
    for student in students:
        await register(ws, slack, fake, student, instructor=INSTRUCTOR)
    for ask in direct(fake, INSTRUCTOR):
        value = button_value(ask, "placement_confirm")
        await click(ws, slack, fake, "placement_confirm#0", value, INSTRUCTOR)
    six = await overview_of_placements(slack, fake)
    await slack.command("/placement", "stop", user_id=students[0], channel_id="D0STU0")
    assert await ws.inflight.drain(5)
    five = await overview_of_placements(slack, fake)

    band = say("count.band", low="5", high="9")
    lines = {text: set(re.findall(r"Active placements: [^'\"]*", text)) for text in (six, five)}
    assert lines[six] == lines[five] == {band}, "6 and 5 read the same"
    looks = [line for line in (await stored(ws)).splitlines() if "'placements'" in line]
    assert len(looks) == 1 and SUPERVISOR in looks[0], "one line per viewer, kind and day"


async def test_shared_words_reach_the_instructor_as_written_never_as_links_or_mentions(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws, fake = wellspring, fake_slack
    await confirmed_placement(ws, slack, fake)
    clock.set(friday(15, 0))
    await ws.scheduler.run_now(PLACEMENT_JOB)
    share = button_value(direct(fake, STUDENT)[-1], "placement_share")
    await slack.block_action(
        "placement_share#0", share, user_id=STUDENT, channel_id=fake.dm_id(STUDENT)
    )
    await fake.wait_for("views.open", count=2)
    words = "See <https://evil.example|my notes> & <!channel> <@U0BOSS>"
    values = {"words": {"words": {"type": "plain_text_input", "value": words}}}
    await slack.view_submission("placement_share_form", values, user_id=STUDENT)
    assert await ws.inflight.drain(5)

    shown = words_of(direct(fake, INSTRUCTOR)[-1])
    literal = "See &lt;https://evil.example|my notes&gt; &amp; &lt;!channel&gt; &lt;@U0BOSS&gt;"
    assert literal in shown
    assert "<https://evil.example" not in shown and "<!channel>" not in shown
