"""Finding a debrief's peer: offers kept open to available volunteers, never a supervisor of
the requester's own teams; when no one is left, the requester (and, with consent, a coordinator)
is told, so no request is ever dropped."""

import logging
from collections.abc import Awaitable
from datetime import timedelta

from bot.domain.debriefs import (
    CAPACITY_WINDOW,
    DebriefRequest,
    Offer,
    OfferStatus,
    RequestStatus,
    Volunteer,
    eligible_peers,
)
from bot.domain.roles import Role
from bot.outgoing.messages import Card
from bot.ports.clock import Clock
from bot.ports.platform import ConversationUnavailable, Directory, Messenger, Roles
from bot.ports.timing import Wakeups
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.debrief_cards import DebriefCards
from bot.services.debrief_notes import NoteWiper

logger = logging.getLogger(__name__)


class PeerRouter:
    """Offers a request to peers and keeps the requester's status message up to date."""

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
        wiper: NoteWiper,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.cards = cards
        self._messenger = messenger
        self._directory = directory
        self._wakeups = wakeups
        self._roles = roles
        self._offer_timeout = offer_timeout
        self._wiper = wiper

    async def route(self, request_id: str) -> None:
        """Keep `fan_out` offers open; when no one is left, the requester is told, never dropped."""
        async with self._uow() as uow:
            request = await uow.debriefs.get(request_id)
            offers = await uow.debriefs.offers(request_id)
        if request is None or request.status is not RequestStatus.SEARCHING:
            return
        still_open = sum(1 for offer in offers if offer.status is OfferStatus.OPEN)
        wanted = request.urgency.fan_out - still_open
        if wanted <= 0:  # pragma: no mutate (only spares the look-up: the loop offers none)
            return
        made = 0
        for volunteer in await self.candidates(request):
            if made == wanted:
                return
            if await self._offer(request, volunteer):
                made += 1
        if made == 0 and still_open == 0:
            await self._unmatched(request)

    async def candidates(self, request: DebriefRequest) -> list[Volunteer]:
        """The peers who may be offered `request` now, in the order to ask them."""
        now = self._clock.now()
        async with self._uow() as uow:
            volunteers = await uow.volunteers.all(request.workspace)
            load = await uow.volunteers.load(request.workspace, now - CAPACITY_WINDOW)
            offers = await uow.debriefs.offers(request.id)
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
                return False  # pragma: no mutate (equivalent)
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
        await self.tell_requester(request, self.cards.unmatched())
        if not request.consent:
            return
        card = self.cards.for_coordinator(
            request, self._messenger.mention_person(request.workspace, request.requester)
        )
        for coordinator in sorted(await self._roles.holders(request.workspace, Role.COORDINATOR)):
            await guarded(self._messenger.send_direct(request.workspace, coordinator, card))

    async def tell_requester(self, request: DebriefRequest, card: Card) -> None:
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

    async def update_offers(self, request: DebriefRequest, offers: list[Offer], key: str) -> None:
        for offer in offers:
            if offer.conversation and offer.message_id:
                await guarded(
                    self._messenger.update(
                        request.workspace,
                        offer.conversation,
                        offer.message_id,
                        self.cards.plain(key),
                    )
                )


async def guarded(work: Awaitable[object]) -> None:
    """One failing message must not stop the others; the sweep retries what is left."""
    try:
        await work
    except Exception:
        logger.exception("a debrief step failed")
