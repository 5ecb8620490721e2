"""An attacker with copies of the database files and every user id links no one to an answer."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bootstrap import Wellspring, start_wellspring
from bot.domain.participation import participation_markers
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import (
    LEVELS,
    SUPERVISOR,
    WINDOW,
    answer,
    close_window,
    post_checkin,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.forensics import (
    Evidence,
    Page,
    State,
    count_versions,
    link_answers,
    plain_hmac,
    sqlite_states,
)

PULSE_SECRET = "forensic-test-pulse-secret-0123456789abcdef"
ANSWERS = {f"U0FOR{i:02d}": LEVELS[i % 4] for i in range(6)}
# The attacker's list of the workspace: everyone who answered, and many who did not.
EVERYONE = [*ANSWERS, SUPERVISOR, *(f"U0BYSTANDER{i:02d}" for i in range(10))]
# Another team's check-in, posted later and still open at the first one's close (the usual
# case): its live rows keep pages alive that a VACUUM would otherwise truncate away.
OTHER_TEAM = "C0OTHER"
OTHERS = {f"U0OTH{i:02d}": LEVELS[(i + 1) % 4] for i in range(4)}
OTHER_POSTED_AFTER = timedelta(hours=1)
PULSE_TABLES = ("pulse_participants", "pulse_counts", "checkins")
# PostgreSQL: an open window's own tables (bot/storage/pulse_windows.py), found by name.
WINDOW_TABLE = re.compile(r"^pulse_window_([0-9a-f]{32})_(markers|counts)$")


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
            conn = await asyncpg.connect(_dsn(self.url))
            try:
                await conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
                windows = await _window_tables(conn)
                copy.versions.extend(await _row_versions(conn, windows))
                copy.sequences.append([await _live_state(conn, windows)])
                copy.pages.extend(await _every_page(conn))
            finally:
                await conn.close()
        self.snapshots.append(copy.sequences[0][-1])
        self.evidence.sequences.extend(copy.sequences)
        self.evidence.raw.extend(copy.raw)
        self.evidence.versions.extend(copy.versions)
        self.evidence.pages.extend(copy.pages)
        return copy


def _copy_files(db: Path, folder: Path) -> tuple[bytes, bytes]:
    """The database file and its WAL, as a file-level backup copies them."""
    folder.mkdir()
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes(), wal.read_bytes() if wal.exists() else b""


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _window_tables(conn: asyncpg.Connection) -> list[tuple[str, str, str]]:
    """(table, check-in id, what it holds) of every open window's own table."""
    names = await conn.fetch("SELECT relname FROM pg_class WHERE relname LIKE 'pulse_window_%'")
    return [
        (row["relname"], str(uuid.UUID(m[1])), m[2])
        for row in names
        if (m := WINDOW_TABLE.match(row["relname"]))
    ]


async def _live_state(conn: asyncpg.Connection, windows: list[tuple[str, str, str]]) -> State:
    """The pulse tables as the app reads them, open windows' own tables folded in."""
    tables = {
        table: [tuple(row) for row in await conn.fetch(f"SELECT * FROM {table}")]
        for table in PULSE_TABLES
    }
    for name, checkin, holds in windows:
        folded = "pulse_participants" if holds == "markers" else "pulse_counts"
        tables[folded] += [(checkin, *row) for row in await conn.fetch(f"SELECT * FROM {name}")]
    return State(tables)


def _varlena(value: str) -> bytes:
    """A short text as pageinspect shows a column of it (1-byte header)."""
    return bytes([(len(value) + 1) << 1 | 1]) + value.encode()


async def _row_versions(
    conn: asyncpg.Connection, windows: list[tuple[str, str, str]]
) -> list[tuple[str, int, tuple[bytes | None, ...]]]:
    """Every row version PostgreSQL still has on its pages, dead ones included."""
    found = []
    sources = [(table, table, None) for table in PULSE_TABLES] + [
        (name, "pulse_participants" if holds == "markers" else "pulse_counts", checkin)
        for name, checkin, holds in windows
    ]
    for relation, table, checkin in sources:
        rows = await conn.fetch(
            f"""SELECT t_xmin::text::bigint AS xid,
                   tuple_data_split('{relation}'::regclass, t_data, t_infomask, t_infomask2,
                                    t_bits) AS columns
            FROM generate_series(0, pg_relation_size('{relation}') / 8192 - 1) AS page,
                 heap_page_items(get_raw_page('{relation}', page::int))
            WHERE t_data IS NOT NULL"""
        )
        prefix = () if checkin is None else (_varlena(checkin),)
        found += [(table, row["xid"], (*prefix, *row["columns"])) for row in rows]
    return found


