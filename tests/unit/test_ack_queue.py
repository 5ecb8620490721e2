"""Work after an ack waits for the requests still on their way to their own ack."""

import asyncio
import time

from handlers.slack.ack_queue import HOLD, AckQueue


async def test_work_after_an_ack_waits_until_no_request_waits_for_its_answer() -> None:
    acks, order = AckQueue(), []

    async def request(name: str, takes: float) -> None:
        with acks.acking():
            await asyncio.sleep(takes)
            order.append(f"{name} answered")
        await acks.after_acks()
        order.append(f"{name} counted")

    await asyncio.gather(request("first", 0.01), request("second", 0.05))
    assert order[:2] == ["first answered", "second answered"], "no work before the last answer"
    assert sorted(order[2:]) == ["first counted", "second counted"]


async def test_under_steady_load_work_waits_no_longer_than_the_hold() -> None:
    acks = AckQueue()
    with acks.acking():  # a request that never gets its answer
        began = time.monotonic()
        await acks.after_acks()
    assert HOLD <= time.monotonic() - began < HOLD + 0.2


async def test_with_nothing_under_way_work_goes_on_at_once() -> None:
    began = time.monotonic()
    await AckQueue().after_acks()
    assert time.monotonic() - began < 0.05
