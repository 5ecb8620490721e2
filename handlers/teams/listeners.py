"""Teams activities to core calls: typed commands, card clicks, dialogs, installs."""

import asyncio
import logging
from contextlib import nullcontext
from typing import Any

from bot.domain.commands import parse_command_text
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Card, FieldErrors
from bot.process.lifecycle import InFlight
from bot.process.metrics import Metrics
from bot.services import Outcome, Services
from handlers.teams.activities import Activity, Seen, read, typed_command
from handlers.teams.addresses import Profile, TeamsAddresses
from handlers.teams.cards import (
    JSON,
    build_card,
    build_cards,
    build_dialog,
    dialog_close,
    dialog_message,
    dialog_response,
    execute_response,
    read_dialog_values,
)
from handlers.teams.click_notes import ClickNotes
from handlers.teams.directory import TeamsDirectory
from handlers.teams.outbound import uncounted
from handlers.teams.people import TeamsPeople
from handlers.teams.replies import Privately, Replies, quiet

logger = logging.getLogger(__name__)

# Words outside the three commands: alone, the person's own page; help and anything else get
# the answer to a message the bot can't read (the crisis line first, then what it can do).
HOME_WORDS = frozenset({"home", "reminders", "start"})
HELP_WORDS = frozenset({"help", "?"})


