"""The answer to a message written to the bot: the fixed crisis line first, whatever is set."""

import pytest

from bot.messages import Paragraph
from bot.services import HelpService
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
