"""The real app as separate OS processes (`python app.py`), as replicas run in production.

Each replica gets its environment (database, the fake Slack's URL, secrets, a free port),
is waited for until /healthz answers 200, and can be stopped with SIGTERM or killed with
SIGKILL. Its log (standard error) is kept for the test to read.
"""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import BOT_TOKEN, PULSE_SECRET, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.databases import POSTGRES_SKIP_REASON, fresh_postgres, postgres_base_url

ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 60  # generous: other tests share the machine's two cores
STOP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Replica:
    """One `python app.py` process and a signed Slack client pointed at it."""

    name: str
    process: asyncio.subprocess.Process
    url: str
    slack: SignedSlackClient
    log_lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Read the log as it comes, so a busy replica never blocks on a full pipe.
        self._reader = asyncio.create_task(_collect(self.process, self.log_lines))

    @property
    def log(self) -> str:
        return "".join(self.log_lines)

    async def status(self, path: str) -> int:
        """The HTTP status of GET `path` on the public port."""
        async with aiohttp.ClientSession() as session, session.get(self.url + path) as reply:
            return reply.status

    async def wait_status(self, path: str, wanted: int, seconds: float) -> None:
        """Poll GET `path` until it answers `wanted`; fail after `seconds`."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    assert self.process.returncode is None, f"{self.name} exited:\n{self.log}"
                    try:
                        if await self.status(path) == wanted:
                            return
                    except aiohttp.ClientError:
                        pass
                    # Another process: there is no event to wait on, only its answers.
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise AssertionError(f"{self.name}: {path} never answered {wanted}") from None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no draining, as when a node dies."""
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> int:
        """SIGTERM and wait: in-flight work finishes first. The exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        await self.slack.close()
        await self._reader
        return int(self.process.returncode or 0)


class Replicas:
    """Starts replicas of the app on one database, all talking to one fake Slack."""

    def __init__(
        self,
        fake: FakeSlack,
        database_url: str,
        workdir: Path,
        app: Path = ROOT / "app.py",
        **settings: str,
    ) -> None:
        """`app`: which code runs (another release's app.py imports its own packages)."""
        self._fake, self._database_url, self._workdir = fake, database_url, workdir
        self._app, self._settings = app, settings
        self.started: list[Replica] = []

    async def start(self, name: str, **settings: str) -> Replica:
        """Start one replica and wait until it is ready (/healthz 200)."""
        port = free_port()
        folder = self._workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(self._app),
            cwd=folder,
            env=self._environment(port, {**self._settings, **settings}),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        replica = Replica(name, process, url, SignedSlackClient(url, SIGNING_SECRET, self._fake))
        self.started.append(replica)
        await replica.wait_status("/healthz", 200, READY_SECONDS)
        return replica

    def _environment(self, port: int, settings: dict[str, str]) -> dict[str, str]:
        # Nothing from the developer's own environment that could change the app's settings.
        kept = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
        return kept | {
            "DATABASE_URL": self._database_url,
            "SLACK_API_URL": self._fake.api_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "PULSE_SECRET": PULSE_SECRET,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "METRICS_PORT": "0",
            "LOG_LEVEL": "INFO",
            **settings,
        }

    async def stop_all(self) -> None:
        for replica in self.started:
            await replica.stop()


@asynccontextmanager
async def replicas(
    fake: FakeSlack, database_url: str, workdir: Path, **settings: str
) -> AsyncIterator[Replicas]:
    """Replicas started in the block are stopped (or reaped, if killed) when it ends."""
    started = Replicas(fake, database_url, workdir, **settings)
    try:
        yield started
    finally:
        await started.stop_all()


async def _collect(process: asyncio.subprocess.Process, lines: list[str]) -> None:
    assert process.stderr is not None
    while line := await process.stderr.readline():
        lines.append(line.decode(errors="replace"))


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database beside TEST_DATABASE_URL's; the test skips without one."""
    base = postgres_base_url()
    if base is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    async with fresh_postgres(base) as url:
        yield url


async def called_until(
    fake: FakeSlack, method: str, done: Callable[[], bool], seconds: float
) -> bool:
    """Whether `done()` came true within `seconds`, checked as each `method` call arrives."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not done():
        remaining = deadline - loop.time()
        if remaining <= 0:
            return False
        try:
            await fake.wait_for(method, len(fake.calls_to(method)) + 1, remaining)
        except AssertionError:  # the fake's way of saying no call came in time
            return done()
    return True


async def wait_for_calls(
    fake: FakeSlack, method: str, done: Callable[[], bool], seconds: float, what: str
) -> None:
    assert await called_until(fake, method, done, seconds), f"waited {seconds:.0f}s for {what}"
