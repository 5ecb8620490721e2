"""The canary: after people answer, no table and no log line holds anything that names them."""

import logging
from typing import Any

import pytest
from sqlalchemy import inspect

from bootstrap import Wellspring
from tests.e2e.conftest import PULSE_SECRET, MovableClock
from tests.e2e.pulse_helpers import LEVELS, SUPERVISOR, answer, close_window, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.canary import disguises, dump_database

PULSE_TABLES = ("pulse_counts", "pulse_participants", "pulse_period_markers")
ANSWERERS = [f"U0CANARY{i}" for i in range(8)]


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR, "log_level": "DEBUG"}


async def test_no_answerers_id_or_name_is_anywhere_in_the_database_or_the_logs(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_slack.members["C0TEAM"] = [*ANSWERERS, SUPERVISOR]
    post = await post_checkin(wellspring, slack, fake_slack)
    for i, person in enumerate(ANSWERERS):
        fake_slack.add_user(person, name=f"canary{i}")
        await answer(wellspring, slack, fake_slack, post, person, LEVELS[i % 4])
    # A second click and a look at the numbers, so those paths are covered too.
    await answer(wellspring, slack, fake_slack, post, ANSWERERS[0], "beyond")
    async with wellspring.engine.connect() as conn:
        while_open = await dump_database(conn)
    await close_window(wellspring, clock)
    await slack.command("/pulse", "", user_id=SUPERVISOR)
    await fake_slack.wait_for_response_posts(len(ANSWERERS) + 3)
    assert await wellspring.inflight.drain(5)
    async with wellspring.engine.connect() as conn:
        after_close = await dump_database(conn)
    logs = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    assert "pulse_counts" in after_close and logs, "the canary looked at real output"
    for place in (while_open, after_close, logs):
        assert PULSE_SECRET not in place, "the pulse secret is never stored or logged"
    for i, person in enumerate(ANSWERERS):
        for trace in disguises(person, f"canary{i}"):
            assert trace not in while_open, (
                f"{person} is in the database while the check-in is open"
            )
            assert trace not in after_close, f"{person} is in the database after it closed"
            assert trace not in logs, f"{person} is in the logs"


async def test_pulse_tables_have_no_time_and_no_auto_increment_column(
    wellspring: Wellspring,
) -> None:
    async with wellspring.engine.connect() as conn:
        columns = await conn.run_sync(
            lambda sync: {t: inspect(sync).get_columns(t) for t in PULSE_TABLES}
        )
    for table, found in columns.items():
        for column in found:
            kind = str(column["type"]).upper()
            assert "DATE" not in kind and "TIME" not in kind, f"{table}.{column['name']}"
            assert column.get("autoincrement") is not True, f"{table}.{column['name']}"
        allowed = {"checkin_id", "level", "responses", "marker", "workspace", "team"}
        # A period marker's row says only which week and month (whole periods, no time), and
        # which secret made it (a short name, the same for everyone).
        allowed |= {"week", "month", "key"} if table == "pulse_period_markers" else set()
        assert {c["name"] for c in found} <= allowed
