"""SQLite backups with the online backup API: `python -m bot.storage.backup DEST [DATABASE]`."""

import argparse
import os
import sqlite3
import sys
from pathlib import Path

DEFAULT_DATABASE = "data/wellspring.db"
_SQLITE_PREFIXES = ("sqlite+aiosqlite:///", "sqlite:///")


def sqlite_path(database: str) -> Path:
    """The file of an SQLite DATABASE_URL, or `database` itself when it is a plain path."""
    if database.startswith(("postgres://", "postgresql")):
        raise ValueError("this tool backs up SQLite; for PostgreSQL use pg_dump (see the docs)")
    for prefix in _SQLITE_PREFIXES:
        if database.startswith(prefix):
            database = database.removeprefix(prefix).split("?")[0]
    if database in ("", ":memory:"):
        raise ValueError("an in-memory database has nothing to back up")
    return Path(database)


def backup_sqlite(source: Path, destination: Path) -> None:
    """Copy `source` into a new file `destination` (mode 600), consistent while the app runs.

    The backup API reads through SQLite's own locks, so committed changes still in the
    write-ahead log are included and a half-written page never is; copying the file with
    `cp` while the app writes could be both stale and torn.
    """
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    if destination.exists():
        raise FileExistsError(f"{destination} exists; choose a new name")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Created empty and private first: a backup holds what the database holds.
    os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    live = sqlite3.connect(source)
    copy = sqlite3.connect(destination)
    try:
        live.backup(copy)
        # One self-contained file: no -wal beside it to lose on the way to storage.
        copy.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        copy.close()
        destination.unlink(missing_ok=True)
        raise
    finally:
        live.close()
    copy.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.storage.backup",
        description="Back up Wellspring's SQLite database while it runs. The pulse secret "
        "is not in the backup: keep it apart.",
    )
    parser.add_argument("destination", type=Path, help="the new backup file")
    parser.add_argument(
        "database",
        nargs="?",
        default=DEFAULT_DATABASE,
        help=f"the database file or its DATABASE_URL (default {DEFAULT_DATABASE})",
    )
    args = parser.parse_args(argv)
    try:
        backup_sqlite(sqlite_path(args.database), args.destination)
    except (OSError, ValueError, sqlite3.Error) as error:
        sys.stderr.write(f"backup failed: {error}\n")
        return 1
    sys.stdout.write(f"backed up to {args.destination}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
