"""chat.postMessage rate limits for the fake Slack: per channel and per workspace.

Slack allows about one message per second in a channel, with short bursts, and applies a
workspace-wide limit on top; a refused call gets HTTP 429 with `Retry-After` (whole seconds).
Both are token buckets here: `rate` tokens a second, holding at most `burst`.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PostLimits:
    per_second: float = 50.0  # the workspace budget
    burst: int = 10
    channel_per_second: float = 1.0
    channel_burst: int = 3


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float

    def wait(self, now: float) -> float:
        """Seconds until a token is here (0 when one is)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class PostRateLimiter:
    """Admits or refuses each chat.postMessage, and keeps what a benchmark reports."""

    limits: PostLimits = field(default_factory=PostLimits)
    clock: Callable[[], float] = time.monotonic
    attempts: list[float] = field(default_factory=list)  # when each call arrived
    limited: int = 0  # calls answered 429
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def admit(self, team: str, channel: str) -> int | None:
        """None if the call may post; otherwise the Retry-After in whole seconds."""
        now = self.clock()
        self.attempts.append(now)
        limits = self.limits
        buckets = (
            self._bucket(f"team:{team}", limits.per_second, limits.burst, now),
            self._bucket(
                f"channel:{team}:{channel}", limits.channel_per_second, limits.channel_burst, now
            ),
        )
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            self.limited += 1
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None

    def peak(self, window: float = 1.0) -> int:
        """The most calls that arrived within any `window` seconds (refused ones included)."""
        times, best, start = sorted(self.attempts), 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def _bucket(self, key: str, rate: float, burst: int, now: float) -> _Bucket:
        if key not in self._buckets:
            self._buckets[key] = _Bucket(rate, float(burst), float(burst), now)
        return self._buckets[key]
