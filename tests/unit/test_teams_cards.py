"""The services' real cards and forms become valid Adaptive Cards 1.5 for Teams, and back."""

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

import pytest

from bot.domain.checkins import PulseLevel
from bot.domain.commands import Command, parse_command_text
from bot.domain.debriefs import NOTE_LIMIT, DebriefKind, DebriefRequest, Preference, Urgency
from bot.domain.rotation import DeckPosition
from bot.domain.schedules import WEEKDAYS, Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action, FormId
from bot.outgoing.charts import WeekBar, render_weekly_trend
from bot.outgoing.messages import (
    Button,
    ButtonRow,
    ButtonStyle,
    Card,
    FieldErrors,
    FieldKind,
    Form,
    FormField,
    Note,
    Paragraph,
)
from bot.services.checkins import CheckinCards
from bot.services.debrief_cards import DebriefCards
from bot.services.help import HelpService
from bot.services.schedules import ScheduleService
from bot.services.volunteers import VolunteerService
from handlers.teams.cards import (
    CARD_CONTENT_TYPE,
    build_card,
    build_cards,
    build_dialog,
    build_image_card,
    card_attachment,
    dialog_close,
    dialog_response,
    escape_markdown,
    execute_response,
    name_for_markdown,
    plain_text,
    read_dialog_values,
    to_teams_markdown,
)
from prompts import Catalog, load_catalog
from tests.support import adaptive_cards
from tests.support.adaptive_cards import assert_valid_card, card_problems
from tests.support.clocks import FixedClock

WORKSPACE = WorkspaceRef("teams", "tenant-1")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
UNUSED: Any = None  # a collaborator the code under test never reaches


class FakeUnitOfWork:
    """Just what card-composing services touch: check-ins, rotations and listed schedules."""

    def __init__(self, schedules: list[Schedule] | None = None) -> None:
        self.checkins = self
        self.rotations = self
        self.schedules = self
        self._schedules = schedules or []

    async def add(self, checkin: object) -> None:
        pass

    async def position(self, workspace: WorkspaceRef, audience: str, deck: str) -> DeckPosition:
        return DeckPosition()

    async def save(self, *args: object) -> None:
        pass

    async def for_conversation(self, workspace: WorkspaceRef, conversation: str) -> list[Schedule]:
        return self._schedules


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def schedules(catalog: Catalog, found: list[Schedule] | None = None) -> ScheduleService:
    @asynccontextmanager
    async def uow() -> AsyncIterator[FakeUnitOfWork]:
        yield FakeUnitOfWork(found)

    return ScheduleService(cast(Any, uow), FixedClock(NOW), catalog, UNUSED)


def debrief_cards(catalog: Catalog) -> DebriefCards:
    resources = "Your EAP: <https://eap.example.org/help|the EAP site>."
    return DebriefCards(catalog, timedelta(minutes=15), resources, "Call 112.")


def every_form(catalog: Catalog) -> list[Form]:
    service = schedules(catalog)
    return [
        service.schedule_form("19:team@thread.tacv2", "Europe/London"),
        service.personal_form("Europe/London"),
        VolunteerService(UNUSED, FixedClock(NOW), catalog, frozenset()).volunteer_form("UTC"),
        debrief_cards(catalog).request_form(),
    ]


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]


def element(card: dict[str, Any], input_id: str) -> dict[str, Any]:
    return next(e for e in card["body"] if e.get("id") == input_id)


def after(card: dict[str, Any], input_id: str) -> dict[str, Any]:
    body = card["body"]
    return body[body.index(element(card, input_id)) + 1]


# Messages


async def test_a_checkin_is_a_valid_card_whose_buttons_are_execute_actions(
    catalog: Catalog,
) -> None:
    checkin, card = await CheckinCards(catalog, timedelta(hours=8), 5).new_checkin(
        cast(Any, FakeUnitOfWork()), WORKSPACE, "19:team@thread.tacv2", NOW
    )
    built = build_card(card)

    assert_valid_card(built)
    assert built["version"] == "1.5"
    assert built["fallbackText"] == plain_text(card.text)
    assert built["body"][0]["text"] == f"**{card.text}**"
    levels = actions(built)[: len(PulseLevel)]
    assert [a["type"] for a in levels] == ["Action.Execute"] * len(PulseLevel)
    assert levels[0]["verb"] == Action.PULSE
    assert type(levels[0]["verb"]) is str  # plain JSON values, not the core's enum members
    assert levels[0]["data"] == {
        "action": Action.PULSE,
        "value": f"{checkin.id}|{PulseLevel.EARLY.value}",
    }
    assert all("style" not in a for a in levels)  # plain buttons keep Teams' default look
    note = built["body"][2]
    assert (note["type"], note["size"], note["isSubtle"]) == ("TextBlock", "small", True)


