"""What the anonymity canaries look for, and where: every disguise of a value, every table."""

import base64
import hashlib

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection


def disguises(*values: str) -> set[str]:
    """The ways an id or a name could hide in storage or logs: raw, lower, SHA-256, base64."""
    found: set[str] = set()
    for value in values:
        raw = value.encode()
        found |= {value, value.lower(), hashlib.sha256(raw).hexdigest()}
        found |= {
            base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
        }
    return found


async def dump_database(conn: AsyncConnection) -> str:
    """Every row of every table, one line each, bytes shown as hex and base64."""
    tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    lines = []
    for table in tables:
        for row in await conn.execute(text(f'SELECT * FROM "{table}"')):
            lines.append(f"{table}: " + " ".join(_shown(value) for value in row))
    return "\n".join(lines)


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return value.hex() + " " + base64.b64encode(value).decode()
    return str(value)
