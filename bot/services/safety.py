"""Where to turn: the fixed crisis line first, then the agency's own texts, and the peers' guide.

An agency's CRISIS_RESOURCES_TEXT is added after the fixed line, and its SUPPORT_RESOURCES_TEXT
after the default line to call; neither can replace them: whatever a setting says, the person
reads first that Wellspring is not an emergency service and what to do if they may hurt
themselves or are in danger.
"""

from bot.outgoing.messages import Paragraph, Part
from prompts import Catalog


class SafetyWords:
    """Composes every block that shows crisis or support resources."""

    def __init__(
        self, catalog: Catalog, crisis: str | None = None, support: str | None = None
    ) -> None:
        self._catalog = catalog
        # None or blank means the catalogue's default list.
        self._agency_crisis = bool((crisis or "").strip())
        self._crisis = (crisis or "").strip() or catalog.text("debriefs.crisis.default")
        # The default support (a line to call, not HR) always shows; the agency's text follows.
        own = (support or "").strip()
        default = catalog.text("pulse.resources_default")
        self._support = f"{default}\n{own}" if own else default

    def fixed_line(self) -> str:
        """Not an emergency service, and what to do now; no setting changes it."""
        return self._catalog.text("safety.fixed_line")

    def crisis(self) -> str:
        """The fixed line, then the agency's crisis text (or the default list)."""
        return f"{self.fixed_line()}\n\n{self._crisis}"

    def fixed_and_agency_crisis(self) -> tuple[Part, ...]:
        """The fixed line, then the agency's crisis text if it set one (the default list is
        left to the fixed line, as in support_parts: to inform, not alarm)."""
        if not self._agency_crisis:
            return (Paragraph(self.fixed_line()),)
        return Paragraph(self.fixed_line()), Paragraph(self._crisis)

    def crisis_parts(self) -> tuple[Part, ...]:
        """The "I'm not safe right now" notice: fixed line, the lead, then where to turn."""
        lead = self._catalog.text("debriefs.crisis.lead")
        return Paragraph(self.fixed_line()), Paragraph(f"{lead}\n{self._crisis}")

    def support_parts(self, header: str, *middle: Part) -> tuple[Part, ...]:
        """A card that offers support: the fixed line first, then what the card itself says
        (`middle`), the agency's crisis text if it set one, and the support under `header`.

        The agency's own crisis line is shown here too, so the late-stage replies point to the
        crisis path; the default crisis list is left to the fixed line, to inform, not alarm.
        """
        parts: list[Part] = [Paragraph(self.fixed_line()), *middle]
        if self._agency_crisis:
            parts.append(Paragraph(self._crisis))
        parts.append(Paragraph(f"{header}\n{self._support}"))
        return tuple(parts)

    def first(self, *parts: Part) -> tuple[Part, ...]:
        """Any other card that shows where to turn: the fixed line before its own parts."""
        return Paragraph(self.fixed_line()), *parts

    def peer_guide(self) -> tuple[Part, ...]:
        """For a volunteer peer, privately: listen without fixing; if someone may be harmed."""
        t = self._catalog.text
        lines = "\n".join(f"• {line}" for line in self._catalog.variants("safety.peer_guide.lines"))
        return (
            Paragraph(f"{t('safety.peer_guide.title')}\n{lines}"),
            Paragraph(t("safety.peer_guide.harm")),
            Paragraph(self.crisis()),
        )
