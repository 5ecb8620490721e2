"""Tracks in-flight work so a shutdown can wait for it to finish."""

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)


class InFlight:
    """The set of tasks doing work that should not be cut off by SIGTERM."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def track(self, func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        """Wrap a coroutine function so each run registers the task running it."""

        @functools.wraps(func)
        async def tracked(*args: P.args, **kwargs: P.kwargs) -> R:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                return await func(*args, **kwargs)
            finally:
                if task is not None:
                    self._tasks.discard(task)

        return tracked

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, grace: float) -> bool:
        """Wait until tracked work is done; False if some was still running at the deadline."""
        current = asyncio.current_task()
        pending = {task for task in self._tasks if task is not current and not task.done()}
        if not pending:
            return True
        _, still_running = await asyncio.wait(pending, timeout=grace)
        if still_running:
            logger.warning(
                "shutdown: %d task(s) still running after %.0fs", len(still_running), grace
            )
        return not still_running
