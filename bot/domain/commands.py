"""How the words after a slash command are read."""

from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    """The commands; the value is the help topic in prompts/<lang>/commands.yaml."""

    CHECKIN = "checkin"
    PULSE = "pulse"
    DEBRIEF = "debrief"
    PLACEMENT = "placement"
    WELLSPRING = "wellspring"


HELP_WORDS = frozenset({"", "help", "?"})


@dataclass(frozen=True)
class CommandText:
    """The first word (lower-cased) and whatever follows it, as typed."""

    word: str
    rest: str

    @property
    def asks_for_help(self) -> bool:
        return self.word in HELP_WORDS


def parse_command_text(text: str) -> CommandText:
    word, _, rest = text.strip().partition(" ")
    return CommandText(word=word.lower(), rest=rest.strip())
