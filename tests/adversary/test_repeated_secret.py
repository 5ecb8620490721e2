"""Adversary: a PULSE_SECRET that names the same secret twice (`S,S`).

README, *The pulse secret*: during a rotation PULSE_SECRET holds two secrets, `OLD,NEW`
then `NEW,OLD`; a deployment that builds it from two values (`$CURRENT,$PREVIOUS`) gives
`S,S` whenever both hold the same secret, before the first rotation or after one. A click
writes one "already answered" marker per configured secret and counts only when all of them
went in (bot/storage/click_ledger.py): with the same secret twice, the two markers are one,
so the second never goes in. The promise broken would be "When you click an answer,
Wellspring adds one to a counter": the app must either refuse to start with such a value or
count the click; telling a first click "already answered" while counting nothing loses the
answer, and the person, told it is in, has no reason to click again.
"""

import pytest

from bootstrap import start_wellspring
from bot.config.settings import SettingsProblem
from prompts import load_catalog
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import answer, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.pulse_counts import answers_counted

SECRET = "the-only-pulse-secret-there-is-0123456789"
CATALOG = load_catalog()


async def test_a_secret_named_twice_is_refused_or_its_clicks_are_counted(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    try:
        settings = make_settings(fake_slack, database_url, pulse_secret=f"{SECRET},{SECRET}")
        ws = await start_wellspring(settings, clock)
    except (SettingsProblem, ValueError):
        return  # refused at start: the operator is told, nothing is lost
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        post = await post_checkin(ws, slack, fake_slack)
        reply = await answer(ws, slack, fake_slack, post, "U0TWICE", "late")
        async with ws.engine.connect() as conn:
            kept = await answers_counted(conn)
    finally:
        await slack.close()
        await ws.stop()
    told = reply["text"]
    if told == CATALOG.text("pulse.already_answered"):
        pytest.fail(f"a first click was told 'already answered' and {kept} were counted")
    assert kept == 1, f"the click was told {told!r}; counted: {kept}"
