"""The playground's clock: real time moved forward by the visitor's time controls."""

from datetime import datetime, timedelta

from bot.ports.clock import SystemClock


class MovableClock:
    """The core's Clock; `advance` makes hours pass in a click.

    Given a `start`, time stands still there between clicks (tests use that).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._wall = SystemClock()
        self._start = start
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return (self._start or self._wall.now()) + self._offset

    def advance(self, by: timedelta) -> None:
        self._offset += by

    def reset(self) -> None:
        self._offset = timedelta(0)
