"""Whether two database URLs name the same database, however each is spelled."""

import ipaddress
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_IN_MEMORY = ("", ":memory:")
_POSTGRES_PORT = 5432


def same_database(first: str, second: str) -> bool:
    """True for one SQLite file (after resolving the path) or one PostgreSQL server and database.

    An in-memory SQLite database is never shared. PostgreSQL's user and password do not
    matter: two users on one database still empty the same tables. A URL that does not parse
    names no database (it cannot be opened either).
    """
    one, other = _identity(first), _identity(second)
    return one is not None and one == other


def _identity(url: str) -> tuple[str, ...] | None:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        return None if path in _IN_MEMORY else ("sqlite", str(Path(path).resolve()))
    host = _host(parsed.host or "localhost")
    return ("postgresql", host, str(parsed.port or _POSTGRES_PORT), parsed.database or "")


def _host(name: str) -> str:
    """This computer's names as one; other names compared without case."""
    name = name.strip("[]").lower()
    if name == "localhost":
        return "localhost"
    try:
        return "localhost" if ipaddress.ip_address(name).is_loopback else name
    except ValueError:
        return name