def test_the_anonymity_explanation_turns_slack_bold_into_markdown_bold(catalog: Catalog) -> None:
    card = build_card(CheckinCards(catalog, timedelta(hours=8), 5).explain_anonymity())

    assert_valid_card(card)
    texts = [e["text"] for e in card["body"]]
    assert any(t.startswith("**What is kept:** a count") for t in texts)
    assert all(e["wrap"] for e in card["body"])


async def test_a_schedule_list_stacks_cards_with_separators_and_a_destructive_delete(
    catalog: Catalog,
) -> None:
    recurrence = Recurrence(frozenset(range(5)), time(9), "Europe/London")
    found = [
        Schedule(f"s{i}", WORKSPACE, ScheduleKind.CHECKIN, recurrence, "29:owner", NOW, "19:c")
        for i in range(2)
    ]
    cards = await schedules(catalog, found).list_schedules(WORKSPACE, "19:c")
    built = build_cards(cards)

    assert_valid_card(built)
    assert built["fallbackText"] == plain_text("\n\n".join(card.text for card in cards))
    assert "*" not in built["fallbackText"], "the fallback is plain text: no Slack bold"
    separated = [e for e in built["body"] if e.get("separator")]
    assert len(separated) == len(cards) - 1
    delete = [a for a in actions(built) if a["verb"] == Action.SCHEDULE_DELETE]
    assert [(a["style"], a["data"]["value"]) for a in delete] == [
        ("destructive", "s0"),
        ("destructive", "s1"),
    ]


def test_an_offer_shows_each_line_and_a_positive_accept(catalog: Catalog) -> None:
    request = DebriefRequest(
        "r1", WORKSPACE, "29:asker", DebriefKind.HARD_CASE, Urgency.TODAY,
        Preference.ANYONE, note=None, consent=False, created_at=NOW,
    )  # fmt: skip
    card = build_card(debrief_cards(catalog).offer(request))

    assert_valid_card(card)
    assert "\n\n**About:** " in card["body"][0]["text"]
    accept = next(a for a in actions(card) if a["verb"] == Action.DEBRIEF_ACCEPT)
    assert accept["style"] == "positive"
    assert accept["data"] == {"action": Action.DEBRIEF_ACCEPT, "value": "r1"}


def test_slack_links_in_support_text_become_markdown_links(catalog: Catalog) -> None:
    card = build_card(debrief_cards(catalog).unmatched())

    assert_valid_card(card)
    assert "[the EAP site](https://eap.example.org/help)" in card["body"][-1]["text"]


def test_help_keeps_command_names_as_typed(catalog: Catalog) -> None:
    card = build_card(HelpService(catalog).show_help(Command.DEBRIEF, parse_command_text("")))

    assert_valid_card(card)
    assert "`/debrief volunteer`" in card["body"][1]["text"]


@pytest.mark.parametrize(
    ("slack", "teams"),
    [
        ("*How the team is doing*", "**How the team is doing**"),
        ("*Their note, just for you:*", "**Their note, just for you:**"),
        ("See <https://a.example/b?c=1|the guide>", "See [the guide](https://a.example/b?c=1)"),
        ("<https://example.org>", "https://example.org"),
        ("Type `/checkin *now*` here", "Type `/checkin *now*` here"),
        ("2*3*4 and a * b", "2*3*4 and a * b"),
        ("_gently_ plain words, 5 people", "_gently_ plain words, 5 people"),
        ("one\ntwo", "one\n\ntwo"),
        ("one\n\ntwo", "one\n\ntwo"),
        ("list:\n- a\n- b", "list:\n- a\n- b"),
    ],
)  # fmt: skip
def test_slack_markup_is_translated_for_teams(slack: str, teams: str) -> None:
    assert to_teams_markdown(slack) == teams


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("*Support, if you want it*", "Support, if you want it"),
        ("See <https://a.example/b?c=1|the guide>", "See the guide (https://a.example/b?c=1)"),
        ("<https://example.org>", "https://example.org"),
        ("_gently_ now", "gently now"),
        ("Type `/debrief` to me", "Type /debrief to me"),
        ("TEAMS_TARGETED_MESSAGES and 2*3*4", "TEAMS_TARGETED_MESSAGES and 2*3*4"),
    ],
)  # fmt: skip
def test_fallback_text_is_plain_with_no_slack_markup(slack: str, plain: str) -> None:
    assert plain_text(slack) == plain
    assert build_card(Card(slack))["fallbackText"] == plain


