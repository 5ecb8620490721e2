"""EntraGroups with the bot's own credentials, over HTTP to a fake Entra token endpoint and Graph.

The app's Teams activities are checked against Microsoft's signing keys outside the local
testing mode, so the credentials path is driven here, through the adapter, at the network edge.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.domain.workspaces import WorkspaceRef
from handlers.teams.entra_groups import EntraGroups
from handlers.teams.entra_tokens import ClientCredentialTokens, GraphUnavailable
from tests.e2e.conftest import MovableClock
from tests.fakes.graph_api import TOKEN_SECONDS, FakeGraph

TENANT = "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"
CLIENT_ID, SECRET = "7e6d5c4b-3a29-4f18-8e07-d6c5b4a39281", "a-client-secret"
GROUP = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"
HOME = WorkspaceRef("teams", TENANT)
PEOPLE = [f"00000000-0000-4000-8000-{n:012d}" for n in range(5)]


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph(TENANT, CLIENT_ID, SECRET, page_size=2)
    fake.groups = {GROUP: PEOPLE}
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    assert fake.protocol_errors == []


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


def entra_groups(
    graph: FakeGraph, session: aiohttp.ClientSession, clock: MovableClock, secret: str = SECRET
) -> EntraGroups:
    tokens = ClientCredentialTokens(session, graph.base_url, CLIENT_ID, secret, clock)
    return EntraGroups(session, graph.base_url, tokens, clock, TENANT)


async def test_a_token_is_fetched_once_and_renewed_before_it_expires(
    graph: FakeGraph, session: aiohttp.ClientSession, clock: MovableClock
) -> None:
    groups = entra_groups(graph, session, clock)
    assert await groups.members(HOME, GROUP) == frozenset(PEOPLE), "every page read"
    assert await groups.members(HOME, GROUP) == frozenset(PEOPLE)
    assert len(graph.token_requests()) == 1
    assert len(graph.member_reads()) == 6, "three pages, twice"

    clock.set(clock.now() + timedelta(seconds=TOKEN_SECONDS) - timedelta(minutes=4))
    await groups.members(HOME, GROUP)
    assert len(graph.token_requests()) == 2, "renewed ahead of its expiry"


async def test_a_token_graph_refuses_is_fetched_anew(
    graph: FakeGraph, session: aiohttp.ClientSession, clock: MovableClock
) -> None:
    groups = entra_groups(graph, session, clock)
    await groups.members(HOME, GROUP)
    graph.forget_tokens()
    with pytest.raises(GraphUnavailable) as refused:
        await groups.members(HOME, GROUP)
    assert refused.value.kind == "http_401"

    clock.set(clock.now() + timedelta(minutes=1))  # past the pause after a failure
    assert await groups.members(HOME, GROUP) == frozenset(PEOPLE)
    assert len(graph.token_requests()) == 2


async def test_a_refused_secret_reads_nothing(
    graph: FakeGraph, session: aiohttp.ClientSession, clock: MovableClock
) -> None:
    groups = entra_groups(graph, session, clock, secret="an-old-secret")
    with pytest.raises(GraphUnavailable) as refused:
        await groups.members(HOME, GROUP)
    assert refused.value.kind == "token_http_401"
    assert graph.member_reads() == []


async def test_another_tenant_and_an_unknown_group_have_no_members(
    graph: FakeGraph, session: aiohttp.ClientSession, clock: MovableClock
) -> None:
    groups = entra_groups(graph, session, clock)
    assert await groups.members(WorkspaceRef("teams", "elsewhere"), GROUP) == frozenset()
    assert graph.calls == [], "another tenant's groups are not asked for"
    unknown = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
    assert await groups.members(HOME, unknown) == frozenset()
    assert [r.status for r in graph.member_reads()] == [404]


async def test_a_next_page_on_another_host_is_not_followed(
    graph: FakeGraph, session: aiohttp.ClientSession, clock: MovableClock
) -> None:
    graph.next_link_base = "http://127.0.0.2:9"  # the bearer token would go there
    with pytest.raises(GraphUnavailable) as refused:
        await entra_groups(graph, session, clock).members(HOME, GROUP)
    assert refused.value.kind == "next_link_elsewhere"
    assert len(graph.member_reads()) == 1
