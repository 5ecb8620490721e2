"""Microsoft 365 Agents Playground (the pinned npm package in tests/emulator): running it
against the app, driving its page in Chromium, and reading what it and the app exchanged."""

import asyncio
import json
import os
import shutil
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp

EMULATOR_DIR = Path(__file__).resolve().parents[1] / "emulator"
CLI = EMULATOR_DIR / "node_modules" / ".bin" / "agentsplayground"
LOOPBACK_ONLY = EMULATOR_DIR / "loopback-only.cjs"
NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# As root in a container, without the network Chromium would otherwise look for.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BOT_NAME = "Test Bot"  # the bot in the emulator's default mock tenant
WAIT_SECONDS = 15  # a bound on each wait for the emulator, not a measurement
T = TypeVar("T")


def missing() -> str | None:
    """Why the emulator can't run here, or None."""
    if NODE is None:
        return "no node: install Node.js and npm (.ci/run does)"
    if not CLI.exists():
        return "the Agents Playground is not installed: make emulator (make test does)"
    if CHROMIUM is None:
        return "no Chromium: install Debian's chromium package (.ci/run does)"
    return None


def local_only(url: str) -> bool:
    return urlsplit(url).hostname in LOOPBACK_HOSTS


@dataclass
class Emulator:
    """A running Agents Playground: its address and its internal API (what its page uses)."""

    url: str
    blocked_log: Path

    @property
    def blocked(self) -> list[str]:
        """host:port of each outbound connection the loopback guard refused."""
        log = self.blocked_log
        return log.read_text().split() if log.exists() else []

    async def config(self) -> dict[str, Any]:
        """Its mock tenant: the signed-in user, the others, the personal chat, the team."""
        return dict((await self._get("/_internal/v1/testConfig", {}))["config"])

    async def template(self, conversation: str) -> dict[str, Any]:
        """The activity its "Custom activity" form starts from in `conversation`."""
        query = {"conversationId": conversation}
        return dict(await self._get("/_internal/v1/customActivities/template", query))

    async def custom_activity(self, activity: dict[str, Any]) -> None:
        """What its "Custom activity" form does: send `activity` to the app as it is."""
        url = f"{self.url}/_internal/v1/customActivities"
        async with aiohttp.ClientSession() as session, session.post(url, json=activity) as sent:
            assert sent.status == 200, await sent.text()

    async def _get(self, path: str, query: dict[str, str]) -> Any:
        url = f"{self.url}{path}"
        async with aiohttp.ClientSession() as session, session.get(url, params=query) as got:
            assert got.status == 200, await got.text()
            return await got.json()