def test_a_card_without_parts_shows_its_text() -> None:
    card = build_card(Card("Saved."))

    assert_valid_card(card)
    assert [e["text"] for e in card["body"]] == ["Saved."]


# Dialogs


def test_every_services_form_is_a_valid_dialog(catalog: Catalog) -> None:
    for form in every_form(catalog):
        card = build_dialog(form)
        assert card_problems(card) == [], form.form_id
        ids = [e["id"] for e in card["body"] if "id" in e]
        assert ids == [field.name for field in form.fields]
        for field in form.fields:
            assert element(card, field.name)["isRequired"] is not field.optional


def test_the_schedule_form_maps_each_kind_of_field(catalog: Catalog) -> None:
    form = schedules(catalog).schedule_form("19:team@thread.tacv2", "Europe/London")
    card = build_dialog(form)

    kind = element(card, "kind")
    assert (kind["type"], kind["style"], kind["value"]) == ("Input.ChoiceSet", "compact", "checkin")
    assert "isMultiSelect" not in kind
    days = element(card, "days")
    assert (days["type"], days["isMultiSelect"]) == ("Input.ChoiceSet", True)
    assert (days["style"], days["value"]) == ("expanded", "mon,tue,wed,thu,fri")
    assert days["choices"][0] == {"title": catalog.text("schedules.day_mon"), "value": "mon"}
    assert element(card, "time") == {
        "type": "Input.Time", "id": "time", "label": catalog.text("schedules.field_time"),
        "isRequired": True, "value": "09:00",
    }  # fmt: skip
    skip = element(card, "skip")
    assert (skip["type"], skip["isRequired"], skip["maxLength"]) == ("Input.Text", False, 200)
    assert after(card, "skip")["text"] == catalog.text("schedules.skip_hint")
    assert card["actions"] == [
        {
            "type": "Action.Submit",
            "title": form.submit,
            "data": {"form_id": FormId.SCHEDULE, "context": "19:team@thread.tacv2"},
            "style": "positive",
        }
    ]


def test_the_debrief_form_offers_not_safe_without_waiting_for_the_fields(
    catalog: Catalog,
) -> None:
    form = debrief_cards(catalog).request_form()
    card = build_dialog(form)

    assert card["body"][0]["text"] == form.intro
    (not_safe,) = actions(card)
    assert not_safe == {
        "type": "Action.Submit",
        "title": catalog.text("debriefs.form.not_safe_button"),
        "data": {"action": Action.DEBRIEF_NOT_SAFE, "value": ""},
        "associatedInputs": "none",
    }
    note = element(card, "note")
    assert (note["isMultiline"], note["maxLength"]) == (True, NOTE_LIMIT)


async def test_a_services_field_errors_are_shown_beside_their_fields_with_input_kept(
    catalog: Catalog,
) -> None:
    service = schedules(catalog)
    form = service.schedule_form("19:c", "Europe/London")
    submitted = {
        "form_id": FormId.SCHEDULE, "context": "19:c", "kind": "reminder",
        "days": "", "time": "", "timezone": "Europe/Paris",
    }  # fmt: skip
    values = read_dialog_values(form.fields, submitted)
    with pytest.raises(FieldErrors) as raised:
        await service.create_schedule(WORKSPACE, "29:owner", "19:c", values)

    card = build_dialog(form, raised.value.errors, values)

    assert_valid_card(card)
    assert set(raised.value.errors) == {"days", "time"}
    for name, message in raised.value.errors.items():
        shown = after(card, name)
        assert (shown["text"], shown["color"]) == (message, "attention")
        assert element(card, name)["errorMessage"] == message
    assert element(card, "kind")["value"] == "reminder"
    assert element(card, "timezone")["value"] == "Europe/Paris"
    assert "value" not in element(card, "days")
    assert "color" not in after(card, "kind")


def test_an_error_for_no_field_is_shown_at_the_top() -> None:
    form = Form("f", "Title", "Save", "Cancel", (FormField("a", "A", FieldKind.TEXT),))
    card = build_dialog(form, {"elsewhere": "Something is off."})

    assert_valid_card(card)
    assert card["body"][0]["text"] == "Something is off."


def test_a_multi_select_comes_back_as_a_tuple_and_other_keys_are_ignored(
    catalog: Catalog,
) -> None:
    form = VolunteerService(UNUSED, FixedClock(NOW), catalog, frozenset()).volunteer_form("UTC")
    data = {
        "capacity": "3", "days": "mon,wed", "start": "09:00", "timezone": "UTC",
        "form_id": FormId.VOLUNTEER, "context": "", "msteams": {"type": "task/submit"},
    }  # fmt: skip

    assert read_dialog_values(form.fields, data) == {
        "capacity": "3", "days": ("mon", "wed"), "start": "09:00", "timezone": "UTC",
    }  # fmt: skip


