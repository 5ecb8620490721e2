"""Liveness and readiness on the public port: /livez stays up through a database outage."""

import json

import aiohttp
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap import Wellspring


async def _get(url: str) -> tuple[int, object]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, json.loads(await response.text())


async def test_live_and_ready_say_only_ok_when_all_is_well(wellspring: Wellspring) -> None:
    for path in ("/livez", "/readyz", "/healthz"):
        assert await _get(wellspring.url + path) == (200, {"status": "ok"}), path


async def test_a_stopped_scheduler_makes_the_app_unready_but_still_alive(
    wellspring: Wellspring,
) -> None:
    wellspring.scheduler.shutdown()
    assert await _get(wellspring.url + "/readyz") == (503, {"status": "unhealthy"})
    assert await _get(wellspring.url + "/healthz") == (503, {"status": "unhealthy"})
    assert await _get(wellspring.url + "/livez") == (200, {"status": "ok"})


async def test_a_database_outage_makes_the_app_unready_but_still_alive(
    wellspring: Wellspring,
) -> None:
    engine = wellspring.engine.sync_engine
    working = engine.pool
    # The probes hold the app's engine: give it, for a moment, a pool that can't connect.
    broken = create_async_engine("sqlite+aiosqlite:////nonexistent/dir/wellspring.db")
    engine.pool = broken.sync_engine.pool
    try:
        assert await _get(wellspring.url + "/readyz") == (503, {"status": "unhealthy"})
        assert await _get(wellspring.url + "/livez") == (200, {"status": "ok"})
    finally:
        engine.pool = working
        await broken.dispose()
    assert await _get(wellspring.url + "/readyz") == (200, {"status": "ok"}), "ready again"
