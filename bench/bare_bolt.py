"""The baseline: a bare slack-bolt async app on aiohttp that only acknowledges.

`python -m bench.bare_bolt` serves `POST /slack/events` (Bolt's own aiohttp adapter, signature
checked, every block action and `/checkin` acked with nothing) and `GET /healthz`, on PORT,
against the Web API at SLACK_API_URL. It acks inline (`process_before_response=True`), so its
latency carries none of Bolt's 10 ms ack polling: the cheapest acknowledgement Bolt offers.
"""

import asyncio
import os
import re
import signal

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def create_bare_app() -> web.Application:
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    bolt = AsyncApp(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    async def acknowledge(ack: AsyncAck) -> None:
        await ack()

    bolt.action(re.compile(".*"))(acknowledge)
    bolt.command("/checkin")(acknowledge)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.add_routes([web.post("/slack/events", events), web.get("/healthz", health)])
    return app


async def serve() -> None:
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    runner = web.AppRunner(create_bare_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["PORT"])).start()
    await stopping.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
