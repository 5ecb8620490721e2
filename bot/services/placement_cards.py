"""The placement track's forms and messages, in the catalogue's words."""

from datetime import date, datetime

from bot.domain.placements import ARC, ArcPrompt, Placement, arc_plan
from bot.domain.schedules import WEEKDAYS
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import (
    Button,
    ButtonRow,
    ButtonStyle,
    Card,
    Choice,
    FieldKind,
    Form,
    FormField,
    Note,
    Paragraph,
)
from bot.services.safety import SafetyWords
from prompts import Catalog

SHARE_LIMIT = 2000
DEFAULT_DAY = "fri"
DEFAULT_TIME = "15:00"


class PlacementCards:
    def __init__(self, catalog: Catalog, student_support: str) -> None:
        self._catalog = catalog
        self._support = student_support
        self._safety = SafetyWords(catalog)
        # Each stage's prompt ids, in the catalogue's order (a prompt is a student question,
        # an instructor question and an explanation under one id).
        self.prompts = {
            stage: tuple(
                dict.fromkeys(key.split(".")[3] for key in catalog.keys(f"placements.arc.{stage}."))
            )
            for stage in ARC
        }

    def text(self, key: str, **params: str) -> str:
        return self._catalog.text(f"placements.{key}", **params)

    def plain(self, key: str, **params: str) -> Card:
        return Card.plain(self.text(key, **params))

    def placement_form(self, default_timezone: str) -> Form:
        t = self.text
        days = tuple(Choice(d, self._catalog.text(f"schedules.day_{d}")) for d in WEEKDAYS)
        fields = (
            FormField("instructor", t("form.field_instructor"), FieldKind.PERSON,
                      hint=t("form.instructor_hint")),
            FormField("starts_on", t("form.field_starts"), FieldKind.DATE),
            FormField("ends_on", t("form.field_ends"), FieldKind.DATE),
            FormField("day", t("form.field_day"), FieldKind.ONE_OF, days, (DEFAULT_DAY,)),
            FormField("at", t("form.field_time"), FieldKind.TIME, initial=(DEFAULT_TIME,)),
            FormField("timezone", t("form.field_timezone"), FieldKind.TEXT,
                      initial=(default_timezone,), hint=t("form.timezone_hint")),
        )  # fmt: skip
        return Form(
            FormId.PLACEMENT,
            t("form.title"),
            t("form.submit"),
            t("form.cancel"),
            fields,
            intro=t("form.intro"),
        )

    def share_form(self) -> Form:
        t = self.text
        words = FormField(
            "words", t("share.field_words"), FieldKind.TEXT,
            max_length=SHARE_LIMIT, multiline=True,
        )  # fmt: skip
        return Form(
            FormId.PLACEMENT_SHARE,
            t("share.title"),
            t("share.submit"),
            t("share.cancel"),
            (words,),
            intro=t("share.intro"),
        )

    def when(self, placement: Placement) -> str:
        day = self._catalog.text(f"schedules.day_{WEEKDAYS[placement.day]}")
        at = placement.at.strftime("%H:%M")
        return self.text("when", day=day, time=at, timezone=placement.timezone)

    def saved(self, placement: Placement, instructor: str) -> Card:
        """What a student reads once, at registration: what happens, the promise, support,
        after the fixed crisis line (it comes first wherever support is shown)."""
        saved = self.text("saved", instructor=instructor, when=self.when(placement))
        promise = "\n".join(self._catalog.variants("placements.promise"))
        support = f"{self.text('support_lead')}\n{self._support}"
        parts = self._safety.first(Paragraph(saved), Paragraph(promise), Paragraph(support))
        return Card(text=saved, parts=parts)

    def ask_instructor(self, placement: Placement, student: str) -> Card:
        t = self.text
        start, end = _day(placement.starts_on), _day(placement.ends_on)
        lead = t("ask.text", student=student, start=start, end=end)
        buttons = (
            Button(t("ask.confirm_button"), Action.PLACEMENT_CONFIRM, placement.id,
                   ButtonStyle.PRIMARY),
            Button(t("ask.decline_button"), Action.PLACEMENT_DECLINE, placement.id),
        )  # fmt: skip
        parts = (Paragraph(lead), Paragraph(t("ask.what", student=student)), ButtonRow(buttons))
        return Card(text=lead, parts=parts)

    def ask_to_stop(self, placement: Placement, student: str) -> Card:
        """For an instructor who typed `/placement stop`: this one student's placement?"""
        start, end = _day(placement.starts_on), _day(placement.ends_on)
        text = self.text("stop.ask", student=student, start=start, end=end)
        buttons = (
            Button(self.text("stop.stop_button"), Action.PLACEMENT_STOP, placement.id,
                   ButtonStyle.DANGER),
            Button(self.text("stop.keep_button"), Action.PLACEMENT_KEEP, placement.id),
        )  # fmt: skip
        return Card(text=text, parts=(Paragraph(text), ButtonRow(buttons)))

    def for_student(self, placement: Placement, week: int) -> Card:
        """The week's reflection: one question, no answer collected, a way to share."""
        title = self.text("weekly.student_title", **self._week(placement, week))
        question = self._arc(placement, week, "student")
        share = Button(self.text("weekly.share_button"), Action.PLACEMENT_SHARE, placement.id)
        parts = (
            Paragraph(title),
            Paragraph(question),
            Note(self.text("weekly.journal")),
            ButtonRow((share,)),
        )
        return Card(text=question, parts=parts)

    def for_instructor(self, placement: Placement, week: int, student: str) -> Card:
        """The matching supervision prompt: a question to open with, the skill in plain words."""
        theme = self.text(f"stages.{self.prompt_of(placement, week).stage}")
        title = self.text(
            "weekly.instructor_title", student=student, theme=theme, **self._week(placement, week)
        )
        question = self._arc(placement, week, "question")
        explain = self._arc(placement, week, "explain")
        parts = (
            Paragraph(title),
            Paragraph(f"{self.text('weekly.question_lead')}\n{question}"),
            Paragraph(f"{self.text('weekly.explain_lead')}\n{explain}"),
        )
        return Card(text=question, parts=parts)

    def shared(self, student: str, words: str) -> Card:
        """The student's own words for their instructor; the fallback text carries none."""
        header = self.text("share.header", student=student)
        parts = (Paragraph(header), Paragraph(words, verbatim=True), Note(self.text("share.note")))
        return Card(text=header, parts=parts)

    def first_date(self, moment: datetime | None, placement: Placement) -> str:
        return moment.strftime("%a %d %b") if moment is not None else self.when(placement)

    def _week(self, placement: Placement, week: int) -> dict[str, str]:
        return {"week": str(week + 1), "weeks": str(placement.weeks)}

    def prompt_of(self, placement: Placement, week: int) -> ArcPrompt:
        """The prompt of week `week` (from 0) of the placement's arc."""
        plan = arc_plan(placement.weeks, self.prompts)
        return plan[min(max(week, 0), len(plan) - 1)]

    def _arc(self, placement: Placement, week: int, role: str) -> str:
        prompt = self.prompt_of(placement, week)
        return self.text(f"arc.{prompt.stage}.{prompt.id}.{role}")


def _day(value: date) -> str:
    return value.strftime("%a %d %b %Y")