def test_an_untouched_multi_select_reads_back_as_its_initial_choices(catalog: Catalog) -> None:
    form = VolunteerService(UNUSED, FixedClock(NOW), catalog, frozenset()).volunteer_form("UTC")
    days = element(build_dialog(form), "days")["value"]

    assert read_dialog_values(form.fields, {"days": days})["days"] == WEEKDAYS
    assert read_dialog_values(form.fields, {})["days"] == ()


# Charts and invoke responses


def test_a_chart_travels_inside_the_card_as_a_data_uri() -> None:
    png = render_weekly_trend(
        "Trend", [WeekBar("W1", (0.25, 0.25, 0.25, 0.25)), WeekBar("W2", None)],
        ["a", "b", "c", "d"], "hidden", "share",
    )  # fmt: skip
    card = build_image_card("*Weekly trend*", png, "Stacked bars for two weeks")

    assert_valid_card(card)
    title, image = card["body"]
    assert title["text"] == "**Weekly trend**"
    prefix = "data:image/png;base64,"
    assert image["url"].startswith(prefix)
    assert base64.b64decode(image["url"].removeprefix(prefix)) == png
    assert image["altText"] == "Stacked bars for two weeks"


def test_invoke_responses_wrap_the_card_as_teams_expects() -> None:
    card = build_card(Card.plain("Thanks."))

    assert card_attachment(card) == {"contentType": CARD_CONTENT_TYPE, "content": card}
    assert dialog_response("Ask for a debrief", card) == {
        "task": {
            "type": "continue",
            "value": {"title": "Ask for a debrief", "card": card_attachment(card)},
        }
    }
    assert execute_response(card) == {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}
    assert dialog_close() == {}


# The validator itself


def test_the_validator_reports_an_unknown_property_on_a_nested_element() -> None:
    card = build_card(Card("Hi", (Paragraph("Hi"), Note("small"))))
    card["body"][1]["glow"] = True

    assert card_problems(card) == [
        "$.body[1] (TextBlock): Additional properties are not allowed ('glow' was unexpected)"
    ]
    with pytest.raises(AssertionError, match="glow"):
        assert_valid_card(card)


def test_the_validator_reports_bad_values_unknown_elements_and_a_missing_version() -> None:
    card = build_card(Card("Hi", (ButtonRow((Button("Go", "go", style=ButtonStyle.PRIMARY),)),)))
    card["body"][0]["actions"][0]["style"] = "loud"
    card["body"].append({"type": "Badge", "text": "new"})
    del card["version"]

    problems = card_problems(card)

    assert any(p.startswith("$: no version") for p in problems)
    bad_style = "$.body[0] (ActionSet).actions[0] (Action.Execute).style: 'loud' is not valid"
    assert any(p.startswith(bad_style) for p in problems)
    assert any(p.startswith("$.body[1].type: 'Badge' is not one of") for p in problems)


def test_teams_card_properties_are_allowed_only_on_the_root() -> None:
    card = build_card(Card.plain("Hi"))
    card["msteams"] = {"width": "Full"}
    assert card_problems(card) == []

    card["body"][0]["msteams"] = {"width": "Full"}
    assert len(card_problems(card)) == 1


def test_a_missing_schema_file_is_an_error_not_a_skip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(adaptive_cards, "SCHEMA_PATH", tmp_path / "absent.json")

    with pytest.raises(FileNotFoundError, match="schema is missing"):
        adaptive_cards._load.__wrapped__()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("[Win](https://evil.example)", "\\[Win\\]\\(https://evil.example\\)"),
        ("<https://evil.example|Win>", "\\<https://evil.example\\|Win\\>"),
        ("*Night* _shift_ `x`", "\\*Night\\* \\_shift\\_ \\`x\\`"),
        ("- North\n1. South", "\\- North 1. South"),
        ("Ward 7", "Ward 7"),
    ],
)
def test_a_name_inside_slack_style_text_stays_literal_for_teams(name: str, shown: str) -> None:
    text = f"*Team {name_for_markdown(name)}* see <https://help.example|help>"
    assert to_teams_markdown(text) == f"**Team {shown}** see [help](https://help.example)"


def test_a_persons_own_words_keep_their_lines_and_lose_their_markup() -> None:
    card = build_card(Card("x", (Paragraph("- one\n[two](https://e.example)", verbatim=True),)))
    [block] = card["body"]
    assert block["text"] == "\\- one\n\n\\[two\\]\\(https://e.example\\)"
    assert escape_markdown("1. a") == "1\\. a"
