"""Debrief requests: stored, accepted or passed by peers, cancelled, closed and followed up.

Finding the peer is bot/services/debrief_routing.py; the note, debrief_notes.py."""

import logging
import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import TypeVar

from bot.config.allow_list import AllowList
from bot.domain.debriefs import (
    NOTE_LIMIT,
    DebriefKind,
    DebriefRequest,
    Offer,
    OfferStatus,
    Preference,
    RequestStatus,
    Urgency,
)
from bot.domain.workspaces import WorkspaceRef
from bot.keys.token_cipher import TokenCipher
from bot.outgoing.messages import Card, FieldErrors, FormValues, first_value
from bot.ports.clock import Clock
from bot.ports.platform import Directory, Messenger, Roles
from bot.ports.timing import Wakeups
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.debrief_cards import DebriefCards
from bot.services.debrief_notes import NoteWiper, open_note
from bot.services.debrief_routing import PeerRouter, guarded

logger = logging.getLogger(__name__)


_CLOSED_OFFER = {
    OfferStatus.PASSED: "offer.passed",
    OfferStatus.EXPIRED: "offer.expired",
    OfferStatus.TAKEN: "offer.taken",
    OfferStatus.CANCELLED: "offer.cancelled",
}


class DebriefService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        cards: DebriefCards,
        messenger: Messenger,
        directory: Directory,
        wakeups: Wakeups,
        roles: Roles,
        offer_timeout: timedelta,
        followup: timedelta,
        notes: TokenCipher,
        wiper: NoteWiper,
        allowed: AllowList | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.cards = cards
        self._messenger = messenger
        self._wakeups = wakeups
        self._followup = followup
        self._router = PeerRouter(
            uow, clock, cards, messenger, directory, wakeups, roles, offer_timeout, wiper
        )
        # Notes are sealed before they are stored, and opened only for the peer who accepts.
        self._notes = notes
        self._wiper = wiper
        # A workspace no longer served: its requests wait, its deadlines pass in silence.
        self._allowed = allowed or AllowList()

    async def submit(self, workspace: WorkspaceRef, requester: str, values: FormValues) -> str:
        """Store a request from the form (quickly: the modal waits); FieldErrors name problems."""
        note = (first_value(values, "note") or "").strip()
        if len(note) > NOTE_LIMIT:
            limit = str(NOTE_LIMIT)
            raise FieldErrors({"note": self.cards.plain("form.error_note_long", limit=limit).text})
        request = DebriefRequest(
            id=str(uuid.uuid4()),
            workspace=workspace,
            requester=requester,
            kind=_choice(DebriefKind, first_value(values, "kind"), DebriefKind.OTHER),
            urgency=_choice(Urgency, first_value(values, "urgency"), Urgency.TODAY),
            preference=_choice(Preference, first_value(values, "preference"), Preference.ANYONE),
            note=self._notes.seal(note) if note else None,
            consent="yes" in (values.get("consent") or ()),
            created_at=self._clock.now(),
        )
        async with self._uow() as uow:
            await uow.debriefs.add(request)
            await uow.commit()
        return request.id

    async def start(self, request_id: str) -> None:
        """Tell the requester their request is in, then offer it to the first peers."""
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
        if request is None:
            return
        count = len(await self._router.candidates(request))
        if count:
            wanted = str(min(count, request.urgency.fan_out))
            await self._router.tell_requester(
                request, self.cards.status(request, "searching", count=wanted)
            )
        await self._router.route(request_id)

    async def accept(self, workspace: WorkspaceRef, request_id: str, peer: str) -> Card:
        """First to accept wins; the others' offers turn into "already taken"."""
        now = self._clock.now()
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
            offer = await uow.debriefs.offer(request_id, peer)
            if request is None or offer is None or request.workspace != workspace:
                return self.cards.plain("offer.gone")
            if offer.status is not OfferStatus.OPEN:
                return self._closed_offer(offer)
            matched = await uow.debriefs.match(request_id, peer, now, now + self._followup)
            if matched:
                await uow.debriefs.settle_offer(request_id, peer, OfferStatus.ACCEPTED)
                others = [
                    o
                    for o in await uow.debriefs.offers(request_id)
                    if o.status is OfferStatus.OPEN
                    and await uow.debriefs.settle_offer(request_id, o.peer, OfferStatus.TAKEN)
                ]
                sealed = await uow.debriefs.take_note(request_id)
                await uow.commit()
        if not matched:
            # Outside the transaction above: on SQLite it still holds the write lock.
            return await self._lost_race(request_id, peer)
        note = open_note(self._notes, sealed)
        await self._wiper.wipe_notes()  # when busy, the wiper retries it by itself
        self._wakeups.due_at(now + self._followup)
        await self._router.update_offers(request, others, "offer.taken")
        await self._connect(request, peer)
        return self.cards.accepted(
            self._messenger.mention_person(request.workspace, request.requester), note
        )

    async def _lost_race(self, request_id: str, peer: str) -> Card:
        """Someone else matched first: another peer, or this peer's own earlier click."""
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
            if request is not None and request.peer == peer:
                return self.cards.plain("offer.already_yours")
            await uow.debriefs.settle_offer(request_id, peer, OfferStatus.TAKEN)
            await uow.commit()
        return self.cards.plain("offer.taken")

    async def pass_offer(self, workspace: WorkspaceRef, request_id: str, peer: str) -> Card:
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
            offer = await uow.debriefs.offer(request_id, peer)
            if request is None or offer is None or request.workspace != workspace:
                return self.cards.plain("offer.gone")
            if not await uow.debriefs.settle_offer(request_id, peer, OfferStatus.PASSED):
                return self._closed_offer(offer)
            await uow.commit()
        await self._router.tell_requester(request, self.cards.status(request, "still_searching"))
        await self._router.route(request_id)
        return self.cards.plain("offer.passed")

    async def cancel(self, workspace: WorkspaceRef, request_id: str, person: str) -> Card:
        now = self._clock.now()
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
            if request is None or request.workspace != workspace or request.requester != person:
                return self.cards.plain("status.already_closed")
            finished = RequestStatus.SEARCHING, RequestStatus.CANCELLED
            if not await uow.debriefs.finish(request_id, *finished, now):
                return self.cards.plain("status.already_closed")
            others = [
                o
                for o in await uow.debriefs.offers(request_id)
                if o.status is OfferStatus.OPEN
                and await uow.debriefs.settle_offer(request_id, o.peer, OfferStatus.CANCELLED)
            ]
            await uow.commit()
        await self._wiper.wipe_notes()  # when busy, the wiper retries it by itself
        await self._router.update_offers(request, others, "offer.cancelled")
        return self.cards.status(request, "cancelled")

    async def done(self, workspace: WorkspaceRef, request_id: str, person: str) -> Card:
        """ "We're done" in the shared conversation; the follow-up still comes."""
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
            if request is None or request.workspace != workspace:
                return self.cards.plain("status.already_closed")
            if person not in (request.requester, request.peer):
                return self.cards.plain("offer.gone")
            finished = RequestStatus.MATCHED, RequestStatus.CLOSED
            await uow.debriefs.finish(request_id, *finished, self._clock.now())
            await uow.commit()
        return self.cards.plain("intro.done_thanks")

    async def run_due(self) -> datetime | None:
        """Expire offers, send follow-ups, re-route stalled requests; the next deadline."""
        now = self._clock.now()
        async with self._uow() as uow:
            expired = await uow.debriefs.expired_offers(now)
            followups = await uow.debriefs.due_followups(now)
        for offer in expired:
            await guarded(self._expire(offer))
        for request in followups:
            await guarded(self._follow_up(request))
        async with self._uow() as uow:
            searching = await uow.debriefs.searching()
        job = "debrief requests"  # pragma: no mutate (a log line's word)
        for request in self._allowed.serving(job, searching, lambda r: r.workspace):
            await guarded(self._router.route(request.id))
        async with self._uow() as uow:
            return await uow.debriefs.next_due()

    async def move_on(self, offer: Offer) -> None:
        """The peer left (or asked for their data to go): the offer goes on as if it ran out."""
        await self._expire(offer)

    async def _expire(self, offer: Offer) -> None:
        async with self._uow() as uow:
            request = await uow.debriefs.get(offer.request_id)
            claimed = await uow.debriefs.settle_offer(
                offer.request_id, offer.peer, OfferStatus.EXPIRED
            )
            await uow.commit()
        if not claimed or request is None or not self._allowed.allows(request.workspace):
            return
        await self._router.update_offers(request, [offer], "offer.expired")
        if request.status is RequestStatus.SEARCHING:
            await self._router.tell_requester(
                request, self.cards.status(request, "still_searching")
            )
        await self._router.route(offer.request_id)

    async def _follow_up(self, request: DebriefRequest) -> None:
        async with self._uow() as uow:
            claimed = await uow.debriefs.followed_up(request.id, self._clock.now())
            await uow.commit()
        if claimed and request.requester and self._allowed.allows(request.workspace):
            await self._messenger.send_direct(
                request.workspace, request.requester, self.cards.follow_up()
            )

    async def _connect(self, request: DebriefRequest, peer: str) -> None:
        """A group conversation with exactly the two, an introduction, and word to the requester."""
        mention = partial(self._messenger.mention_person, request.workspace)
        intro = self.cards.introduction(request, mention(request.requester), mention(peer))
        try:
            await self._messenger.connect(request.workspace, [request.requester, peer], intro)
        except Exception:
            logger.exception("could not open the shared conversation; both are told who to contact")
        await self._router.tell_requester(
            request, self.cards.status(request, "accepted", peer=mention(peer))
        )

    def _closed_offer(self, offer: Offer) -> Card:
        if offer.status is OfferStatus.ACCEPTED:
            return self.cards.plain("offer.already_yours")
        return self.cards.plain(_CLOSED_OFFER.get(offer.status, "offer.gone"))


E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], value: str | None, default: E) -> E:
    """A form's choice; anything unexpected (a crafted submission) falls back to the default."""
    try:
        return kind(value or "")  # pragma: no mutate (equivalent)
    except ValueError:
        return default
