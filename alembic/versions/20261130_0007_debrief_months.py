"""debrief retention keeps only month, matched or not, and a wait band

Requests already past retention (requester set to NULL by the old rule) are folded into
the new counters and deleted. Downgrading drops the counters: what they summarise cannot
be turned back into requests.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As bot.domain.debriefs had them when this was written; a migration does not follow later edits.
WAIT_BANDS = (15, 30, 60, 120, 240, 480, 1440)
LONGER_THAN_A_DAY = 2880


def upgrade() -> None:
    months = op.create_table(
        "debrief_months",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("wait_minutes", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "workspace", "month", "matched", "wait_minutes", name="pk_debrief_months"
        ),
    )
    requests = sa.table(
        "debrief_requests",
        sa.column("id", sa.String),
        sa.column("workspace", sa.String),
        sa.column("requester", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("matched_at", sa.DateTime(timezone=True)),
        sa.column("wait_seconds", sa.Integer),
    )
    offers = sa.table("debrief_offers", sa.column("request_id", sa.String))
    bind = op.get_bind()
    forgotten = bind.execute(sa.select(requests).where(requests.c.requester.is_(None))).all()
    folded = Counter(
        (
            row.workspace,
            _month(row.created_at),
            row.matched_at is not None,
            _band(row.wait_seconds or 0) if row.matched_at is not None else 0,
        )
        for row in forgotten
    )
    if folded:
        op.bulk_insert(
            months,
            [
                {"workspace": w, "month": m, "matched": k, "wait_minutes": b, "requests": n}
                for (w, m, k, b), n in folded.items()
            ],
        )
    ids = [row.id for row in forgotten]
    if ids:
        bind.execute(sa.delete(offers).where(offers.c.request_id.in_(ids)))
        bind.execute(sa.delete(requests).where(requests.c.id.in_(ids)))


def downgrade() -> None:
    op.drop_table("debrief_months")


def _month(created_at: datetime) -> str:
    moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m")


def _band(seconds: int) -> int:
    return next((band for band in WAIT_BANDS if seconds <= band * 60), LONGER_THAN_A_DAY)
