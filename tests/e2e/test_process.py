"""`python app.py` as an operator runs it: migrates, serves /healthz, exits 0 on SIGTERM."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp

from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


async def _wait_healthy(url: str, process: asyncio.subprocess.Process) -> dict[str, object]:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            assert process.returncode is None, "the app exited early"
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=1)) as reply:
                    if reply.status == 200:
                        body: dict[str, object] = await reply.json()
                        return body
            except aiohttp.ClientError:
                pass
            # Waiting for another process to come up: there is no clock to inject here.
            await asyncio.sleep(0.05)
    raise AssertionError("/healthz never answered 200")


async def _start_app(
    cwd: Path, fake_slack: FakeSlack, port: int, **settings: str
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "PORT": str(port),
        "METRICS_PORT": "0",
        "LOG_LEVEL": "info",
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "app.py"),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_app_starts_in_http_mode_and_stops_cleanly_on_sigterm(
    tmp_path: Path, fake_slack: FakeSlack, unused_tcp_port: int
) -> None:
    process = await _start_app(tmp_path, fake_slack, unused_tcp_port)
    try:
        body = await _wait_healthy(f"http://127.0.0.1:{unused_tcp_port}/healthz", process)
        assert body == {"status": "ok"}, "the public port names no checks"
        assert (tmp_path / "data" / "wellspring.db").exists(), "default SQLite file created"
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "stopped" in log
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log


async def test_an_app_token_slack_refuses_exits_2_with_one_line_naming_it(
    tmp_path: Path, fake_slack: FakeSlack, unused_tcp_port: int
) -> None:
    fake_slack.fail_next("apps.connections.open", error="invalid_auth")
    app_token = "xapp-1-A0WELL-1-revoked"
    process = await _start_app(tmp_path, fake_slack, unused_tcp_port, SLACK_APP_TOKEN=app_token)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    [line] = stderr.decode().strip().splitlines()
    assert line.startswith("Setting SLACK_APP_TOKEN was refused by Slack (invalid_auth)")
    assert app_token not in line


async def test_with_no_settings_at_all_the_playground_opens_in_its_own_file(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "TEAMS_"))
    }
    env |= {"PORT": str(unused_tcp_port), "METRICS_PORT": "0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "app.py"),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _wait_healthy(f"http://127.0.0.1:{unused_tcp_port}/healthz", process)
        url = f"http://127.0.0.1:{unused_tcp_port}/"
        async with aiohttp.ClientSession() as session, session.get(url) as reply:
            page = await reply.text()
        process.send_signal(signal.SIGTERM)
        stdout, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert "#family-support" in page and "#hospital-social-work" in page
    [line] = stdout.decode().strip().splitlines()
    assert f"http://127.0.0.1:{unused_tcp_port}/" in line and "no chat service" in line
    assert (tmp_path / "data" / "playground.db").exists()
    assert not (tmp_path / "data" / "wellspring.db").exists(), "never the real database"
