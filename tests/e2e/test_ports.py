"""Ports at start: a taken one is one line naming its setting; the playground needs no
metrics listener, and a second playground with the default port takes the next free one."""

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import aiohttp
import pytest

from bootstrap import start_wellspring
from bot.config.settings import SettingsProblem
from tests.e2e.conftest import make_settings
from tests.e2e.test_playground import playground_settings
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def taken_port() -> Iterator[int]:
    """A port another program on this computer is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def playground_env(**settings: str) -> dict[str, str]:
    """This environment without any chat platform or listener setting, so defaults apply."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_", "TEAMS_", "PORT", "METRICS_", "HOST"))
    }
    return kept | settings


@asynccontextmanager
async def app_process(cwd: Path, env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "app.py"),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def banner_url(process: asyncio.subprocess.Process) -> str:
    """The address the playground printed on start."""
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
    found = re.search(r"http://[\d.]+:\d+/", line.decode())
    assert found, f"no address in {line!r}"
    return found.group(0)


async def test_the_playground_opens_no_metrics_listener(tmp_path: Path) -> None:
    ws = await start_wellspring(playground_settings(tmp_path))
    try:
        assert ws.metrics_runner is None and ws.metrics_url == ""
    finally:
        await ws.stop()


async def test_a_taken_port_is_one_line_naming_port(tmp_path: Path) -> None:
    with taken_port() as port:
        async with app_process(tmp_path, playground_env(PORT=str(port))) as process:
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    [line] = stderr.decode().strip().splitlines()
    assert line.startswith(f"Setting PORT is {port}, and another program on this computer")
    assert "Traceback" not in line and stdout == b""


async def test_a_taken_metrics_port_is_one_line_naming_metrics_port(
    fake_slack: FakeSlack, database_url: str
) -> None:
    with taken_port() as port, pytest.raises(SettingsProblem) as refused:
        await start_wellspring(make_settings(fake_slack, database_url, metrics_port=port))
    assert (refused.value.setting, refused.value.reason) == ("METRICS_PORT", "port_taken")
    assert refused.value.details["port"] == str(port)


async def test_two_playgrounds_with_default_settings_both_start(tmp_path: Path) -> None:
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir(), second_dir.mkdir()
    async with (
        app_process(first_dir, playground_env()) as first,
        app_process(second_dir, playground_env()) as second,
    ):
        urls = {await banner_url(first), await banner_url(second)}
        assert len(urls) == 2, "each on a port of its own"
        async with aiohttp.ClientSession() as session:
            for url in urls:
                async with session.get(url) as page:
                    assert page.status == 200 and "#family-support" in await page.text()
        for process in (first, second):
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=20)
            assert process.returncode == 0
