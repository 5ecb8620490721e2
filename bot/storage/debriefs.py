"""SqlDebriefRepository: debrief requests, their offers to peers, and the months' counts."""

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.debriefs import (
    DebriefKind,
    DebriefRequest,
    MonthCount,
    Offer,
    OfferStatus,
    Preference,
    RequestStatus,
    Urgency,
    month_of,
    rounded_wait,
    settled_at,
)
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware, insert_once
from bot.storage.tables import debrief_months, debrief_offers, debrief_requests


class SqlDebriefRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, request: DebriefRequest) -> None:
        await self._session.execute(
            debrief_requests.insert().values(
                id=request.id,
                workspace=request.workspace.key,
                requester=request.requester,
                kind=request.kind.value,
                urgency=request.urgency.value,
                preference=request.preference.value,
                note=request.note,
                consent=request.consent,
                status=request.status.value,
                created_at=request.created_at,
            )
        )

    async def get(self, request_id: str) -> DebriefRequest | None:
        query = select(debrief_requests).where(debrief_requests.c.id == request_id)
        row = (await self._session.execute(query)).first()
        return _request(row._mapping) if row else None

    async def searching(self) -> list[DebriefRequest]:
        query = select(debrief_requests).where(
            debrief_requests.c.status == RequestStatus.SEARCHING.value
        )
        return [_request(row._mapping) for row in await self._session.execute(query)]

    async def set_status_message(self, request_id: str, conversation: str, message: str) -> None:
        await self._session.execute(
            update(debrief_requests)
            .where(debrief_requests.c.id == request_id)
            .values(status_conversation=conversation, status_message=message)
        )

    async def match(self, request_id: str, peer: str, at: datetime, followup_at: datetime) -> bool:
        """Claim the request for `peer`; False if it is no longer searching."""
        created = select(debrief_requests.c.created_at).where(debrief_requests.c.id == request_id)
        created_at = (await self._session.execute(created)).scalar()
        if created_at is None:
            return False
        wait = int((at - aware(created_at)).total_seconds())
        statement = (
            update(debrief_requests)
            .where(debrief_requests.c.id == request_id)
            .where(debrief_requests.c.status == RequestStatus.SEARCHING.value)
            .values(
                status=RequestStatus.MATCHED.value,
                peer=peer,
                matched_at=at,
                wait_seconds=wait,
                followup_due_at=followup_at,
            )
        )
        return affected(await self._session.execute(statement)) > 0

    async def take_note(self, request_id: str) -> str | None:
        """The note, read once and deleted: it is never kept beyond delivering it."""
        query = select(debrief_requests.c.note).where(debrief_requests.c.id == request_id)
        note = (await self._session.execute(query)).scalar()
        await self._session.execute(
            update(debrief_requests).where(debrief_requests.c.id == request_id).values(note=None)
        )
        return note

    async def finish(
        self, request_id: str, from_status: RequestStatus, to: RequestStatus, at: datetime
    ) -> bool:
        statement = (
            update(debrief_requests)
            .where(debrief_requests.c.id == request_id)
            .where(debrief_requests.c.status == from_status.value)
            .values(status=to.value, note=None, closed_at=at)
        )
        return affected(await self._session.execute(statement)) > 0

    async def due_followups(self, now: datetime) -> list[DebriefRequest]:
        query = select(debrief_requests).where(debrief_requests.c.followup_due_at <= now)
        return [_request(row._mapping) for row in await self._session.execute(query)]

    async def followed_up(self, request_id: str, at: datetime) -> bool:
        """Claim the follow-up; a debrief never closed with "We're done" closes here."""
        statement = (
            update(debrief_requests)
            .where(debrief_requests.c.id == request_id)
            .where(debrief_requests.c.followup_due_at.is_not(None))
            .values(followup_due_at=None, status=RequestStatus.CLOSED.value)
        )
        claimed = affected(await self._session.execute(statement)) > 0
        if claimed:
            await self._session.execute(
                update(debrief_requests)
                .where(debrief_requests.c.id == request_id)
                .where(debrief_requests.c.closed_at.is_(None))
                .values(closed_at=at)
            )
        return claimed

    async def add_offer(self, offer: Offer, at: datetime) -> bool:
        return await insert_once(
            self._session,
            debrief_offers,
            request_id=offer.request_id,
            peer=offer.peer,
            status=offer.status.value,
            offered_at=at,
            expires_at=offer.expires_at,
        )

    async def offers(self, request_id: str) -> list[Offer]:
        query = select(debrief_offers).where(debrief_offers.c.request_id == request_id)
        return [_offer(row._mapping) for row in await self._session.execute(query)]

    async def offer(self, request_id: str, peer: str) -> Offer | None:
        query = (
            select(debrief_offers)
            .where(debrief_offers.c.request_id == request_id)
            .where(debrief_offers.c.peer == peer)
        )
        row = (await self._session.execute(query)).first()
        return _offer(row._mapping) if row else None

    async def set_offer_message(
        self, request_id: str, peer: str, conversation: str, message_id: str
    ) -> None:
        await self._session.execute(
            update(debrief_offers)
            .where(debrief_offers.c.request_id == request_id)
            .where(debrief_offers.c.peer == peer)
            .values(conversation=conversation, message_id=message_id)
        )

    async def settle_offer(self, request_id: str, peer: str, to: OfferStatus) -> bool:
        """Move an open offer to `to`; False if it was no longer open."""
        statement = (
            update(debrief_offers)
            .where(debrief_offers.c.request_id == request_id)
            .where(debrief_offers.c.peer == peer)
            .where(debrief_offers.c.status == OfferStatus.OPEN.value)
            .values(status=to.value)
        )
        return affected(await self._session.execute(statement)) > 0

    async def expired_offers(self, now: datetime) -> list[Offer]:
        query = (
            select(debrief_offers)
            .where(debrief_offers.c.status == OfferStatus.OPEN.value)
            .where(debrief_offers.c.expires_at <= now)
        )
        return [_offer(row._mapping) for row in await self._session.execute(query)]

    async def next_due(self) -> datetime | None:
        offers = select(func.min(debrief_offers.c.expires_at)).where(
            debrief_offers.c.status == OfferStatus.OPEN.value
        )
        followups = select(func.min(debrief_requests.c.followup_due_at))
        due = [(await self._session.execute(query)).scalar() for query in (offers, followups)]
        known = [aware(moment) for moment in due if moment is not None]
        return min(known) if known else None

    async def forget_before(self, cutoff: datetime) -> int:
        """Fold requests closed before `cutoff` into monthly counters, then delete them."""
        old = select(debrief_requests.c.id).where(debrief_requests.c.closed_at < cutoff)
        ids = list((await self._session.execute(old)).scalars())
        if not ids:
            return 0
        await self._session.execute(
            delete(debrief_offers).where(debrief_offers.c.request_id.in_(ids))
        )
        # RETURNING yields only the rows this transaction deleted, so a replica forgetting
        # the same requests at the same moment cannot count them twice.
        gone = await self._session.execute(
            delete(debrief_requests)
            .where(debrief_requests.c.id.in_(ids))
            .returning(
                debrief_requests.c.workspace,
                debrief_requests.c.matched_at,
                debrief_requests.c.closed_at,
                debrief_requests.c.wait_seconds,
            )
        )
        folded = Counter(
            (
                row.workspace,
                _settled_month(row),
                row.matched_at is not None,
                rounded_wait(row.wait_seconds or 0) if row.matched_at is not None else 0,
            )
            for row in gone
        )
        for key, count in folded.items():
            await self._add_to_month(*key, count)
        return sum(folded.values())

    async def months(
        self, workspace: WorkspaceRef, since: datetime, before: datetime
    ) -> list[MonthCount]:
        """Counts per month in [since, before): forgotten requests plus those still kept, each
        in the month it settled (settled_at); one still searching counts nowhere yet."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # requests, matched
        waits: dict[str, list[int]] = defaultdict(list)
        kept = (
            select(debrief_months)
            .where(debrief_months.c.workspace == workspace.key)
            .where(debrief_months.c.month >= month_of(since))
            .where(debrief_months.c.month < month_of(before))
        )
        for row in await self._session.execute(kept):
            totals[row.month][0] += row.requests
            if row.matched:
                totals[row.month][1] += row.requests
                waits[row.month] += [row.wait_minutes] * row.requests
        matched_at, closed_at = debrief_requests.c.matched_at, debrief_requests.c.closed_at
        live = (
            select(matched_at, closed_at, debrief_requests.c.wait_seconds)
            .where(debrief_requests.c.workspace == workspace.key)
            .where(
                or_(
                    and_(matched_at >= since, matched_at < before),
                    and_(matched_at.is_(None), closed_at >= since, closed_at < before),
                )
            )
        )
        for row in await self._session.execute(live):
            month = _settled_month(row)
            totals[month][0] += 1
            if row.matched_at is not None:
                totals[month][1] += 1
                waits[month].append(rounded_wait(row.wait_seconds or 0))
        return [
            MonthCount(month, requests, matched, tuple(waits[month]))
            for month, (requests, matched) in sorted(totals.items())
        ]

    async def _add_to_month(
        self, workspace: str, month: str, matched: bool, wait_minutes: int, count: int
    ) -> None:
        key = (
            (debrief_months.c.workspace == workspace)
            & (debrief_months.c.month == month)
            & (debrief_months.c.matched == matched)
            & (debrief_months.c.wait_minutes == wait_minutes)
        )
        bump = update(debrief_months).where(key).values(requests=debrief_months.c.requests + count)
        if affected(await self._session.execute(bump)):
            return
        new = {"workspace": workspace, "month": month, "matched": matched}
        if not await insert_once(
            self._session, debrief_months, **new, wait_minutes=wait_minutes, requests=count
        ):
            await self._session.execute(bump)  # another replica created the row meanwhile


def _settled_month(row: Any) -> str:
    """The month a matched or closed request counts in (bot.domain.debriefs.settled_at)."""
    moment = settled_at(row.matched_at, row.closed_at)
    if moment is None:
        raise ValueError("a request still searching counts in no month")
    return month_of(aware(moment))


def _request(row: Any) -> DebriefRequest:
    return DebriefRequest(
        id=row["id"],
        workspace=WorkspaceRef.from_key(row["workspace"]),
        requester=row["requester"] or "",
        kind=DebriefKind(row["kind"]),
        urgency=Urgency(row["urgency"]),
        preference=Preference(row["preference"]),
        note=row["note"],
        consent=row["consent"],
        created_at=aware(row["created_at"]),
        status=RequestStatus(row["status"]),
        status_conversation=row["status_conversation"],
        status_message=row["status_message"],
        peer=row["peer"],
    )


def _offer(row: Any) -> Offer:
    return Offer(
        request_id=row["request_id"],
        peer=row["peer"],
        status=OfferStatus(row["status"]),
        expires_at=aware(row["expires_at"]),
        conversation=row["conversation"],
        message_id=row["message_id"],
    )
