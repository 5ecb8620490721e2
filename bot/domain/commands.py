"""How the words after a slash command are read."""

from dataclasses import dataclass
from difflib import get_close_matches
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


# How close a lone word must be to a known one to read as its typo (difflib's ratio).
TYPO_CUTOFF = 0.6


def reads_as_words(typed: CommandText, known: frozenset[str]) -> bool:
    """Whether what follows a command is something a person wrote, not a subcommand.

    A known word is a subcommand. A lone word that is a help word, or close to a known one
    (`shedule`, `volunter`), is a mistyped subcommand: it gets the command's help. Anything
    else (`/debrief I'm not okay`, `help me`, `exhausted`) may be written in distress.
    """
    if typed.word in known:
        return False
    if typed.rest:
        return True
    if typed.asks_for_help:
        return False
    return not get_close_matches(typed.word, sorted(known - {""}), n=1, cutoff=TYPO_CUTOFF)
