"""Protocols the core needs from the outside world; storage and adapters implement them."""

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.domain.workspaces import WorkspaceRef


class DeliveryLog(Protocol):
    """Remembers which inbound deliveries (events) already took effect."""

    async def claim(self, workspace: WorkspaceRef, delivery_id: str, at: datetime) -> bool:
        """True the first time a delivery id is seen for a workspace, False after that."""
        ...

    async def forget_before(self, cutoff: datetime) -> int: ...


class UnitOfWork(Protocol):
    """One transaction per event, activity or job."""

    @property
    def deliveries(self) -> DeliveryLog: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
