"""Rollback without losing data: the previous release's code runs on this code's schema.

The previous release is the code at the commit that last changed `version` in
pyproject.toml (there are no tags), taken from git history with `git archive` and run as
its own process with its own import path, on a database migrated to this code's head
(docs/upgrading.md, "Rolling back"). Known breaks are marked here, each naming its migration.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app import MIGRATIONS
from bot.storage.migrations import upgrade
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.support.replicas import Replica, Replicas

ROOT = Path(__file__).resolve().parents[2]
# What the previous release needs to run: its code, wording and migrations' folder.
RUNS_FROM = ("app.py", "bot", "handlers", "prompts", "alembic", "alembic.ini")
SUPERVISOR, TEAM = "U0SUPER", "C0TEAM"
# A summary shows a check-in from 6 answers (the minimum of 5, and one for the supervisor).
WORKERS = [f"U0WORK{n}" for n in range(6)]
# The previous release's own migrations don't know this head: it must not try to migrate.
OLD_SETTINGS = {
    "AUTO_MIGRATE": "false",
    "SUPERVISOR_USER_IDS": SUPERVISOR,
    "CHECKIN_WINDOW_SECONDS": "60",
}


def previous_release() -> str:
    """The commit that last changed pyproject.toml's version; skips without git history."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the previous release comes from git history")
    found = subprocess.run(
        ["git", "log", "-1", "--format=%H", "-G", r"^version = ", "--", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if found.returncode != 0 or not found.stdout.strip():
        pytest.skip("no git history here (an archive or a shallow clone): no previous release")
    return found.stdout.strip()


@dataclass(frozen=True)
class OldRelease:
    app: Path
    settings: dict[str, str]  # its environment: where its own dependencies are, if any


@pytest.fixture(scope="module")
def old_release(tmp_path_factory: pytest.TempPathFactory) -> OldRelease:
    """The previous release's app.py, extracted with its packages into a folder of its own,
    and the dependencies it names that this environment lacks."""
    commit = previous_release()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "pyproject.toml", *RUNS_FROM],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    folder = tmp_path_factory.mktemp("previous-release")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    extra = its_own_dependencies(commit, folder / "pyproject.toml")
    settings = {"PYTHONPATH": str(extra)} if extra else {}
    # The script's own folder comes first on its import path, before this checkout's.
    probe = "import bot, prompts; print(bot.__file__); print(prompts.__file__)"
    imported = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=folder,
        env={**os.environ, **settings},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(Path(path).is_relative_to(folder) for path in imported), imported
    return OldRelease(folder / "app.py", settings)


def its_own_dependencies(commit: str, pyproject: Path) -> Path | None:
    """The release's runtime dependencies this environment lacks (0.2.0 drew its charts
    with matplotlib), installed once with pip into a folder kept beside this environment;
    None when it needs nothing more."""
    wanted = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    missing = [line for line in wanted if not _installed(Requirement(line))]
    if not missing:
        return None
    folder = Path(sys.prefix) / "previous-releases" / commit[:12]
    if not folder.exists():
        partial = folder.with_name(f"{folder.name}.{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        installed = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(partial), *missing],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            pytest.skip(f"the previous release's {missing} could not be installed with pip")
        partial.rename(folder)
    return folder


def _installed(need: Requirement) -> bool:
    try:
        return need.specifier.contains(version(need.name), prereleases=True)
    except PackageNotFoundError:
        return False


@pytest.fixture
async def at_head(database_url: str) -> AsyncIterator[str]:
    """The test's database, migrated by this code to its head."""
    engine = create_async_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
    finally:
        await engine.dispose()
    yield database_url


async def post_checkin(replica: Replica, fake: FakeSlack) -> ApiCall:
    before = len(fake.calls_to("chat.postMessage"))
    reply = await replica.slack.command("/checkin", "now", channel_id=TEAM, user_id=SUPERVISOR)
    assert reply.status == 200, replica.log
    [post] = (await fake.wait_for("chat.postMessage", count=before + 1))[before:]
    return post


async def answer_all(replica: Replica, fake: FakeSlack, post: ApiCall) -> None:
    """Each worker clicks an answer; each gets a private reply."""
    blocks = post.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    [button, *_] = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("pulse_level")
    ]
    fake.members[TEAM] = [SUPERVISOR, *WORKERS]
    before = len(fake.response_posts)
    for worker in WORKERS:
        reply = await replica.slack.block_action(
            button["action_id"],
            button["value"],
            user_id=worker,
            channel_id=TEAM,
            message_ts=post.response["ts"],
        )
        assert reply.status == 200, replica.log
    await fake.wait_for_response_posts(before + len(WORKERS))


async def window_passes(database_url: str) -> None:
    """The check-ins' windows end now: the replicas run on the real clock, and a window
    lasts at least a minute, so its end is moved rather than waited for."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            past = datetime.now(UTC) - timedelta(seconds=1)
            await connection.execute(text("UPDATE checkins SET closes_at = :t"), {"t": past})
    finally:
        await engine.dispose()


async def summary(replica: Replica, fake: FakeSlack) -> str:
    before = len(fake.response_posts)
    reply = await replica.slack.command("/pulse", "", channel_id=TEAM, user_id=SUPERVISOR)
    assert reply.status == 200, replica.log
    posts = await fake.wait_for_response_posts(before + 1)
    return json.dumps(posts[before].body)


async def test_the_previous_release_posts_counts_and_summarises_on_this_schema(
    old_release: OldRelease, at_head: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = OLD_SETTINGS | old_release.settings
    old = Replicas(fake_slack, at_head, tmp_path, app=old_release.app, **settings)
    try:
        first = await old.start("previous-release")
        post = await post_checkin(first, fake_slack)
        await answer_all(first, fake_slack, post)
        assert await first.stop() == 0, first.log
        await window_passes(at_head)
        # Started again, it closes what fell due while it was down, and summarises it.
        again = await old.start("previous-release-again")
        shown = await summary(again, fake_slack)
        assert "6 answers" in shown, shown
        assert "Traceback" not in again.log, again.log
    finally:
        await old.stop_all()
