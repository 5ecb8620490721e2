"""An attacker with copies of the database files and every user id links no one to an answer."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import Wellspring, start_wellspring
from bot.domain.participation import participation_markers
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import LEVELS, SUPERVISOR, answer, close_window, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.forensics import Evidence, State, link_answers, plain_hmac, sqlite_states

PULSE_SECRET = "forensic-test-pulse-secret-0123456789abcdef"
ANSWERS = {f"U0FOR{i:02d}": LEVELS[i % 4] for i in range(6)}
# The attacker's list of the workspace: everyone who answered, and many who did not.
EVERYONE = [*ANSWERS, SUPERVISOR, *(f"U0BYSTANDER{i:02d}" for i in range(10))]
PULSE_TABLES = ("pulse_participants", "pulse_counts", "checkins")


def wellspring_markers(secret: bytes, checkin: str, workspace: str, person: str) -> list[str]:
    """What the attacker derives with Wellspring's own code from a candidate secret."""
    return list(participation_markers((secret,), checkin, workspace, person))


GUESSES = (plain_hmac, wellspring_markers)


class Copier:
    """Takes the copies a backup tool, or someone with the disk, would take."""

    def __init__(self, ws: Wellspring, url: str, scratch: Path) -> None:
        self.ws, self.url, self.scratch = ws, url, scratch
        self.evidence = Evidence(sequences=[[]])
        # The first sequence is the copies themselves, one state each, in the order taken.
        self.snapshots = self.evidence.sequences[0]

    async def take(self) -> Evidence:
        """One copy now; its own evidence, also added to everything gathered so far."""
        copy = Evidence()
        if self.url.startswith("sqlite"):
            folder = self.scratch / f"copy-{len(self.snapshots)}"
            files = _copy_files(Path(make_url(self.url).database or ""), folder)
            copy.sequences.append(sqlite_states(*files, folder))
            copy.raw.extend(files)
        else:
            copy.versions.extend(await _row_versions(self.url))
            copy.sequences.append([await _live_state(self.ws)])
        self.snapshots.append(copy.sequences[0][-1])
        self.evidence.sequences.extend(copy.sequences)
        self.evidence.raw.extend(copy.raw)
        self.evidence.versions.extend(copy.versions)
        return copy


def _copy_files(db: Path, folder: Path) -> tuple[bytes, bytes]:
    """The database file and its WAL, as a file-level backup copies them."""
    folder.mkdir()
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes(), wal.read_bytes() if wal.exists() else b""


async def _live_state(ws: Wellspring) -> State:
    async with ws.engine.connect() as conn:
        return State(
            {
                table: [tuple(row) for row in await conn.execute(text(f"SELECT * FROM {table}"))]
                for table in PULSE_TABLES
            }
        )


