"""PostgreSQL away for 10 s under a running replica: unready, clicks told to retry, back alone."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.engine import create_engine
from prompts import load_catalog
from tests.e2e.conftest import PULSE_SECRET, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.support.pulse_counts import answers_counted
from tests.support.replica_steps import click, post_checkin
from tests.support.replicas import postgres_database, replicas
from tests.support.tcp_proxy import TcpProxy

CATALOG = load_catalog()
OUTAGE_SECONDS = 10
TEAM = "C0TEAM"
# Who clicks before the outage, during it (and again after), and after a connection reset.
BEFORE, DURING, AFTER = "U0BEFORE", "U0DURING", "U0AFTER"


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[TcpProxy]:
    """A proxy in front of the test's PostgreSQL server."""
    url = make_url(postgres_url)
    forwarder = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await forwarder.start()
    try:
        yield forwarder
    finally:
        await forwarder.stop()


async def counted(postgres_url: str) -> int:
    engine = create_engine(postgres_url)
    try:
        async with engine.connect() as conn:
            return await answers_counted(conn)
    finally:
        await engine.dispose()


async def test_a_database_outage_makes_the_app_unready_clicks_are_told_and_it_recovers_alone(
    fake_slack: FakeSlack, postgres_url: str, proxy: TcpProxy, tmp_path: Path
) -> None:
    through_proxy = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port)
    app_url = through_proxy.render_as_string(hide_password=False)
    fake_slack.members[TEAM] = [BEFORE, DURING, AFTER]
    middle = CATALOG.variants("pulse.ack.middle")
    async with replicas(fake_slack, app_url, tmp_path) as started:
        replica = await started.start("a")
        post = await post_checkin(replica, fake_slack, TEAM)
        assert await click(replica, fake_slack, post, BEFORE) in middle

        began = time.monotonic()
        async with proxy.down():
            await replica.wait_status("/healthz", 503, OUTAGE_SECONDS)
            assert await replica.status("/readyz") == 503
            assert await replica.status("/livez") == 200
            told = await click(replica, fake_slack, post, DURING)
            assert told == CATALOG.text("pulse.not_counted")
            asked = len(fake_slack.response_posts)
            reply = await replica.slack.command("/checkin", "now", channel_id=TEAM)
            assert reply.status == 200, "a command, too, gets no 5xx"
            [sorry] = (await fake_slack.wait_for_response_posts(asked + 1, 20))[asked:]
            assert sorry.body["text"] == CATALOG.text("errors.unexpected")
            assert sorry.body["response_type"] == "ephemeral"
            # The outage lasts its full length, whatever the checks above took.
            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - began)))
            assert await replica.status("/healthz") == 503, "still down at the end"

        await replica.wait_status("/healthz", 200, 30)
        assert await replica.status("/readyz") == 200
        assert await click(replica, fake_slack, post, DURING) in middle, "counted once back"
        assert await click(replica, fake_slack, post, DURING) == CATALOG.text(
            "pulse.already_answered"
        )
        # The connections the pool keeps are reset while no one uses them: the next click
        # still counts (the pool tests a connection before handing it out).
        await proxy.cut()
        assert await click(replica, fake_slack, post, AFTER) in middle, "counted after a reset"
        assert replica.process.returncode is None, "no restart"
        log = replica.log
        assert await replica.stop() == 0, log
    assert await counted(postgres_url) == 3, "each person's answer once, none lost"
    for person in (BEFORE, DURING, AFTER):
        assert person not in log, "no one who clicked is named in the log"
    assert "could not be counted" in log
    assert PULSE_SECRET not in log and SIGNING_SECRET not in log
