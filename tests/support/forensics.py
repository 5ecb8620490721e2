"""An attacker's tools: every state a copy of the database files can show, and answers linked.

The attacker holds copies of the database files (SQLite's file and WAL, or every page of
every PostgreSQL relation and index, free space included), the list of the workspace's user
ids, and Wellspring's code. They replay the WAL commit by commit, collect every value that
could be a key, pair each new participation marker with the counter that went up beside it,
and line up the old versions of a check-in's counters by transaction id.
"""

import hashlib
import hmac
import itertools
import sqlite3
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

WAL_HEADER, FRAME_HEADER = 32, 24

# What the attacker knows of the code: a marker is an HMAC of the person under some key.
MarkerGuess = Callable[[bytes, str, str, str], Iterable[str]]


@dataclass(frozen=True)
class State:
    """One moment of the database: every table's rows as tuples."""

    tables: dict[str, list[tuple[object, ...]]]

    def counts(self) -> dict[tuple[str, str], int]:
        return {(str(c), str(lv)): int(n) for c, lv, n in self.tables.get("pulse_counts", [])}  # type: ignore[call-overload]

    def markers(self) -> set[tuple[str, str]]:
        return {(str(row[0]), str(row[1])) for row in self.tables.get("pulse_participants", [])}

    def values(self) -> Iterable[object]:
        for rows in self.tables.values():
            for row in rows:
                yield from row