async def _row_versions(url: str) -> list[tuple[str, int, tuple[bytes | None, ...]]]:
    """Every row version PostgreSQL still has on its pages, dead ones included."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        found = []
        for table in PULSE_TABLES:
            rows = await conn.fetch(
                f"""SELECT t_xmin::text::bigint AS xid,
                       tuple_data_split('{table}'::regclass, t_data, t_infomask, t_infomask2,
                                        t_bits) AS columns
                FROM generate_series(0, pg_relation_size('{table}') / 8192 - 1) AS page,
                     heap_page_items(get_raw_page('{table}', page::int))
                WHERE t_data IS NOT NULL"""
            )
            found += [(table, row["xid"], tuple(row["columns"])) for row in rows]
        return found
    finally:
        await conn.close()


@pytest.fixture
async def answered(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock, tmp_path: Path
) -> AsyncIterator[tuple[Wellspring, Copier, list[Evidence], str]]:
    """Six people answer one check-in; a copy after every click and one after the close."""
    settings: Any = make_settings(
        fake_slack, database_url, pulse_secret=PULSE_SECRET, supervisor_user_ids=SUPERVISOR
    )
    ws = await start_wellspring(settings, clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        fake_slack.members["C0TEAM"] = [*ANSWERS, SUPERVISOR]
        post = await post_checkin(ws, slack, fake_slack)
        copier = Copier(ws, database_url, tmp_path)
        copies = [await copier.take()]
        for person, level in ANSWERS.items():
            await answer(ws, slack, fake_slack, post, person, level)
            copies.append(await copier.take())
        await close_window(ws, clock)
        copies.append(await copier.take())
        [(checkin, *_)] = copier.snapshots[-1].tables["checkins"]
        yield ws, copier, copies, str(checkin)
    finally:
        await slack.close()
        await ws.stop()


async def test_copies_taken_at_every_click_link_no_one_without_the_servers_secret(
    answered: tuple[Wellspring, Copier, list[Evidence], str],
) -> None:
    _ws, copier, _copies, checkin = answered
    evidence = copier.evidence
    counts = copier.snapshots[-1].counts()
    assert sum(counts.values()) == len(ANSWERS), "the attacker sees every answer counted"
    assert len(evidence.sequences) > len(ANSWERS), "and a state after every click"
    assert any(state.markers() for seq in evidence.sequences for state in seq), (
        "and the markers of the open window"
    )
    workspace = str(copier.snapshots[-1].tables["checkins"][0][1])
    assert link_answers(evidence, workspace, EVERYONE, GUESSES) == {}
    # The attacker's method works: handed the secret, the same copies do link (the
    # documented limit of a backup taken while a check-in is open).
    with_secret = link_answers(evidence, workspace, EVERYONE, GUESSES, keys=[PULSE_SECRET.encode()])
    assert with_secret == ANSWERS, checkin


async def test_after_the_close_the_live_files_hold_no_marker_even_for_the_secrets_holder(
    answered: tuple[Wellspring, Copier, list[Evidence], str],
) -> None:
    _ws, copier, copies, checkin = answered
    after_close = copies[-1]
    workspace = str(copier.snapshots[-1].tables["checkins"][0][1])
    markers = {
        marker
        for person in EVERYONE
        for marker in participation_markers((PULSE_SECRET.encode(),), checkin, workspace, person)
    }
    assert not any(state.markers() for seq in after_close.sequences for state in seq)
    assert after_close.versions or after_close.raw, "the copy was read"
    for raw in after_close.raw:
        for marker in markers:
            assert marker.encode() not in raw, "a marker survives in the database files"
            assert bytes.fromhex(marker) not in raw
    for table, _xid, columns in after_close.versions:
        for marker in markers:
            assert not any(c and marker.encode() in c for c in columns), f"a row of {table}"
    keys = [PULSE_SECRET.encode()]
    assert link_answers(after_close, workspace, EVERYONE, GUESSES, keys=keys) == {}


async def test_markers_spread_over_many_pages_are_all_wiped_at_the_close(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock, tmp_path: Path
) -> None:
    crowd = [f"U0CROWD{i:03d}" for i in range(120)]  # enough markers to split pages
    settings = make_settings(fake_slack, sqlite_database_url, pulse_secret=PULSE_SECRET)
    ws = await start_wellspring(settings, clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        fake_slack.members["C0TEAM"] = crowd
        post = await post_checkin(ws, slack, fake_slack)
        for i, person in enumerate(crowd):
            await answer(ws, slack, fake_slack, post, person, LEVELS[i % 4])
        copier = Copier(ws, sqlite_database_url, tmp_path)
        while_open = await copier.take()
        await close_window(ws, clock)
        after_close = await copier.take()
    finally:
        await slack.close()
        await ws.stop()
    [(checkin, workspace, *_)] = copier.snapshots[-1].tables["checkins"]
    markers = [
        participation_markers((PULSE_SECRET.encode(),), str(checkin), str(workspace), person)[0]
        for person in crowd
    ]
    assert all(any(m.encode() in raw for raw in while_open.raw) for m in markers)
    assert not any(m.encode() in raw for m in markers for raw in after_close.raw)