class TeamsListeners:
    """One entry point per kind of activity; each translates, calls the Dispatcher, renders."""

    def __init__(
        self,
        services: Services,
        addresses: TeamsAddresses,
        replies: Replies,
        inflight: InFlight,
        metrics: Metrics,
        notes: ClickNotes,
        directory: TeamsDirectory,
        people: TeamsPeople,
    ) -> None:
        self._services = services
        self._dispatch = services.dispatch
        self._addresses = addresses
        self._replies = replies
        self._inflight = inflight
        self._metrics = metrics
        self._notes = notes
        self._directory = directory
        self._people = people
        self._later: set[asyncio.Task[None]] = set()

    async def on_activity(self, activity: Activity) -> JSON | None:
        """Route one activity; the return value is the invoke's answer, if any."""
        seen = read(activity)
        answer: JSON | None = await self._people.fill_names(
            seen.where.workspace, await self._answer(seen, activity)
        )
        return answer

    async def _answer(self, seen: Seen, activity: Activity) -> JSON | None:
        kind, name = activity.get("type"), activity.get("name")
        try:
            # People are remembered from what they write and from installs, never from a
            # click or a dialog: a row naming someone written just after a count went up
            # would pair them with it in the database's write-ahead log.
            await self._remember(seen, remember_person=kind != "invoke")
            if kind == "message":
                await self.on_message(seen, activity)
            elif kind == "invoke" and name == "adaptiveCard/action":
                return await self.on_execute(seen, activity)
            elif kind == "invoke" and name == "task/fetch":
                return await self.on_dialog_open(seen, activity)
            elif kind == "invoke" and name == "task/submit":
                return await self.on_dialog_submit(seen, activity)
            elif kind in ("conversationUpdate", "installationUpdate"):
                await self.on_install_change(seen, activity)
        except Exception as error:
            # Only the kind of failure is logged: activities carry ids and text.
            self._metrics.errors.labels("teams_listener").inc()
            logger.error("a Teams %s failed: %s", kind, type(error).__name__, exc_info=error)
            apology = self._services.help.apologise()
            if kind == "invoke":
                return quiet(apology.text)
            try:
                await self._replies.private(seen, [apology])
            except Exception as refused:  # Teams refused the apology too: nothing more to say
                logger.warning("the apology could not be sent: %s", type(refused).__name__)
        return None

    async def on_message(self, seen: Seen, activity: Activity) -> None:
        """`checkin now`, `pulse`, `debrief` ... typed to the bot; anything else gets help."""
        if not await self._services.deliveries.record_delivery(
            seen.where.workspace, str(activity.get("id", ""))
        ):
            return  # Teams delivered it again: it took effect the first time
        command, rest = typed_command(str(activity.get("text") or ""))
        if command is None:
            typed = parse_command_text(rest)
            if typed.word in HOME_WORDS and not typed.rest:
                await self._replies.private(seen, await self._dispatch.home(seen.where))
            else:
                await self._answer_words(seen)
            return
        await self._render(seen, await self._dispatch.command(seen.where, command, rest))

    async def _answer_words(self, seen: Seen) -> None:
        """Help, or words it can't read, perhaps written in distress ("help me", "home visit
        went badly"): the crisis line first, privately. Should the person's chat be out of
        reach, the crisis line alone (it says nothing about them) is posted where they wrote."""
        try:
            await self._replies.private(seen, [self._services.help.answer_message()])
        except Exception as failed:
            if seen.kind == "personal":
                raise
            logger.warning("a private answer was not sent: %s", type(failed).__name__)
            await self._replies.public(seen, Card.plain(self._notes.crisis_line))

    async def on_execute(self, seen: Seen, activity: Activity) -> JSON:
        """A button on a card (Action.Execute). The invoke response, seen by the clicker only,
        is the answer when it is short and plain; anything longer goes privately (the 1:1
        chat, or a targeted message when turned on) and the response says where."""
        data = ((activity.get("value") or {}).get("action") or {}).get("data") or {}
        try:
            action = Action(str(data.get("action", "")))
        except ValueError:
            return quiet(self._services.help.apologise().text)
        with uncounted() if action is Action.PULSE else nullcontext():
            return await self._answer_click(seen, action, str(data.get("value", "")))

    async def _answer_click(self, seen: Seen, action: Action, value: str) -> JSON:
        outcome = await self._dispatch.action(seen.where, action, value)
        if outcome.replace and outcome.reply:
            self._after(outcome)
            return execute_response(build_cards(list(outcome.reply)))
        note = self._notes.fits(outcome)
        if note is not None:
            self._after(outcome)
            return quiet(note)
        try:
            where = await self._render(seen, outcome)
        except Exception as failed:
            # Only the failure's kind: the note below still carries what must not be lost.
            logger.warning("a private answer to a click was not sent: %s", type(failed).__name__)
            self._after(outcome)
            return quiet(self._notes.not_sent(action, outcome))
        return quiet(self._notes.sent(action, outcome, where))

    async def on_dialog_open(self, seen: Seen, activity: Activity) -> JSON:
        """An opener card's button: the dialog, its context checked and sealed anew."""
        data = (activity.get("value") or {}).get("data") or {}
        form_id, sealed = _form_id(data), str(data.get("context", ""))
        if form_id is None:  # not a form of ours: a damaged or made-up invoke
            return dialog_message(self._services.help.apologise().text)
        outcome = await self._dispatch.reopen(seen.where, form_id, sealed)
        if outcome.form is None:
            return dialog_message(" ".join(card.text for card in outcome.reply))
        return dialog_response(outcome.form.title, build_dialog(outcome.form))

    async def on_dialog_submit(self, seen: Seen, activity: Activity) -> JSON:
        data: dict[str, Any] = (activity.get("value") or {}).get("data") or {}
        if "action" in data:  # a button inside the dialog: "I'm not safe right now"
            try:
                action = Action(str(data["action"]))
            except ValueError:
                return dialog_message(self._services.help.apologise().text)
            outcome = await self._dispatch.action(seen.where, action, str(data.get("value", "")))
            if outcome.notice is not None:
                return dialog_response(outcome.notice.title, build_card(outcome.notice.card))
            await self._render(seen, outcome)
            return dialog_close()
        # The context came back through the client: the core checks it before anything else.
        form_id, sealed = _form_id(data), str(data.get("context", ""))
        if form_id is None:
            return dialog_message(self._services.help.apologise().text)
        shown = await self._dispatch.reopen(seen.where, form_id, sealed)
        if shown.form is None:
            await self._render(seen, shown)
            return dialog_close()
        form = shown.form
        values = read_dialog_values(form.fields, data)
        try:
            outcome = await self._dispatch.submit(seen.where, form_id, sealed, values)
        except FieldErrors as problems:
            return dialog_response(form.title, build_dialog(form, problems.errors, values))
        await self._render(seen, outcome)
        return dialog_close()

    async def on_install_change(self, seen: Seen, activity: Activity) -> None:
        """Installed: remember where to post (a person gets their home card). Removed: forget
        where it was and pause its schedules."""
        bot = _bot_id(activity)
        removed = activity.get("action") == "remove" or any(
            member.get("id") == bot for member in activity.get("membersRemoved") or []
        )
        if not removed and seen.kind == "personal" and activity.get("action") == "add":
            await self._replies.private(seen, await self._dispatch.home(seen.where))
        if not removed and seen.where.team is not None:
            await self._people_left(seen, activity, bot)
        if not removed and seen.where.team is not None:
            # Everyone in the team can then be sent private messages (offers, digests).
            await self._directory.remember_roster(seen.where.workspace, seen.where.team)
        if not removed or seen.where.team is None:
            return
        await self._addresses.forget_conversation(seen.where.workspace, seen.where.team)
        await self._services.schedules.set_all_paused(seen.where.workspace, seen.where.team, True)

    async def _people_left(self, seen: Seen, activity: Activity, bot: str) -> None:
        """People left a team or group chat (or an owner removed them): only what tied them
        to its conversations goes. Their own data stays: Teams never tells a bot that an
        account left the tenant, so a leaver's data is erased by an admin (or themselves)."""
        leavers = [
            str(member.get("aadObjectId") or member.get("id"))
            for member in activity.get("membersRemoved") or []
            if member.get("id") and member.get("id") != bot
        ]
        if not leavers:
            return
        workspace, team = seen.where.workspace, seen.where.team or ""
        if seen.kind == "channel":
            team = str(((activity.get("channelData") or {}).get("team") or {}).get("id") or team)
            channels = await self._directory.channels_of(workspace, team)
            conversations = channels | {seen.where.team or team}
        else:
            conversations = frozenset({team})
        for person in leavers:
            await self._services.personal_data.leave_team(workspace, person, conversations)

    async def _remember(self, seen: Seen, remember_person: bool) -> None:
        """Every activity says where its conversation and its sender can be reached later."""
        workspace = seen.where.workspace
        self._addresses.learn_profile(workspace, seen.where.person, Profile(seen.person_name))
        if remember_person:
            await self._addresses.keep_person(workspace, seen.where.person, seen.person_address)
            await self._addresses.keep_service_url(workspace, seen.service_url)
        if seen.conversation_address is not None:
            await self._addresses.keep_conversation(workspace, seen.conversation_address)

    async def _render(self, seen: Seen, outcome: Outcome) -> Privately | None:
        """Show an outcome; where its private part went (None: it had none)."""
        where: Privately | None = None
        if outcome.reply:
            where = await self._replies.private(seen, outcome.reply)
        if outcome.public is not None:
            await self._replies.public(seen, outcome.public)
        if outcome.form is not None:
            where = await self._replies.form_opener(seen, outcome.form)
        if outcome.notice is not None:
            where = await self._replies.private(seen, [outcome.notice.card])
        if outcome.refresh_home:
            where = await self._replies.private(seen, await self._dispatch.home(seen.where))
        self._after(outcome)
        return where

    def _after(self, outcome: Outcome) -> None:
        """Slow work (routing a debrief) runs once the person has their answer."""
        then = outcome.then
        if then is None:
            return

        async def later() -> None:
            await self._inflight.track(then)()

        task = asyncio.create_task(later())
        self._later.add(task)
        task.add_done_callback(self._later.discard)


def _bot_id(activity: Activity) -> str:
    """The bot's own id as this activity names it: Teams addresses every activity to the bot
    (`recipient`), in the same form as it lists the bot among members added or removed."""
    return str((activity.get("recipient") or {}).get("id") or "")


def _form_id(data: dict[str, Any]) -> FormId | None:
    """The form a dialog belongs to; None when the invoke names none of ours."""
    try:
        return FormId(str(data.get("form_id")))
    except ValueError:
        return None
