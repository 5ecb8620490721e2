"""Migration 0018: stored Teams addresses keep ids only; 1:1 chats live in people's own rows."""

import json

from sqlalchemy import text

from bootstrap import MIGRATIONS
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from tests.support.raw_pages import found, raw_pages

INSERT = text("INSERT INTO platform_addresses (workspace, key, address) VALUES (:w, :k, :a)")
TENANT, URL = "teams:tenant-1", "https://smba.example/amer"
SAM = {
    "service_url": URL,
    "user": "29:1sam",
    "name": "Sam Caseworker",
    "upn": "sam.caseworker@agency.example.org",
    "timezone": "Europe/London",
    "chat": "a:1sam",
}


async def test_names_and_personal_chat_rows_go_and_the_tenant_keeps_its_service_url(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    channel = {"service_url": URL, "conversation": "19:north", "kind": "channel", "name": "North"}
    chat = {"service_url": URL, "conversation": "a:1sam", "kind": "personal", "name": None}
    try:
        await upgrade(engine, MIGRATIONS, "0017")
        async with engine.begin() as conn:
            for key, address in (
                ("person:sam-aad", SAM),
                ("conversation:19:north", channel),
                ("conversation:a:1sam", chat),
            ):
                await conn.execute(INSERT, {"w": TENANT, "k": key, "a": json.dumps(address)})
        await upgrade(engine, MIGRATIONS, "0018")
        async with engine.connect() as conn:
            rows = dict(
                (await conn.execute(text("SELECT key, address FROM platform_addresses"))).all()
            )
    finally:
        await engine.dispose()
    assert sorted(rows) == ["conversation:19:north", "person:sam-aad", "service_url"]
    assert json.loads(rows["person:sam-aad"]) == {
        "service_url": URL, "user": "29:1sam", "timezone": "Europe/London", "chat": "a:1sam"
    }  # fmt: skip
    assert json.loads(rows["conversation:19:north"]) == channel, "a channel's name stays"
    assert rows["service_url"] == URL
    if not database_url.startswith("sqlite"):  # SQLite's copies go with the VACUUM at start
        names = [SAM["name"], SAM["upn"]]
        assert found(names, await raw_pages(database_url)) == [], "no old row version keeps them"
