"""The answer to a message written to the bot (or words after a command): the fixed crisis line
first, whatever is set."""

import pytest

from bot.domain.commands import Command, parse_command_text, reads_as_words
from bot.outgoing.messages import Paragraph
from bot.services import HelpService
from bot.services.dispatch import command_words
from prompts import Catalog, load_catalog

AGENCY_CRISIS = "Our staff crisis line, day and night: 0800 000 000."


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog("en")


@pytest.mark.parametrize("crisis", [None, "", "  ", AGENCY_CRISIS])
def test_the_fixed_line_comes_first_and_the_agencys_crisis_text_follows_it(
    catalog: Catalog, crisis: str | None
) -> None:
    answer = HelpService(catalog, crisis).answer_message()
    shown = [part.text for part in answer.parts if isinstance(part, Paragraph)]
    fixed = catalog.text("safety.fixed_line")
    assert answer.text == fixed and shown[0] == fixed, "the notification and the first line"
    assert (shown[1] == AGENCY_CRISIS) is (crisis == AGENCY_CRISIS)
    assert shown[-3:-1] == [catalog.text("home.message.lead"), catalog.text("home.message.debrief")]
    assert "/debrief" in shown[-2], "how to ask for a debrief"


@pytest.mark.parametrize(
    ("command", "text", "words"),
    [
        (Command.DEBRIEF, "I'm not okay", True),
        (Command.DEBRIEF, "help me", True),
        (Command.DEBRIEF, "exhausted", True),
        (Command.CHECKIN, "not good today", True),
        (Command.PLACEMENT, "my student cried", True),
        (Command.DEBRIEF, "volunter", False),  # a typo of `volunteer`: the command's help
        (Command.CHECKIN, "shedule", False),
        (Command.PLACEMENT, "stpo", False),
        (Command.DEBRIEF, "help", False),
        (Command.DEBRIEF, "?", False),
        (Command.DEBRIEF, "away until 2026-12-24", False),  # known words are subcommands
        (Command.WELLSPRING, "my data", False),
    ],
)
def test_words_after_a_command_are_told_from_a_mistyped_subcommand(
    command: Command, text: str, words: bool
) -> None:
    assert reads_as_words(parse_command_text(text), command_words(command)) is words
