"""SQLite: once a check-in closed, its counters' places in the file say nothing of click order.

A counter's record grows as it counts (SQLite stores 0 and 1 in no bytes, 2 to 127 in one),
so SQLite moves the cell within its page, and the freed space's freeblock keeps where it
was. Three databases get the same totals in different orders; after the close, the closed
check-in's four cells sit at the same places, and the pages' free space is laid out alike.
"""

import sqlite3
import struct
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bootstrap import start_wellspring
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import LEVELS, answer, close_window, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.databases import sqlite_url

ORDERS = (
    ("early", "early", "late", "late", "middle", "middle"),
    ("late", "late", "middle", "middle", "early", "early"),
    ("middle", "middle", "early", "early", "late", "late"),
)
LEAF_TABLE_PAGE = 13

Layout = tuple[dict[str, int], list[tuple[int, int]], int]


def counter_layout(db: Path, checkin: str) -> Layout:
    """Where the closed check-in's counters sit on pulse_counts' page (level -> offset), the
    page's freeblocks (offset, size) and its fragmented free bytes, read from the file."""
    with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as con:
        [root] = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'pulse_counts'")
    raw = db.read_bytes()
    page_size = struct.unpack(">H", raw[16:18])[0] or 65536
    page = raw[(root[0] - 1) * page_size : root[0] * page_size]
    assert page[0] == LEAF_TABLE_PAGE, "a small table: one leaf page"
    first_free, cells = struct.unpack(">HH", page[1:5])
    offsets: dict[str, int] = {}
    for pointer in range(8, 8 + 2 * cells, 2):
        [offset] = struct.unpack(">H", page[pointer : pointer + 2])
        cell = page[offset : offset + 64]
        if checkin.encode() in cell:
            offsets.update({lv: offset for lv in LEVELS if lv.encode() in cell})
    freeblocks = []
    while first_free:
        following, size = struct.unpack(">HH", page[first_free : first_free + 4])
        freeblocks.append((first_free, size))
        first_free = following
    return offsets, freeblocks, page[7]


def fresh_folder(folder: Path) -> Path:
    folder.mkdir()
    return folder


async def closed_after(fake: FakeSlack, folder: Path, order: tuple[str, ...]) -> Layout:
    """A fresh database: one check-in answered in `order`, another open one; after the close."""
    url = sqlite_url(folder)
    clock = MovableClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    ws = await start_wellspring(make_settings(fake, url), clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake)
    try:
        post = await post_checkin(ws, slack, fake)
        other = await post_checkin(ws, slack, fake, channel="C0OTHER")
        for i, level in enumerate(order):
            await answer(ws, slack, fake, post, f"U0P{folder.name}{i:02d}", level)
        await answer(ws, slack, fake, other, f"U0Q{folder.name}", "late")
        db = Path(make_url(url).database or "")
        with sqlite3.connect(db) as con:
            [checkin] = con.execute("SELECT id FROM checkins WHERE conversation = 'C0TEAM'")
        await close_window(ws, clock)
        assert await ws.inflight.drain(5)
    finally:
        await slack.close()
        await ws.stop()
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "every page is in the file"
    return counter_layout(db, checkin[0])


async def test_the_closed_counters_sit_alike_whatever_the_click_order(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    layouts = [
        await closed_after(fake_slack, fresh_folder(tmp_path / str(n)), order)
        for n, order in enumerate(ORDERS)
    ]
    assert sorted(layouts[0][0]) == sorted(LEVELS), "all four counters found"
    assert layouts[1] == layouts[0]
    assert layouts[2] == layouts[0]
