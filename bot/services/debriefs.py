"""Debrief requests: routed to an available volunteer, connected privately, never dropped."""

import logging
import uuid
from collections.abc import Awaitable
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Protocol, TypeVar

from bot.config.allow_list import AllowList
from bot.domain.debriefs import (
    CAPACITY_WINDOW,
    NOTE_LIMIT,
    DebriefKind,
    DebriefRequest,
    Offer,
    OfferStatus,
    Preference,
    RequestStatus,
    Urgency,
    Volunteer,
    eligible_peers,
)
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.keys.token_cipher import TokenCipher, TokenUnreadable
from bot.outgoing.messages import Card, FieldErrors, FormValues, first_value
from bot.ports.clock import Clock
from bot.ports.platform import ConversationUnavailable, Directory, Messenger, Roles
from bot.ports.timing import Wakeups
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.debrief_cards import DebriefCards

logger = logging.getLogger(__name__)

# Labels the note key derived from each pulse secret (bot.keys.token_cipher.derived_keys).
NOTE_KEY_LABEL = b"wellspring/debrief-note/v1"
# What every Fernet token starts with; a stored note without it predates sealed notes.
_SEALED_PREFIX = "gAAAAA"


class NoteWiper(Protocol):
    """Wipes cleared notes from the database files: pages, dead row versions, the WAL."""

    async def wipe_notes(self) -> bool:
        """True when no cleared note is left readable; False when busy (retried by itself)."""
        ...


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
        self._directory = directory
        self._wakeups = wakeups
        self._roles = roles
        self._offer_timeout = offer_timeout
        self._followup = followup
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
        count = len(await self._candidates(request))
        if count:
            wanted = str(min(count, request.urgency.fan_out))
            await self._tell_requester(
                request, self.cards.status(request, "searching", count=wanted)
            )
        await self.route(request_id)

    async def route(self, request_id: str) -> None:
        """Keep `fan_out` offers open; when no one is left, the requester is told, never dropped."""
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
            offers = await uow.debriefs.offers(request_id)
        if request is None or request.status is not RequestStatus.SEARCHING:
            return
        still_open = sum(1 for offer in offers if offer.status is OfferStatus.OPEN)
        wanted = request.urgency.fan_out - still_open
        if wanted <= 0:
            return
        for volunteer in await self._candidates(request, offers):
            if wanted == 0:
                return
            if await self._offer(request, volunteer):
                wanted -= 1
        if wanted == request.urgency.fan_out - still_open and still_open == 0:
            await self._unmatched(request)

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
        note = self._opened(sealed)
        await self._wiper.wipe_notes()  # when busy, the wiper retries it by itself
        self._wakeups.due_at(now + self._followup)
        await self._update_offers(request, others, "offer.taken")
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
        await self._tell_requester(request, self.cards.status(request, "still_searching"))
        await self.route(request_id)
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
        await self._update_offers(request, others, "offer.cancelled")
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
            await self._guarded(self._expire(offer))
        for request in followups:
            await self._guarded(self._follow_up(request))
        async with self._uow() as uow:
            searching = await uow.debriefs.searching()
        for request in self._allowed.serving("debrief requests", searching, lambda r: r.workspace):
            await self._guarded(self.route(request.id))
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
        await self._update_offers(request, [offer], "offer.expired")
        if request.status is RequestStatus.SEARCHING:
            await self._tell_requester(request, self.cards.status(request, "still_searching"))
        await self.route(offer.request_id)

    async def _follow_up(self, request: DebriefRequest) -> None:
        async with self._uow() as uow:
            claimed = await uow.debriefs.followed_up(request.id, self._clock.now())
            await uow.commit()
        if claimed and request.requester and self._allowed.allows(request.workspace):
            await self._messenger.send_direct(
                request.workspace, request.requester, self.cards.follow_up()
            )

    async def _candidates(
        self, request: DebriefRequest, offers: list[Offer] | None = None
    ) -> list[Volunteer]:
        now = self._clock.now()
        async with self._uow() as uow:
            volunteers = await uow.volunteers.all(request.workspace)
            load = await uow.volunteers.load(request.workspace, now - CAPACITY_WINDOW)
            offers = offers if offers is not None else await uow.debriefs.offers(request.id)
        teammates = await self._teammates(request)
        # Never a supervisor of one of the requester's own teams: a debrief is asked for
        # without explaining oneself to a manager first.
        bosses = teammates & await self._roles.holders(request.workspace, Role.SUPERVISOR)
        offered = {offer.peer for offer in offers} | bosses
        return eligible_peers(volunteers, request, now, load, offered, teammates)

    async def _teammates(self, request: DebriefRequest) -> frozenset[str]:
        """Everyone who shares a team channel (one with check-ins) with the requester."""
        async with self._uow() as uow:
            teams = await uow.checkins.teams(request.workspace)
        found: set[str] = set()
        for team in teams:
            try:
                members = await self._directory.members(request.workspace, team)
            except ConversationUnavailable:
                continue
            if request.requester in members:
                found |= members
        return frozenset(found - {request.requester})

    async def _offer(self, request: DebriefRequest, volunteer: Volunteer) -> bool:
        """Offer privately; a peer who left the workspace is removed and the next one asked."""
        now = self._clock.now()
        offer = Offer(request.id, volunteer.person, OfferStatus.OPEN, now + self._offer_timeout)
        async with self._uow() as uow:
            if not await uow.debriefs.add_offer(offer, now):
                return False
            await uow.volunteers.offered(request.workspace, volunteer.person, now)
            await uow.commit()
        try:
            sent = await self._messenger.send_direct(
                request.workspace, volunteer.person, self.cards.offer(request)
            )
        except ConversationUnavailable:
            logger.info("a volunteer can no longer be reached; removed from the peer list")
            async with self._uow() as uow:
                await uow.debriefs.settle_offer(
                    request.id, volunteer.person, OfferStatus.UNDELIVERED
                )
                await uow.volunteers.remove(request.workspace, volunteer.person)
                await uow.commit()
            return False
        async with self._uow() as uow:
            await uow.debriefs.set_offer_message(
                request.id, volunteer.person, sent.conversation, sent.message_id
            )
            await uow.commit()
        self._wakeups.due_at(offer.expires_at)
        return True

    async def _unmatched(self, request: DebriefRequest) -> None:
        async with self._uow() as uow:
            finished = RequestStatus.SEARCHING, RequestStatus.UNMATCHED
            claimed = await uow.debriefs.finish(request.id, *finished, self._clock.now())
            await uow.commit()
        if not claimed:
            return
        await self._wiper.wipe_notes()  # when busy, the wiper retries it by itself
        await self._tell_requester(request, self.cards.unmatched())
        if not request.consent:
            return
        card = self.cards.for_coordinator(
            request, self._messenger.mention_person(request.workspace, request.requester)
        )
        for coordinator in sorted(await self._roles.holders(request.workspace, Role.COORDINATOR)):
            await self._guarded(self._messenger.send_direct(request.workspace, coordinator, card))

    async def _connect(self, request: DebriefRequest, peer: str) -> None:
        """A group conversation with exactly the two, an introduction, and word to the requester."""
        mention = partial(self._messenger.mention_person, request.workspace)
        intro = self.cards.introduction(request, mention(request.requester), mention(peer))
        try:
            await self._messenger.connect(request.workspace, [request.requester, peer], intro)
        except Exception:
            logger.exception("could not open the shared conversation; both are told who to contact")
        await self._tell_requester(
            request, self.cards.status(request, "accepted", peer=mention(peer))
        )

    async def _tell_requester(self, request: DebriefRequest, card: Card) -> None:
        """Update the requester's one status message, or start it."""
        async with self._uow() as uow:
            current = await uow.debriefs.get(request.id)
        if current is not None and current.status_message and current.status_conversation:
            try:
                await self._messenger.update(
                    request.workspace, current.status_conversation, current.status_message, card
                )
                return
            except Exception:
                logger.warning("could not update a requester's status message; sending a new one")
        sent = await self._messenger.send_direct(request.workspace, request.requester, card)
        async with self._uow() as uow:
            await uow.debriefs.set_status_message(request.id, sent.conversation, sent.message_id)
            await uow.commit()

    async def _update_offers(self, request: DebriefRequest, offers: list[Offer], key: str) -> None:
        for offer in offers:
            if offer.conversation and offer.message_id:
                await self._guarded(
                    self._messenger.update(
                        request.workspace,
                        offer.conversation,
                        offer.message_id,
                        self.cards.plain(key),
                    )
                )

    def _closed_offer(self, offer: Offer) -> Card:
        if offer.status is OfferStatus.ACCEPTED:
            return self.cards.plain("offer.already_yours")
        return self.cards.plain(_CLOSED_OFFER.get(offer.status, "offer.gone"))

    def _opened(self, sealed: str | None) -> str | None:
        """The note's words; None when no configured pulse secret opens it any more."""
        if sealed is None:
            return None
        try:
            return self._notes.open(sealed)
        except TokenUnreadable:
            if not sealed.startswith(_SEALED_PREFIX):
                return sealed  # stored before notes were sealed (0.2.0 and older)
            logger.warning("a debrief note could not be opened (its pulse secret was dropped)")
            return None

    async def _guarded(self, work: Awaitable[object]) -> None:
        # One failing message must not stop the others; the sweep retries what is left.
        try:
            await work
        except Exception:
            logger.exception("a debrief step failed")


E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], value: str | None, default: E) -> E:
    """A form's choice; anything unexpected (a crafted submission) falls back to the default."""
    try:
        return kind(value or "")
    except ValueError:
        return default
