"""The Dispatcher's table: every listed word, button and form has exactly one handler, checked
when the Dispatcher is built (at start), and each is routed to the feature that claimed it."""

from collections.abc import Callable

import pytest

from bot.domain.commands import Command, CommandText
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Card, Form, FormValues
from bot.services.dispatch import Dispatcher, command_words
from bot.services.dispatch_table import DispatchTable, Feature, Outcome, RouteConflict, Where
from bot.services.form_context import FormSeals
from bot.services.help import HelpService
from prompts import load_catalog
from tests.support.clocks import FixedClock

CATALOG = load_catalog()
HELP = HelpService(CATALOG)
WORKSPACE = WorkspaceRef("slack", "T0AGENCY")
IN_TEAM, IN_PRIVATE = Where(WORKSPACE, "U0ALICE", "C0TEAM"), Where(WORKSPACE, "U0ALICE", None)
EVERY_WORD = [(command, word) for command in Command for word in sorted(command_words(command))]


async def _answer(where: Where, typed: CommandText) -> Outcome:
    return Outcome.private(Card.plain(f"answered {typed.word!r} for {where.person}"))


async def _team_answer(where: Where, team: str, typed: CommandText) -> Outcome:
    return Outcome.private(Card.plain(f"answered {typed.word!r} in {team}"))


async def _click(where: Where, value: str) -> Outcome:
    return Outcome.private(Card.plain(f"clicked {value}"))


async def _show(where: Where, context: str) -> Form:
    raise AssertionError("not shown in these tests")


async def _submit(where: Where, context: str, values: FormValues) -> Outcome:
    return Outcome()


class Everything:
    """A feature claiming every listed word (/checkin's for team conversations), button and
    form, but for those left out."""

    def __init__(self, leave_out: object = None) -> None:
        self._leave_out = leave_out

    def register(self, table: DispatchTable) -> None:
        for command, word in EVERY_WORD:
            if (command, word) == self._leave_out:
                continue
            if command is Command.CHECKIN:
                table.team_command(command, word, _team_answer)
            else:
                table.command(command, word, _answer)
        for action in Action:
            if action is not self._leave_out:
                table.action(action, _click)
        for form_id in FormId:
            if form_id is not self._leave_out:
                table.form(form_id, _show, _submit)


class One:
    """A feature claiming a single entry point."""

    def __init__(self, claim: Callable[[DispatchTable], None]) -> None:
        self._claim = claim

    def register(self, table: DispatchTable) -> None:
        self._claim(table)


def dispatcher(*features: Feature) -> Dispatcher:
    return Dispatcher(
        HELP, FormSeals((b"dispatch-test-secret-0123456789abcdef",), FixedClock()), features
    )


def refusal(*features: Feature) -> str:
    with pytest.raises(RouteConflict) as refused:
        dispatcher(*features)
    return str(refused.value)


@pytest.mark.parametrize(
    ("second", "named"),
    [
        (lambda t: t.command(Command.PULSE, "chart", _answer), "/pulse chart is registered twice"),
        (lambda t: t.team_command(Command.CHECKIN, "now", _team_answer), "/checkin now is"),
        (lambda t: t.action(Action.PEER_REMOVE, _click), "button peer_remove is registered twice"),
        (lambda t: t.form(FormId.VOLUNTEER, _show, _submit), "form volunteer_form is registered"),
    ],
)
def test_a_second_claim_on_a_word_button_or_form_refuses_to_start(
    second: Callable[[DispatchTable], None], named: str
) -> None:
    assert named in refusal(Everything(), One(second))


@pytest.mark.parametrize(("command", "word"), EVERY_WORD)
def test_every_listed_word_needs_a_handler(command: Command, word: str) -> None:
    assert refusal(Everything(leave_out=(command, word))) == (
        f"/{command} {word}: listed, no handler"
    )


def test_a_handler_for_a_word_not_listed_refuses_to_start() -> None:
    extra = One(lambda t: t.command(Command.DEBRIEF, "later", _answer))
    assert refusal(Everything(), extra) == "/debrief later: not listed"


@pytest.mark.parametrize("missing", [Action.DEBRIEF_DONE, FormId.SCHEDULE_COPY])
def test_every_button_and_form_needs_a_handler(missing: Action | FormId) -> None:
    assert str(missing) in refusal(Everything(leave_out=missing))


async def test_each_word_and_button_reaches_the_handler_that_claimed_it() -> None:
    dispatch = dispatcher(Everything())
    for command, word in EVERY_WORD:
        outcome = await dispatch.command(IN_TEAM, command, f"{word} next" if word else "")
        to = "in C0TEAM" if command is Command.CHECKIN else "for U0ALICE"
        assert [card.text for card in outcome.reply] == [f"answered {word!r} {to}"]
    clicked = await dispatch.action(IN_PRIVATE, Action.PEER_APPROVE, "request-7")
    assert [card.text for card in clicked.reply] == ["clicked request-7"]


async def test_a_team_word_in_a_private_chat_says_where_to_use_it() -> None:
    outcome = await dispatcher(Everything()).command(IN_PRIVATE, Command.CHECKIN, "list")
    assert outcome.reply == (HELP.use_in_channel(),)


async def test_a_mistyped_word_gets_the_commands_help_not_a_handler() -> None:
    outcome = await dispatcher(Everything()).command(IN_TEAM, Command.PULSE, "chrt")
    assert outcome.reply == (HELP.show_help(Command.PULSE, CommandText("chrt", "")),)
