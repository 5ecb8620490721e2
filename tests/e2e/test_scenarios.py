"""The flows people go through, defined once and run on Slack and on Microsoft Teams."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from prompts import load_catalog
from tests.e2e.platforms import Platform
from tests.e2e.platforms.common import plain, rows_about, setting_ids
from tests.support.canary import disguises

CATALOG = load_catalog()
TEAM, SMALL_TEAM = "Family Support", "Night Team"
LEAD = "Dana Lead"
WORKERS = ["Ana Reyes", "Ben Okafor", "Cleo Grant", "Dev Patel", "Eli Moss", "Fay Lund"]
SPREAD = ["early", "middle", "late", "beyond", "early", "late"]
QUIET = "Quinn Silent"  # in the team, never answers: what the database may know of anyone
NIGHT = ["Gus Hale", "Hana Ito", "Ivo Berg"]
ASKER, PEERS = "Ada Asker", ["Pia Peer", "Rex Peer"]
FOLLOWUP_HOURS = 48  # DEBRIEF_FOLLOWUP_HOURS, left at its default


@pytest.fixture
def overrides(platform_name: str) -> dict[str, Any]:
    return {"supervisor_user_ids": setting_ids(platform_name, LEAD), "log_level": "DEBUG"}


def said(key: str, **params: Any) -> str:
    return plain(CATALOG.text(key, **params))


def said_around(key: str, placeholder: str, **params: Any) -> list[str]:
    """The fixed parts of a text around one placeholder (a name the platform renders)."""
    return [plain(part) for part in CATALOG.text(key, **{placeholder: "\0"}, **params).split("\0")]


async def counts(platform: Platform) -> dict[str, int]:
    async with platform.ws.engine.connect() as conn:
        rows = await conn.execute(text("SELECT level, responses FROM pulse_counts"))
        return {level: responses for level, responses in rows}


async def answered_and_closed(platform: Platform, team: str, people: list[str]) -> None:
    await platform.install(team, [LEAD, *people])
    await platform.checkin_now(team, by=LEAD)
    for person, level in zip(people, SPREAD, strict=False):
        await platform.answer(person, level, team)


async def test_a_checkin_is_answered_privately_once_each_and_closes_without_a_trace_of_who(
    platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await platform.install(TEAM, [LEAD, *WORKERS, QUIET])
    await platform.checkin_now(TEAM, by=LEAD)
    assert sorted(platform.checkin_levels(TEAM)) == sorted(["early", "middle", "late", "beyond"])

    for person, level in zip(WORKERS, SPREAD, strict=True):
        reply = await platform.answer(person, level, TEAM)
        fitting = [plain(v) for v in CATALOG.variants(f"pulse.ack.{level}")]
        assert any(ack in reply for ack in fitting), f"{person} is answered for {level}: {reply}"
    again = await platform.answer(WORKERS[0], "beyond", TEAM)
    assert said("pulse.already_answered") in again
    assert await counts(platform) == {"early": 2, "middle": 1, "late": 2, "beyond": 1}
    while_open = await platform.database_dump()

    await platform.close_window()
    assert platform.checkin_levels(TEAM) == [], "the closed card has no buttons"
    assert said("checkin.closed_line") in platform.checkin_text(TEAM)
    after_close, logs = await platform.database_dump(), platform.logs()
    assert "pulse_counts" in after_close and logs, "the canary looked at real output"

    silent = {trace for who in platform.identities(QUIET) for trace in disguises(who)}
    for person in WORKERS:
        traces = {trace for who in platform.identities(person) for trace in disguises(who)}
        assert not [trace for trace in traces if trace in logs], f"{person} is in the logs"
        for dump in (while_open, after_close):
            # A member's address may be kept (to reach them later); answering adds nothing.
            assert rows_about(dump, traces) == rows_about(dump, silent), (
                f"the database knows more of {person}, who answered, than of {QUIET}"
            )
            assert not [r for r in rows_about(dump, traces) if r.startswith("pulse")]


async def test_a_supervisor_sees_a_team_of_six_answers_but_not_one_of_three_and_is_audited(
    platform: Platform,
) -> None:
    await answered_and_closed(platform, TEAM, WORKERS)
    await answered_and_closed(platform, SMALL_TEAM, NIGHT)
    await platform.close_window()
    hidden = said_around("summaries.hidden", "period")[1]
    assert "6 answers" not in await platform.summary(LEAD, TEAM), "nothing before the week ends"

    await platform.later(timedelta(days=5))  # the week is over: its numbers settle
    shown = await platform.summary(LEAD, TEAM)
    assert "6 answers" in shown and hidden not in shown, shown
    small = await platform.summary(LEAD, SMALL_TEAM)
    assert hidden in small and "3 answers" not in small, small
    overview = await platform.summary(LEAD)
    for team in (TEAM, SMALL_TEAM):
        assert platform.team_shown_as(team) in overview, f"{team} is named, told apart"
    assert "6 answers" in overview and hidden in overview, overview
    assert "3 answers" not in overview and "9 answers" not in overview, "no total uncovers three"
    refused = await platform.summary(WORKERS[0], TEAM)
    assert said("pulse.refuse.not_supervisor") in refused
    assert not any(ch.isdigit() for ch in refused), "no numbers for someone who is not named"

    audit = await platform.audit(LEAD)
    assert platform.shown_as(LEAD) in audit
    for how in ("summary", "overview"):
        assert said(f"summaries.how.{how}") in audit, f"the audit lists the {how}"


async def test_a_debrief_is_passed_by_one_peer_accepted_by_the_other_and_followed_up(
    platform: Platform,
) -> None:
    await platform.install(TEAM, [ASKER, *PEERS])
    for peer in PEERS:
        await platform.volunteer(peer)
    await platform.request_debrief(ASKER, note="The home visit on Tuesday")

    [first] = [peer for peer in PEERS if platform.offers_to(peer)]
    [second] = [peer for peer in PEERS if peer != first]
    [offer] = platform.offers_to(first)
    assert "home visit" not in offer and platform.shown_as(ASKER) not in offer
    assert any(
        said("debriefs.status.searching", count=1) in m for m in platform.private_messages(ASKER)
    )
    assert said("debriefs.offer.passed") in await platform.pass_offer(first)
    assert platform.offers_to(second), "the request goes on to the other peer"
    assert any(
        said("debriefs.status.still_searching") in m for m in platform.private_messages(ASKER)
    )

    accepted = await platform.accept_offer(second)
    assert "home visit" in accepted, "the note goes to the peer who accepted, only"
    assert platform.connected(ASKER, second) and not platform.connected(ASKER, first)
    told = [
        m
        for m in platform.private_messages(ASKER)
        if said_around("debriefs.status.accepted", "peer")[1] in m
    ]
    assert told and platform.shown_as(second) in told[-1], "the requester hears who accepted"
    assert not any("home visit" in m for m in platform.private_messages(first))

    followup = said("debriefs.followup.text")
    await platform.later(timedelta(hours=FOLLOWUP_HOURS - 1))
    assert not any(followup in m for m in platform.private_messages(ASKER)), "not early"
    await platform.later(timedelta(hours=2))
    assert sum(followup in m for m in platform.private_messages(ASKER)) == 1