async def _every_page(conn: asyncpg.Connection) -> list[Page]:
    """Every block of every table, index, toast table and materialized view in the database
    (the system catalogs and the shared ones included), as raw bytes: what a copy of the
    data directory holds, free space and unreachable row versions included."""
    relations = await conn.fetch(
        """SELECT oid::regclass::text AS name, relkind::text AS kind,
                  pg_relation_size(oid) / 8192 AS blocks
        FROM pg_class
        WHERE relkind IN ('r', 'i', 't', 'm') AND relpersistence <> 't'"""
    )
    pages = []
    for relation in relations:
        blocks = await conn.fetch(
            "SELECT b, get_raw_page($1, 'main', b::int) AS data"
            " FROM generate_series(0, $2 - 1) AS b",
            relation["name"],
            relation["blocks"],
        )
        kind = relation["kind"]
        pages += [Page(relation["name"], kind, b["b"], bytes(b["data"])) for b in blocks]
    return pages


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
        fake_slack.members[OTHER_TEAM] = [*OTHERS, SUPERVISOR]
        post = await post_checkin(ws, slack, fake_slack)
        clock.set(clock.now() + OTHER_POSTED_AFTER)
        other = await post_checkin(ws, slack, fake_slack, channel=OTHER_TEAM)
        copier = Copier(ws, database_url, tmp_path)
        copies = [await copier.take()]
        others = iter(OTHERS.items())
        for person, level in ANSWERS.items():
            await answer(ws, slack, fake_slack, post, person, level)
            copies.append(await copier.take())
            if (interleaved := next(others, None)) is not None:  # the other team answers too
                await answer(ws, slack, fake_slack, other, *interleaved)
        await close_window(ws, clock, WINDOW - OTHER_POSTED_AFTER)
        copies.append(await copier.take())
        [checkin] = [
            row[0] for row in copier.snapshots[-1].tables["checkins"] if row[2] == "C0TEAM"
        ]
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
    assert sum(n for (c, _), n in counts.items() if c == checkin) == len(ANSWERS), (
        "the attacker sees every answer counted"
    )
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
    left = {c for seq in after_close.sequences for state in seq for c, _ in state.markers()}
    assert checkin not in left, "the closed check-in's markers are gone from the tables"
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


def _markers_of(checkin: str, workspace: str, people: Any) -> set[str]:
    secret = (PULSE_SECRET.encode(),)
    return {m for p in people for m in participation_markers(secret, checkin, workspace, p)}


def _holding(pages: list[Page], markers: set[str]) -> list[str]:
    """Where any of `markers` is, as hex text or as raw bytes: "relation block"."""
    return sorted(
        {
            f"{page.relation} {page.block}"
            for page in pages
            for m in markers
            if m.encode() in page.data or bytes.fromhex(m) in page.data
        }
    )


async def test_after_the_close_no_page_of_any_postgresql_relation_or_index_holds_a_marker(
    answered: tuple[Wellspring, Copier, list[Evidence], str],
) -> None:
    """Free space included: a VACUUM marks space free but leaves its bytes where they were."""
    _ws, copier, copies, checkin = answered
    if not copies[-1].pages:
        pytest.skip("SQLite: its files are read byte by byte in the test above")
    workspace = str(copier.snapshots[-1].tables["checkins"][0][1])
    [other] = [str(r[0]) for r in copier.snapshots[-1].tables["checkins"] if r[2] == OTHER_TEAM]
    while_open = [page for copy in copies[:-1] for page in copy.pages]
    after_close = copies[-1].pages
    assert _holding(while_open, _markers_of(checkin, workspace, ANSWERS)), "the scan sees markers"
    assert _holding(after_close, _markers_of(other, workspace, OTHERS)), "the open one's stay"
    assert _holding(after_close, _markers_of(checkin, workspace, EVERYONE)) == []


async def test_after_the_close_no_page_of_postgresql_says_in_what_order_the_answers_came(
    answered: tuple[Wellspring, Copier, list[Evidence], str],
) -> None:
    """Without any secret: every copy of the closed check-in's counters in the heap pages.

    An attacker who parses the raw pages finds each version of a counter with the
    transaction id (xmin) that wrote it. Versions sorted by xmin are the answers' levels in
    the order they came; lined up with the markers' order (the order their index or table
    received them), each person's answer. Only the final rows, written together (one xmin),
    may be left.
    """
    _ws, copier, copies, checkin = answered
    if not copies[-1].pages:
        pytest.skip("SQLite: no old row version outlives secure_delete and the checkpoint")
    final = {level: n for (c, level), n in copier.snapshots[-1].counts().items() if c == checkin}
    assert sum(final.values()) == len(ANSWERS)
    found = count_versions(copies[-1].pages, checkin, LEVELS)
    assert {(level, n) for level, n, _xmin in found} == set(final.items()), (
        f"{len(found)} versions of the check-in's 4 counters are on the pages"
    )
    assert len({xmin for *_, xmin in found}) == 1, "the final rows differ in when they were written"


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
