"""Help cards for the slash commands and the App Home introduction."""

from bot.domain.commands import Command, CommandText
from bot.outgoing.messages import Card, Paragraph, Part
from bot.services.errors import BotError
from bot.services.safety import SafetyWords
from prompts import Catalog


class HelpService:
    """Turns catalogue wording into help cards."""

    def __init__(self, catalog: Catalog, crisis: str | None = None) -> None:
        """`crisis`: the agency's own crisis text; it follows the fixed line, never replaces it."""
        self._catalog = catalog
        self._safety = SafetyWords(catalog, crisis=crisis)

    def show_help(self, command: Command, typed: CommandText) -> Card:
        """Help for a command; a word the command does not know is named first."""
        topic = f"commands.{command.value}"
        title = self._catalog.text(f"{topic}.title")
        lines = self._catalog.variants(f"{topic}.lines")
        parts: list[Part] = [Paragraph(title), Paragraph("\n".join(f"• {x}" for x in lines))]
        if not typed.asks_for_help:
            unknown = self._catalog.text("commands.unknown", word=typed.word)
            parts.insert(0, Paragraph(unknown))
        return Card(text=title, parts=tuple(parts))

    def describe_home(self) -> Card:
        """The App Home introduction, the fixed crisis line (and the agency's) first."""
        paragraphs = (self._catalog.text("home.intro"), *self._catalog.variants("home.lines"))
        return Card(
            text=self._catalog.text("home.title"),
            parts=(*self._safety.fixed_and_agency_crisis(), *map(Paragraph, paragraphs)),
        )

    def answer_message(self) -> Card:
        """The private answer to anything written to the bot, which may be written in distress:
        the fixed crisis line first (and the agency's crisis text, if it set one), then what
        the bot can do and how to ask for a debrief. What was written is never read into it."""
        lines = self._catalog.variants("home.message.lines")
        paragraphs = (
            self._catalog.text("home.message.lead"),
            self._catalog.text("home.message.debrief"),
            "\n".join(f"• {line}" for line in lines),
        )
        return Card(
            text=self._safety.fixed_line(),
            parts=(*self._safety.fixed_and_agency_crisis(), *map(Paragraph, paragraphs)),
        )

    def explain(self, error: BotError) -> Card:
        """The private reply to a BotError."""
        return self._plain(error.prompt, **error.params)

    def use_in_channel(self) -> Card:
        return self._plain("schedules.use_in_channel")

    def apologise(self) -> Card:
        """What a person sees when something unexpected failed."""
        return self._plain("errors.unexpected")

    def _plain(self, key: str, **params: object) -> Card:
        return Card.plain(self._catalog.text(key, **params))
