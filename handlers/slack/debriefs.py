"""/debrief, its two modals (a request, signing up as a peer) and the buttons along the way."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import Action, FormId
from bot.domain.commands import Command, parse_command_text
from bot.services import Services
from handlers.slack.blocks import action_pattern, build_card_blocks, to_payload
from handlers.slack.events import workspace_of
from handlers.slack.forms import build_modal, build_notice, read_form_values
from handlers.slack.listeners import Listener
from handlers.slack.profiles import timezone_of
from handlers.slack.replies import ephemeral, in_conversation
from handlers.slack.views import saved_or_flagged

_WORDS = frozenset({"", "volunteer", "away", "available", "stop", "peers", "stats"})


def register_debriefs(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    debriefs, volunteers = services.debriefs, services.volunteers

    @guard
    async def on_debrief(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        typed = parse_command_text(body.get("text", ""))
        if typed.word not in _WORDS:
            await ack(**ephemeral(services.help.show_help(Command.DEBRIEF, typed)))
            return
        await ack()
        workspace, person = workspace_of(body), body["user_id"]
        if typed.word == "":
            form = debriefs.cards.request_form()
            await client.views_open(trigger_id=body["trigger_id"], view=build_modal(form))
            return
        if typed.word == "volunteer":
            form = volunteers.volunteer_form(await timezone_of(client, person))
            await client.views_open(trigger_id=body["trigger_id"], view=build_modal(form))
            return
        if typed.word == "away":
            card = await volunteers.set_away(workspace, person, typed.rest)
        elif typed.word == "available":
            card = await volunteers.set_available(workspace, person)
        elif typed.word == "stop":
            card = await volunteers.stop(workspace, person)
        elif typed.word == "peers":
            card = await volunteers.peers_now(workspace, person)
        else:
            card = await services.debrief_stats.monthly(workspace, person)
        await respond(**ephemeral(card))

    @guard
    async def on_request_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        workspace, person = workspace_of(body), body["user"]["id"]
        values = read_form_values(view["state"]["values"])
        request_id = await saved_or_flagged(ack, debriefs.submit(workspace, person, values))
        if request_id is not None:
            # The modal is closed by now; routing may take a while.
            await debriefs.start(request_id)

    @guard
    async def on_volunteer_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        workspace, person = workspace_of(body), body["user"]["id"]
        values = read_form_values(view["state"]["values"])
        card = await saved_or_flagged(ack, volunteers.sign_up(workspace, person, values))
        if card is not None:
            blocks = to_payload(build_card_blocks(card))
            await client.chat_postMessage(channel=person, text=card.text, blocks=blocks)

    @guard
    async def on_not_safe(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        # Crisis resources come first, before anything else is asked or sent.
        await ack()
        cards = debriefs.cards
        notice = build_notice(cards.crisis_title(), cards.crisis_close(), cards.crisis())
        await client.views_push(trigger_id=body["trigger_id"], view=notice)

    @guard
    async def on_offer_answer(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        workspace, person = workspace_of(body), body["user"]["id"]
        request_id = str(action.get("value", ""))
        if action["action_id"].startswith(Action.DEBRIEF_ACCEPT):
            card = await debriefs.accept(workspace, request_id, person)
        else:
            card = await debriefs.pass_offer(workspace, request_id, person)
        await respond(**ephemeral(card, replace=True))

    @guard
    async def on_cancel(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        workspace, person = workspace_of(body), body["user"]["id"]
        card = await debriefs.cancel(workspace, str(action.get("value", "")), person)
        await respond(**ephemeral(card, replace=True))

    @guard
    async def on_done(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        workspace, person = workspace_of(body), body["user"]["id"]
        card = await debriefs.done(workspace, str(action.get("value", "")), person)
        await respond(**in_conversation(card))

    @guard
    async def on_again(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        view = build_modal(debriefs.cards.request_form())
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    app.command(f"/{Command.DEBRIEF.value}")(on_debrief)
    app.view(FormId.DEBRIEF.value)(on_request_submitted)
    app.view(FormId.VOLUNTEER.value)(on_volunteer_submitted)
    app.action(action_pattern(Action.DEBRIEF_NOT_SAFE))(on_not_safe)
    for answer in (Action.DEBRIEF_ACCEPT, Action.DEBRIEF_PASS):
        app.action(action_pattern(answer))(on_offer_answer)
    app.action(action_pattern(Action.DEBRIEF_CANCEL))(on_cancel)
    app.action(action_pattern(Action.DEBRIEF_DONE))(on_done)
    app.action(action_pattern(Action.DEBRIEF_AGAIN))(on_again)
