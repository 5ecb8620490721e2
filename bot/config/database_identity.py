"""Whether two database URLs open the same database, as their drivers will resolve them."""

import getpass
import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import parse_qsl, unquote

from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.util import asbool

_THIS_MACHINE = "this machine"
_POSTGRES_PORT = 5432
_UNTRACEABLE_POSTGRES_OPTIONS = ("dsn", "service", "servicefile")

# A SQLite file (compared with os.path.samefile once both exist), a shared in-memory database
# by name, or a PostgreSQL ("postgresql", host, port, database) whose host is resolved only
# when the rest already matches.
_Target = Path | tuple[str, ...]


class _CannotTell(Exception):
    """The URL's target cannot be worked out, so it may be any database."""


def same_database(first: str, second: str) -> bool:
    """True when the two URLs may open one database; in doubt (a URL that does not parse) too.

    SQLite: one file however it is reached (a `file:` URI, a relative path, a hard link or
    symlink). A private in-memory database is never shared. PostgreSQL: one server and database
    as asyncpg resolves them - the `host=` and `port=` query, PGHOST, PGPORT, PGDATABASE, the
    user (PGUSER, else the OS user) as the database's name - with every address and socket of
    this machine counted as one host. The user and password do not matter: two users on one
    database still empty the same tables. Options that point elsewhere in ways not traced here
    (dsn, service) count as doubt, as does a backend other than these two.
    """
    try:
        one, other = _targets(first), _targets(second)
    except (_CannotTell, ArgumentError, ValueError, TypeError):
        return True
    return any(_same(a, b) for a in one for b in other)


def _same(one: _Target, other: _Target) -> bool:
    if isinstance(one, Path) and isinstance(other, Path) and one.exists() and other.exists():
        return os.path.samefile(one, other)
    if isinstance(one, tuple) and isinstance(other, tuple) and one[0] == other[0] == "postgresql":
        (_, host, *rest), (_, other_host, *other_rest) = one, other
        return rest == other_rest and bool(_host_keys(host) & _host_keys(other_host))
    return one == other


def _targets(text: str) -> list[_Target]:
    url = make_url(text)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_targets(url)
    if backend == "postgresql":
        return _postgres_targets(url)
    raise _CannotTell


def _sqlite_targets(url: URL) -> list[_Target]:
    """The files SQLAlchemy's SQLite driver may open: without uri=true, `file:` reads both ways."""
    name = url.database or ""
    uri = asbool(url.query.get("uri", False))
    targets: list[_Target] = []
    if name.startswith("file:"):
        targets += _sqlite_uri_target(name, dict(url.query))
    if name and name != ":memory:" and not (uri and name.startswith("file:")):
        targets.append(Path(name).resolve())
    return targets


def _sqlite_uri_target(name: str, query: dict[str, object]) -> list[_Target]:
    rest, _, inline = name.removeprefix("file:").partition("?")
    options = {**query, **dict(parse_qsl(inline.partition("#")[0]))}
    path = rest.partition("#")[0]
    if path.startswith("//"):
        authority, _, tail = path[2:].partition("/")
        if authority.lower() not in ("", "localhost"):
            raise _CannotTell
        path = "/" + tail
    path = unquote(path)
    if "vfs" in options:
        raise _CannotTell
    if options.get("mode") == "memory" or path == ":memory:":
        return [("sqlite memory", path)] if options.get("cache") == "shared" else []
    return [Path(path).resolve()] if path else []


def _postgres_targets(url: URL) -> list[_Target]:
    if any(option in url.query for option in _UNTRACEABLE_POSTGRES_OPTIONS):
        raise _CannotTell
    asyncpg = PGDialect_asyncpg()  # type: ignore[no-untyped-call]
    _, given = asyncpg.create_connect_args(url.set(drivername="postgresql+asyncpg"))  # type: ignore[no-untyped-call]
    specs = _listed(given.get("host") or os.environ.get("PGHOST")) or [""]
    ports = _per_host(given.get("port"), len(specs))
    defaults = _per_host(os.environ.get("PGPORT"), len(specs))
    user = given.get("user") or os.environ.get("PGUSER") or getpass.getuser()
    database = given.get("database") or os.environ.get("PGDATABASE") or user
    targets: list[_Target] = []
    for spec, port, default in zip(specs, ports, defaults, strict=True):
        host, chosen = _place(spec, port)
        number = str(chosen or default or _POSTGRES_PORT)
        targets.append(("postgresql", host, number, database))
    return targets


def _listed(value: object) -> list[str]:
    """A host or port setting as a list: libpq and asyncpg both take comma-separated lists."""
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value).split(",")


def _per_host(value: object, count: int) -> list[int | None]:
    """One port for each host (None when unset), paired as asyncpg pairs them."""
    ports = _listed(value) or [""]
    if len(ports) == 1:
        ports *= count
    if len(ports) != count:
        raise _CannotTell
    return [int(port) if port else None for port in ports]


def _place(spec: str, port: int | None) -> tuple[str, int | None]:
    """The host one host spec names, and its port if the spec or the URL fixes one.

    A socket file (`.s.PGSQL.5433`) fixes its own port; a `host:port` spec only when the URL
    gives none.
    """
    if not spec or spec.startswith("/"):
        _, marker, own = spec.rpartition(".s.PGSQL.")
        return _THIS_MACHINE, int(own) if marker else port
    try:
        return str(ipaddress.ip_address(spec.partition("%")[0])), port
    except ValueError:
        pass
    if spec.startswith("["):
        name, _, own = spec[1:].partition("]")
        own = own.removeprefix(":")
    else:
        name, _, own = spec.partition(":")
    return name, port or (int(own) if own else None)


def _host_keys(name: str) -> frozenset[str]:
    """This machine as one key; another host by its addresses, or by name if it does not resolve."""
    if name == _THIS_MACHINE:
        return frozenset({name})
    try:
        found = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return frozenset({name.lower()})
    addresses = {_address(str(sockaddr[0])) for *_, sockaddr in found}
    if any(_is_this_machine(address) for address in addresses):
        return frozenset({_THIS_MACHINE})
    return frozenset(str(address) for address in addresses)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text.partition("%")[0])
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_this_machine(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.is_loopback or address.is_unspecified or address in _own_addresses():
        return True
    family = socket.AF_INET if address.version == 4 else socket.AF_INET6
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((str(address), 0))
        except OSError:
            return False
    return True


def _own_addresses() -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses this machine's own hostname resolves to."""
    try:
        found = socket.getaddrinfo(socket.gethostname(), None, type=socket.SOCK_STREAM)
    except OSError:
        return set()
    return {_address(str(sockaddr[0])) for *_, sockaddr in found}
