"""Adversary: the privacy notice (/privacy) says the "already answered" markers go when a
check-in closes, and that Wellspring never keeps *when* anyone answered. Since the period
markers (issue 19) it keeps, for the rest of the team's month, a keyed marker per person
and the week they answered in (README, *Anonymous by design*: "Someone with the secret and a
copy of the database taken during the month could tell who answered that month, and in which
weeks"). The page people are pointed to says neither."""

from sqlalchemy import text

from bootstrap import Wellspring
from tests.e2e.conftest import MovableClock
from tests.e2e.pulse_helpers import answer, close_window, post_checkin
from tests.e2e.test_notice_pages import Page, fetch
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


async def test_adversary_the_privacy_page_says_markers_go_at_the_close_but_a_month_marker_stays(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    post = await post_checkin(wellspring, slack, fake_slack)
    await answer(wellspring, slack, fake_slack, post, "U0ANSWERS", "middle")
    await close_window(wellspring, clock)
    async with wellspring.engine.connect() as connection:
        kept = await connection.scalar(text("SELECT count(*) FROM pulse_period_markers"))
    assert kept == 1, "the scene: the check-in closed, its person's month marker is kept"

    page = Page((await fetch(wellspring.url + "/privacy"))[2])
    never = page.section("What it never keeps")
    what = page.section("What it keeps") + " " + never
    claim = "When it closes, the markers are deleted."
    assert claim not in never or "month" in what, (
        "the privacy page says the markers are deleted when the check-in closes and never"
        " mentions the marker kept, with the week the person answered in, until the month"
        " settles"
    )
