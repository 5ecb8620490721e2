"""teams ids only: stored Teams addresses lose people's names and sign-in names; 1:1 chats
are kept in the person's own address only (the tenant's service URL reaches them)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_addresses = sa.table(
    "platform_addresses",
    sa.column("workspace", sa.String),
    sa.column("key", sa.String),
    sa.column("address", sa.Text),
)
NAMES = ("name", "upn")
SERVICE_URL_KEY = "service_url"


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_addresses).where(_addresses.c.workspace.like("teams:%"))
    ).all()
    service_urls: dict[str, str] = {}
    for workspace, key, address in rows:
        if key == SERVICE_URL_KEY:
            continue
        stored = json.loads(address)
        service_urls.setdefault(workspace, stored.get("service_url") or "")
        row = (_addresses.c.workspace == workspace) & (_addresses.c.key == key)
        if key.startswith("conversation:") and stored.get("kind") == "personal":
            connection.execute(sa.delete(_addresses).where(row))
        elif key.startswith("person:") and any(name in stored for name in NAMES):
            kept = {k: v for k, v in stored.items() if k not in NAMES}
            connection.execute(sa.update(_addresses).where(row).values(address=json.dumps(kept)))
    known = {workspace for workspace, key, _ in rows if key == SERVICE_URL_KEY}
    for workspace, service_url in service_urls.items():
        if service_url and workspace not in known:
            connection.execute(
                sa.insert(_addresses).values(
                    workspace=workspace, key=SERVICE_URL_KEY, address=service_url
                )
            )
    if connection.dialect.name == "postgresql":
        # The old row versions still hold the names: rewrite the table into a new file, as
        # 0017 does (SQLite: the app rebuilds the file and empties its WAL at start).
        op.execute(
            "ALTER TABLE platform_addresses ALTER COLUMN address TYPE text USING address || ''"
        )


def downgrade() -> None:
    """Names are not brought back (Teams is asked for them); 1:1 chats stay in people's rows,
    which the previous version also reads."""
