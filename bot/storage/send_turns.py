"""SqlSendTurns: a rate shared by every replica, as turns reserved in one database row.

Each send reserves the next free turn under its key with a single atomic UPDATE (the
generic cell rate algorithm: the row holds when the next turn is free). Replicas need
not know about each other, a replica that dies loses nothing but the turns it reserved,
and the rate holds however many replicas run. Each reservation is one autocommitted
statement, so the row is locked only while that statement runs, not for a round trip.
"""

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports.clock import Clock
from bot.storage.inserts import insert_once
from bot.storage.tables import send_turns


class SqlSendTurns:
    def __init__(self, engine: AsyncEngine, wall_clock: Clock) -> None:
        """`wall_clock`: real time, the same on every replica (turns are waited for)."""
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._wall_clock = wall_clock

    async def take(self, key: str, interval: float) -> float:
        now = self._wall_clock.now().timestamp()
        next_free = send_turns.c.next_at
        reserve = (
            update(send_turns)
            .where(send_turns.c.key == key)
            .values(next_at=case((next_free > now, next_free), else_=now) + interval)
            .returning(send_turns.c.next_at)
        )
        async with self._engine.connect() as connection:
            for _ in range(2):  # a first send under a key may race another's insert
                reserved = (await connection.execute(reserve)).scalar()
                if reserved is not None:
                    return max(0.0, float(reserved) - interval - now)
                if await insert_once(connection, send_turns, key=key, next_at=now + interval):
                    return 0.0
        raise RuntimeError("send turn neither reserved nor created")
