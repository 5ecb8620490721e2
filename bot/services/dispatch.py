"""What a typed command, a click or a submitted form does, whichever platform it came from.

Adapters translate a platform's payload into one call here and render the Outcome. Each
feature registers its own words, buttons and forms (bot/services/routes); the rules every
one of them shares (help for a word no command knows, where a command may be used, sealed
form contexts, errors as private replies) live here once.
"""

from collections.abc import Iterable
from dataclasses import replace

from bot.domain.commands import Command, parse_command_text, reads_as_words
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Card, FormValues
from bot.services.dispatch_table import Anywhere, DispatchTable, Feature, Outcome, Where
from bot.services.errors import BotError
from bot.services.form_context import FormSeals, Opened
from bot.services.help import HelpService

# The words each command knows; anything else gets the command's help. The one list: the
# features' registrations are checked against it at start, adapters' command lists use it.
_WORDS = {
    Command.CHECKIN: frozenset({"now", "schedule", "list", "pause", "resume"}),
    Command.PULSE: frozenset({"", "audit", "export", "chart"}),
    Command.DEBRIEF: frozenset({"", "volunteer", "away", "available", "stop", "peers", "stats"}),
    Command.PLACEMENT: frozenset({"", "stop", "help"}),
    Command.WELLSPRING: frozenset(
        {"my", "erase", "remove", "holidays", "admin", "assign", "unassign"}  # "my data"
    ),
}


def command_words(command: Command) -> frozenset[str]:
    """The words `command` knows (an adapter's command list must stay within them)."""
    return _WORDS[command]


class Dispatcher:
    def __init__(self, help: HelpService, seals: FormSeals, features: Iterable[Feature]) -> None:
        """Raises RouteConflict when two features claim one word, button or form, or the
        registered words are not exactly the listed ones."""
        self._help, self._seals = help, seals
        self._table = DispatchTable()
        for feature in features:
            feature.register(self._table)
        self._table.check(_WORDS)

    async def command(self, where: Where, command: Command, text: str) -> Outcome:
        typed = parse_command_text(text)
        if reads_as_words(typed, _WORDS[command]):
            # Words, not a subcommand: answered like a message, the crisis line first.
            return Outcome.private(self._help.answer_message())
        if typed.word not in _WORDS[command]:
            return Outcome.private(self._help.show_help(command, typed))
        route = self._table.commands[command, typed.word]
        try:
            if isinstance(route, Anywhere):
                outcome = await route.handler(where, typed)
            elif where.team is None:
                return Outcome.private(self._help.use_in_channel())
            else:
                outcome = await route.handler(where, where.team, typed)
        except BotError as error:
            return Outcome.private(self._help.explain(error))
        return self._sealed(where, outcome, where.team)

    async def action(self, where: Where, action: Action, value: str) -> Outcome:
        try:
            outcome = await self._table.actions[action](where, value)
        except BotError as error:
            return Outcome.private(self._help.explain(error))
        return self._sealed(where, outcome, where.team)

    async def submit(
        self, where: Where, form_id: FormId, sealed: str, values: FormValues
    ) -> Outcome:
        """A submitted form, its sealed context checked first (see form_context); raises
        FieldErrors for the form to show beside its fields."""
        try:
            opened = self._seals.open(form_id, where.workspace, where.person, sealed)
            return await self._table.forms[form_id].submit(where, opened.context, values)
        except BotError as error:
            return Outcome.private(self._help.explain(error))

    async def reopen(self, where: Where, form_id: FormId, sealed: str) -> Outcome:
        """A form shown again (a Teams dialog from its opener card, the form read back on
        submit): its context checked, then sealed anew; a private refusal otherwise."""
        try:
            opened = self._seals.open(form_id, where.workspace, where.person, sealed)
            form = await self._table.forms[form_id].show(where, opened.context)
        except BotError as error:
            return Outcome.private(self._help.explain(error))
        return self._sealed(where, Outcome(form=form), opened.team)

    def opened_in(self, where: Where, form_id: FormId, sealed: str) -> str | None:
        """The team conversation a form about that team was opened in, where its answers go;
        None for any other form, or a context that isn't what was sealed."""
        try:
            opened = self._seals.open(form_id, where.workspace, where.person, sealed)
        except BotError:
            return None
        return opened.team if opened.team and opened.context == opened.team else None

    async def home(self, where: Where) -> list[Card]:
        """A person's own page: what Wellspring is, then each feature's cards (a person's
        reminders, a supervisor's teams)."""
        cards = [self._help.describe_home()]
        for section in self._table.home:
            cards.extend(await section(where))
        return cards

    def _sealed(self, where: Where, outcome: Outcome, team: str | None) -> Outcome:
        """The outcome's form, if any, with its context sealed for this person (and `team`,
        where it was first opened)."""
        form = outcome.form
        if form is None:
            return outcome
        opened = Opened(form.context, team)
        sealed = self._seals.seal(form.form_id, where.workspace, where.person, opened)
        return replace(outcome, form=replace(form, context=sealed))
