"""A "some of" field on Slack: checkboxes while they fit, a menu once they do not."""

import pytest

from bot.outgoing.messages import Choice, FieldKind, Form, FormField
from handlers.slack.forms import build_modal, read_form_values, read_metadata
from tests.fakes.slack_api import view_problems


def form_with(count: int) -> Form:
    choices = tuple(Choice(f"C{n:04d}", f"#team-{n:04d}") for n in range(count))
    field = FormField("teams", "Teams", FieldKind.SOME_OF, choices, initial=("C0001",))
    return Form("schedule_copy_form", "Set up", "Set up", "Cancel", (field,), context="s-1")


@pytest.mark.parametrize(
    ("count", "kind", "groups"),
    [(3, "checkboxes", 0), (10, "checkboxes", 0), (11, "multi_static_select", 0),
     (100, "multi_static_select", 0), (250, "multi_static_select", 3)],
)  # fmt: skip
def test_every_choice_is_offered_in_an_element_slack_accepts(
    count: int, kind: str, groups: int
) -> None:
    view = build_modal(form_with(count)).to_dict()
    assert view_problems(view) == []
    element = view["blocks"][0]["element"]
    assert element["type"] == kind
    grouped = element.get("option_groups", [])
    assert len(grouped) == groups
    offered = [o["value"] for g in grouped for o in g["options"]] or [
        o["value"] for o in element["options"]
    ]
    assert offered == [f"C{n:04d}" for n in range(count)]
    assert [o["value"] for o in element["initial_options"]] == ["C0001"]


def test_a_menu_answer_reads_like_ticked_boxes() -> None:
    chosen = [{"value": "C0002"}, {"value": "C0007"}]
    state = {"teams": {"teams": {"type": "multi_static_select", "selected_options": chosen}}}
    assert read_form_values(state) == {"teams": ("C0002", "C0007")}


def test_the_sealed_context_rides_in_private_metadata_and_comes_back_as_it_is() -> None:
    modal = build_modal(form_with(1)).to_dict()
    assert modal["private_metadata"] == "s-1"
    assert read_metadata(modal) == "s-1"
    assert read_metadata({}) == "", "a view without metadata has no context (the core refuses)"
