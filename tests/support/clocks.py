"""The clock tests hand to services: it shows one time until the test moves it."""

from datetime import UTC, datetime

# A weekday morning, for tests where the time itself does not matter.
A_MORNING = datetime(2026, 11, 3, 9, tzinfo=UTC)


class FixedClock:
    """A Clock that tells `current`; a test moves it by assigning `current`."""

    def __init__(self, now: datetime = A_MORNING) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current
