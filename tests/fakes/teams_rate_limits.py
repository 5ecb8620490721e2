"""The Bot Connector's rate limits for the fake: per conversation (thread) and per tenant.

Microsoft documents them in "Optimize your bot: rate limiting and best practices in
Microsoft Teams" (now "Rate limiting for agents",
https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit):

- per bot per thread, sending to a conversation: at most 7 operations in 1 s, 8 in 2 s,
  60 in 30 s and 1,800 in 3,600 s; reading its members twice those (14, 16, 120, 3,600);
- every request of one app in one tenant together: 50 a second (earlier versions of the
  page said 30), whatever the conversation, reads included.

Beyond a limit Teams answers 429 with `Retry-After`. Each limit is a sliding window
here: a call is refused when the window ending now already holds the most it allows.
The fake serves one tenant, so every call it gets counts against the tenant's limit.
"""

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

Windows = tuple[tuple[float, int], ...]  # (seconds, most calls in them)

SEND_WINDOWS: Windows = ((1, 7), (2, 8), (30, 60), (3600, 1800))
READ_WINDOWS: Windows = ((1, 14), (2, 16), (30, 120), (3600, 3600))


@dataclass(frozen=True)
class ConnectorLimits:
    tenant_per_second: int = 50
    thread_sends: Windows = SEND_WINDOWS
    thread_reads: Windows = READ_WINDOWS


@dataclass
class ConnectorRateLimiter:
    """Admits or refuses each call, and keeps what a benchmark reports."""

    limits: ConnectorLimits = field(default_factory=ConnectorLimits)
    clock: Callable[[], float] = time.monotonic
    attempts: list[float] = field(default_factory=list)  # when each call arrived
    limited: int = 0  # calls answered 429
    limited_by_thread: int = 0  # of those, refused for their conversation's limit
    _tenant: deque[float] = field(default_factory=deque)
    _threads: defaultdict[tuple[str, str], deque[float]] = field(
        default_factory=lambda: defaultdict(deque)
    )

    def admit(self, kind: str, thread: str | None) -> int | None:
        """None if the call may go on; otherwise the Retry-After in whole seconds.

        `kind` is "send" (a message posted, updated or deleted), "read" (members) or
        anything else (counted only against the tenant)."""
        now = self.clock()
        self.attempts.append(now)
        wait = _wait(self._tenant, ((1.0, self.limits.tenant_per_second),), now)
        windows = {"send": self.limits.thread_sends, "read": self.limits.thread_reads}
        thread_wait = 0.0
        if thread is not None and kind in windows:
            thread_wait = _wait(self._threads[(kind, thread)], windows[kind], now)
        if max(wait, thread_wait) > 0:
            self.limited += 1
            self.limited_by_thread += thread_wait > 0
            return max(1, math.ceil(max(wait, thread_wait)))
        self._tenant.append(now)
        if thread is not None and kind in windows:
            self._threads[(kind, thread)].append(now)
        return None

    def peak(self, window: float = 1.0) -> int:
        """The most calls that arrived within any `window` seconds (refused ones included)."""
        times, best, start = sorted(self.attempts), 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best


def _wait(admitted: deque[float], windows: Windows, now: float) -> float:
    """Seconds until one more call fits every window, given the calls admitted before."""
    longest = max(seconds for seconds, _ in windows)
    while admitted and admitted[0] <= now - longest:
        admitted.popleft()
    wait = 0.0
    for seconds, most in windows:
        inside = sum(1 for at in admitted if at > now - seconds)
        if inside >= most:  # the most-th newest call must leave the window first
            wait = max(wait, admitted[-most] + seconds - now)
    return wait