@dataclass
class Evidence:
    """Everything gathered from the copies, in the order it happened."""

    sequences: list[list[State]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    # PostgreSQL: (table, transaction id, column values) of every row version found.
    versions: list[tuple[str, int, tuple[bytes | None, ...]]] = field(default_factory=list)
    # PostgreSQL: every block of every relation and index, as raw bytes.
    pages: list["Page"] = field(default_factory=list)

    def candidate_keys(self) -> set[bytes]:
        """Every stored value long enough to be a key or a secret."""
        found: set[bytes] = set()
        for sequence in self.sequences:
            for state in sequence:
                for value in state.values():
                    if isinstance(value, bytes | memoryview) and len(value) >= 16:
                        found.add(bytes(value))
                    elif isinstance(value, str) and len(value) >= 16:
                        found.add(value.encode())
        for _table, _xid, columns in self.versions:
            found |= {_payload(c) for c in columns if c is not None and len(_payload(c)) >= 16}
        return found


@dataclass(frozen=True)
class Page:
    """One block of a PostgreSQL relation as get_raw_page reads it (relkind r, i, t or m)."""

    relation: str
    kind: str
    block: int
    data: bytes


# A pulse_counts row on a heap page: a 24-byte tuple header (t_xmin first, no null bitmap),
# checkin_id as a short varlena (header byte (37 << 1) | 1 = 0x4b, then 36 characters), level
# as a short varlena, then `responses`, an int4 aligned to 4 bytes.
TUPLE_HEADER = 24
_SHORT_VARLENA_36 = b"\x4b"


def count_versions(
    pages: Iterable[Page], checkin: str, levels: Iterable[str]
) -> set[tuple[str, int, int]]:
    """(level, responses, xmin) of every copy of a check-in's counters left in heap pages.

    What the attacker reads without any secret: the raw bytes of every table page, live
    rows, dead ones and the stale copies in free space alike. Each version of a counter
    carries the transaction that wrote it, so versions sorted by xmin give the levels in the
    order the answers came; the final rows alone (one xmin for all) give nothing of it.
    """
    known = set(levels)
    needle = _SHORT_VARLENA_36 + checkin.encode()
    found: set[tuple[str, int, int]] = set()
    for page in pages:
        if page.kind == "i":
            continue  # index entries hold keys (checkin_id, level), never a count
        at = page.data.find(needle)
        while at >= TUPLE_HEADER:
            level_at = at + len(needle)
            size = (page.data[level_at] >> 1) - 1 if level_at < len(page.data) else 0
            level = page.data[level_at + 1 : level_at + 1 + size].decode(errors="replace")
            value_at = -(-(level_at + 1 + size) // 4) * 4
            if level in known and value_at + 4 <= len(page.data):
                responses = int.from_bytes(page.data[value_at : value_at + 4], "little")
                xmin = int.from_bytes(
                    page.data[at - TUPLE_HEADER : at - TUPLE_HEADER + 4], "little"
                )
                found.add((level, responses, xmin))
            at = page.data.find(needle, at + 1)
    return found


def sqlite_states(db: bytes, wal: bytes, scratch: Path) -> list[State]:
    """The database as it was at the base and after each commit recorded in the WAL."""
    pages = bytearray(db)
    states = [_open_image(bytes(pages), scratch)] if db else []
    if len(wal) < WAL_HEADER:
        return states
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        number, size_after = struct.unpack(">II", wal[offset : offset + 8])
        if wal[offset + 8 : offset + 16] != salts:
            break  # frames left from before the last WAL reset: no longer replayable
        data = wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]
        start = (number - 1) * page_size
        if len(pages) < start + page_size:
            pages.extend(b"\0" * (start + page_size - len(pages)))
        pages[start : start + page_size] = data
        if size_after:
            states.append(_open_image(bytes(pages[: size_after * page_size]), scratch))
        offset += FRAME_HEADER + page_size
    return states


def _open_image(image: bytes, scratch: Path) -> State:
    path = scratch / f"image-{len(list(scratch.iterdir()))}.db"
    path.write_bytes(image)
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return State({name: list(conn.execute(f'SELECT * FROM "{name}"')) for name in names})
    except sqlite3.DatabaseError:
        return State({})  # a half-written image: nothing readable
    finally:
        conn.close()


def link_answers(
    evidence: Evidence,
    workspace: str,
    user_ids: Sequence[str],
    guesses: Sequence[MarkerGuess],
    keys: Iterable[bytes] | None = None,
) -> dict[str, str]:
    """person -> level, for every answer the evidence gives away."""
    candidates = evidence.candidate_keys() if keys is None else set(keys)
    linked: dict[str, str] = {}

    def identify(checkin: str, marker: str) -> str | None:
        for key in candidates:
            for person in user_ids:
                if any(marker == m for g in guesses for m in g(key, checkin, workspace, person)):
                    return person
        return None

    for sequence in evidence.sequences:
        for before, after in itertools.pairwise(sequence):
            rose = [
                (checkin, level)
                for (checkin, level), n in after.counts().items()
                if n == before.counts().get((checkin, level), 0) + 1
            ]
            new = after.markers() - before.markers()
            if len(rose) == 1 and len(new) == 1:
                [(checkin, marker)] = new
                person = identify(checkin, marker)
                if person is not None:
                    linked[person] = rose[0][1]
    # PostgreSQL keeps old row versions: a marker and a counter written by one transaction.
    by_xid: dict[int, list[tuple[str, tuple[bytes | None, ...]]]] = {}
    for table, xid, columns in set(evidence.versions):  # each copy sees them again
        by_xid.setdefault(xid, []).append((table, columns))
    for rows in by_xid.values():
        markers = [cols for table, cols in rows if table == "pulse_participants"]
        counters = [cols for table, cols in rows if table == "pulse_counts"]
        if len(markers) == 1 and len(counters) == 1:
            checkin, marker = (_text(c) for c in markers[0][:2])
            person = identify(checkin, marker)
            if person is not None:
                linked[person] = _text(counters[0][1])
    return linked


def _payload(column: bytes) -> bytes:
    """A column's bytes as pageinspect gives them, less the varlena header (1 or 4 bytes)."""
    return column[1:] if column and column[0] & 1 else column[4:]


def _text(column: bytes | None) -> str:
    return _payload(column).decode(errors="replace") if column else ""


def plain_hmac(key: bytes, _checkin: str, _workspace: str, person: str) -> list[str]:
    """A marker made directly with a per-check-in key (Wellspring's design until 0.1)."""
    return [hmac.new(key, person.encode(), hashlib.sha256).hexdigest()]


def co_written(evidence: Evidence, people: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """person -> levels, where a row naming just that person was written as a count rose.

    No key needed: a row that names the clicker (an address book entry, an audit line)
    written in the same commit as the count gives the answer away. `people` maps each
    person to every way they are named (ids, name, sign-in name).
    """
    linked: dict[str, set[str]] = {}
    for sequence in evidence.sequences:
        for before, after in itertools.pairwise(sequence):
            rose = {
                level
                for (checkin, level), n in after.counts().items()
                if n > before.counts().get((checkin, level), 0)
            }
            fresh = " ".join(
                str(value)
                for table, rows in after.tables.items()
                for row in set(rows) - set(before.tables.get(table, []))
                for value in row
            )
            named = [p for p, names in people.items() if any(n in fresh for n in names)]
            if len(rose) == 1 and len(named) == 1:
                linked.setdefault(named[0], set()).update(rose)
    return linked
