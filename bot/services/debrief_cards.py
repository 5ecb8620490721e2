"""The words and buttons of a debrief: the form, offers, updates, the shared introduction."""

from datetime import timedelta

from bot.domain.debriefs import NOTE_LIMIT, DebriefKind, DebriefRequest, Preference, Urgency
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
    Part,
)
from bot.services.safety import SafetyWords
from prompts import Catalog

# DEBRIEF_RETENTION_DAYS' default, for callers that only build cards.
DEFAULT_RETENTION = timedelta(days=30)


class DebriefCards:
    def __init__(
        self,
        catalog: Catalog,
        offer_timeout: timedelta,
        resources: str | None,
        crisis: str | None,
        retention: timedelta = DEFAULT_RETENTION,
    ) -> None:
        """`resources` and `crisis` are the agency's own texts; None means the defaults."""
        self._catalog = catalog
        self._minutes = str(max(1, round(offer_timeout.total_seconds() / 60)))
        self._days = str(max(1, round(retention.total_seconds() / 86400)))
        self.safety = SafetyWords(catalog, crisis=crisis, support=resources)

    def request_form(self) -> Form:
        def choices(field: str, values: list[str]) -> tuple[Choice, ...]:
            return tuple(Choice(v, self._t(f"form.{field}.{v}")) for v in values)

        fields = (
            FormField("kind", self._t("form.field_kind"), FieldKind.ONE_OF,
                      choices("kind", list(DebriefKind)), (DebriefKind.HARD_CASE,)),
            FormField("urgency", self._t("form.field_urgency"), FieldKind.ONE_OF,
                      choices("urgency", list(Urgency)), (Urgency.TODAY,)),
            FormField("preference", self._t("form.field_preference"), FieldKind.ONE_OF,
                      choices("preference", list(Preference)), (Preference.ANYONE,)),
            FormField("note", self._t("form.field_note"), FieldKind.TEXT, optional=True,
                      hint=self._t("form.note_hint"), max_length=NOTE_LIMIT, multiline=True),
            FormField("consent", self._t("form.field_consent"), FieldKind.SOME_OF,
                      (Choice("yes", self._t("form.consent_option")),), optional=True),
        )  # fmt: skip
        not_safe = Button(self._t("form.not_safe_button"), Action.DEBRIEF_NOT_SAFE)
        intro = self._t("form.intro", minutes=self._minutes, days=self._days)
        return Form(
            FormId.DEBRIEF,
            self._t("form.title"),
            self._t("form.submit"),
            self._t("form.cancel"),
            fields,
            # The crisis path before anything about peers, on every platform.
            intro=f"{self.safety.fixed_line()}\n\n{intro}",
            buttons=(not_safe,),
        )

    def crisis_title(self) -> str:
        return self._t("crisis.title")

    def crisis_close(self) -> str:
        return self._t("crisis.close")

    def crisis(self) -> Card:
        """The fixed line first; the agency's crisis text follows and never replaces it."""
        return Card(text=self.safety.fixed_line(), parts=self.safety.crisis_parts())

    def offer(self, request: DebriefRequest) -> Card:
        """What a peer sees before accepting: kind and urgency, nothing that identifies."""
        text = self._t("offer.text", kind=self.kind(request), urgency=self.urgency(request))
        buttons = (
            Button(self._t("offer.accept"), Action.DEBRIEF_ACCEPT, request.id, ButtonStyle.PRIMARY),
            Button(self._t("offer.pass"), Action.DEBRIEF_PASS, request.id),
        )
        expires = Note(self._t("offer.expires", minutes=self._minutes))
        return Card(text=text, parts=(Paragraph(text), ButtonRow(buttons), expires))

    def accepted(self, requester: str, note: str | None) -> Card:
        """For the peer who accepted: the note, then the guide for listening and for a crisis."""
        text = self._t("offer.accepted", requester=requester)
        parts: list[Part] = [Paragraph(text)]
        if note:
            parts += [Paragraph(self._t("offer.note_lead")), Paragraph(_quoted(note))]
        return Card(text=text, parts=(*parts, *self.safety.peer_guide()))

    def introduction(self, request: DebriefRequest, requester: str, peer: str) -> Card:
        text = self._t("intro.text", requester=requester, peer=peer)
        structure = "\n".join(
            f"• {line}" for line in self._catalog.variants("debriefs.intro.structure")
        )
        done = Button(self._t("intro.done_button"), Action.DEBRIEF_DONE, request.id)
        parts = (
            Paragraph(text),
            Paragraph(structure),
            Note(self._t("intro.privacy")),
            ButtonRow((done,)),
        )
        return Card(text=text, parts=parts)

    def status(self, request: DebriefRequest, key: str, **params: str) -> Card:
        """An update for the requester; a search in progress keeps its Cancel button."""
        text = self._t(f"status.{key}", **params)
        parts: list[Part] = [Paragraph(text)]
        if key in ("searching", "still_searching"):
            cancel = Button(self._t("status.cancel_button"), Action.DEBRIEF_CANCEL, request.id)
            parts.append(ButtonRow((cancel,)))
        return Card(text=text, parts=tuple(parts))

    def unmatched(self) -> Card:
        """No peer was free: the fixed line first, then this news and the other support."""
        text = self._t("status.unmatched")
        support = self.safety.support_parts(self._t("resources_lead"), Paragraph(text))
        return Card(text=text, parts=support)

    def for_coordinator(self, request: DebriefRequest, requester: str) -> Card:
        text = self._t(
            "coordinator.unmatched",
            kind=self.kind(request),
            urgency=self.urgency(request),
            requester=requester,
        )
        return Card.plain(text)

    def follow_up(self) -> Card:
        text = self._t("followup.text")
        again = Button(self._t("followup.again_button"), Action.DEBRIEF_AGAIN)
        return Card(text=text, parts=(Paragraph(text), ButtonRow((again,))))

    def kind(self, request: DebriefRequest) -> str:
        return self._t(f"form.kind.{request.kind.value}")

    def urgency(self, request: DebriefRequest) -> str:
        return self._t(f"form.urgency.{request.urgency.value}")

    def plain(self, key: str, **params: str) -> Card:
        return Card.plain(self._t(key, **params))

    def _t(self, key: str, **params: str) -> str:
        return self._catalog.text(f"debriefs.{key}", **params)


def _quoted(note: str) -> str:
    return "\n".join(f"> {line}" for line in note.splitlines() or [""])
