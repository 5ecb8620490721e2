"""Help cards for the slash commands and the App Home introduction."""

from bot.domain.commands import Command, CommandText
from bot.errors import BotError
from bot.messages import Card
from prompts import Catalog


class HelpService:
    """Turns catalogue wording into help cards."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def show_help(self, command: Command, typed: CommandText) -> Card:
        """Help for a command; a word the command does not know is named first."""
        topic = f"commands.{command.value}"
        title = self._catalog.text(f"{topic}.title")
        lines = self._catalog.variants(f"{topic}.lines")
        paragraphs = [title, "\n".join(f"• {line}" for line in lines)]
        if not typed.asks_for_help:
            paragraphs.insert(0, self._catalog.text("commands.unknown", word=typed.word))
        return Card(
            text=title,
            paragraphs=tuple(paragraphs),
            footnote=self._catalog.text(f"{topic}.soon"),
        )

    def describe_home(self) -> Card:
        """The App Home introduction."""
        return Card(
            text=self._catalog.text("home.title"),
            paragraphs=(
                self._catalog.text("home.intro"),
                *self._catalog.variants("home.lines"),
            ),
            footnote=self._catalog.text("home.crisis"),
        )

    def explain(self, error: BotError) -> Card:
        """The private reply to a BotError."""
        return self._plain(error.prompt, **error.params)

    def apologise(self) -> Card:
        """What a person sees when something unexpected failed."""
        return self._plain("errors.unexpected")

    def _plain(self, key: str, **params: object) -> Card:
        text = self._catalog.text(key, **params)
        return Card(text=text, paragraphs=(text,))