def _environment(workdir: Path) -> dict[str, str]:
    """The emulator's environment: no proxy, its guard, no browser of its own, no telemetry."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    }
    return env | {
        "NODE_OPTIONS": f"--require {LOOPBACK_ONLY}",
        "LOOPBACK_ONLY_LOG": str(workdir / "blocked.log"),
        "TEAMSAPPTESTER_BROWSER": "none",
        # --disable-telemetry stops its events, yet Application Insights still starts and
        # sends its own usage beat (after asking the Azure VM metadata address): not this.
        "APPLICATION_INSIGHTS_NO_STATSBEAT": "true",
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(workdir / "playground.log"),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def running_emulator(bot_endpoint: str, workdir: Path) -> AsyncIterator[Emulator]:
    """The Agents Playground in Teams mode on a free loopback port (its guard keeps it there
    and refuses every outbound connection: tests/emulator/loopback-only.cjs)."""
    assert NODE is not None
    env, port = _environment(workdir), _free_port()
    process = await asyncio.create_subprocess_exec(
        NODE,
        str(CLI),
        *("--app-endpoint", bot_endpoint, "--channel-id", "msteams", "--disable-telemetry"),
        *("--port", str(port), "--service-url", f"http://127.0.0.1:{port}/_connector"),
        cwd=workdir,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    drain = None
    try:
        async with asyncio.timeout(30):
            said = (await process.stdout.readline()).decode().strip()
        assert said == f"Listening on {port}", f"the emulator said {said!r}"
        drain = asyncio.create_task(process.stdout.read())  # it logs on; keep the pipe open
        yield Emulator(f"http://127.0.0.1:{port}", workdir / "blocked.log")
    finally:
        if process.returncode is None:
            process.terminate()
        async with asyncio.timeout(10):
            await process.wait()
        if drain is not None:
            await drain


@dataclass
class Traffic:
    """What the emulator's page hears on its two streams: its log of every activity between
    it and the app (requests and responses), and the messages the app posts or updates."""

    log: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    _heard: asyncio.Event = field(default_factory=asyncio.Event)

    def heard(self, url: str, payload: str | bytes) -> None:
        with suppress(ValueError):
            frame = json.loads(payload)
            if url.endswith("/_ws/log/stream") and "log" in frame:
                self.log.append(frame["log"])
            elif "/_ws_conversation/" in url:
                self.messages.append(frame)
            self._heard.set()

    async def until(self, found: Callable[[], T | None], what: str) -> T:
        """The first truthy `found()`, looked for again each time the page hears something."""
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                while True:
                    self._heard.clear()
                    if value := found():
                        return value
                    await self._heard.wait()
        except TimeoutError:
            raise AssertionError(f"the emulator's page never heard {what}") from None

    def to_app(self, activity: str, name: str | None = None) -> list[dict[str, Any]]:
        """Log entries of activities the emulator sent to the app, with the app's answer."""
        return [
            entry
            for entry in self.log
            if entry.get("to") == "User Application"
            and entry.get("activityName") == activity
            and (name is None or entry["request"]["body"].get("name") == name)
        ]

    def answer_to(self, activity_id: str) -> dict[str, Any] | None:
        """The app's answer (status and body) to the activity `activity_id`, once logged."""
        for entry in self.log:
            if entry.get("request", {}).get("body", {}).get("id") == activity_id:
                return dict(entry.get("response") or {})
        return None

    def from_app(self, action: str) -> list[dict[str, Any]]:
        """Messages the app created or updated (`action`: createMessage, updateMessage…)."""
        return [m["message"] for m in self.messages if m.get("action") == action]


class PlaygroundPage:
    """Someone at the emulator's page: opens chats and channels, types, presses buttons."""

    def __init__(self, page: Any, traffic: Traffic) -> None:
        self.page, self.traffic = page, traffic

    async def open(self, url: str) -> None:
        """Its page, which installs the app in the personal chat as it loads."""
        await self.page.goto(url + "/")
        await self.shows(BOT_NAME)

    async def go_to(self, name: str) -> None:
        """A chat or channel in the side bar (opening a channel installs the app in its team)."""
        await self.page.get_by_text(name, exact=True).click()

    async def say(self, text: str) -> None:
        """Type into the chat's box and press Enter."""
        await self.page.get_by_role("textbox").last.click()
        await self.page.keyboard.type(text)
        await self.page.keyboard.press("Enter")

    async def post_to_bot(self, text: str) -> None:
        """A new channel post that @mentions the bot, picked from the mention list."""
        await self.page.get_by_role("textbox").first.click()
        await self.page.keyboard.type("@" + BOT_NAME.split()[0])
        await self.page.get_by_role("menuitem", name=BOT_NAME).click()
        await self.page.keyboard.type(" " + text)
        await self.page.get_by_role("button", name="Post").click()

    async def press(self, button: str) -> None:
        await self.page.get_by_role("button", name=button).last.click()

    async def mock(self, item: str, shows: str) -> None:
        """An entry of its "Mock an Activity" menu, sent once its form `shows` the activity."""
        await self.page.get_by_text("Mock an Activity").click()
        await self.page.get_by_role("menuitem").get_by_text(item, exact=True).click()
        dialog = self.page.get_by_role("dialog")
        await dialog.get_by_text(shows).first.wait_for(timeout=WAIT_SECONDS * 1000)
        await dialog.get_by_role("button", name="Send activity").click()

    async def shows(self, text: str) -> None:
        """Wait until `text` is visible on the page."""
        await self.page.get_by_text(text).last.wait_for(timeout=WAIT_SECONDS * 1000)

    async def shot(self, path: Path) -> None:
        await self.page.screenshot(path=str(path), full_page=True)
