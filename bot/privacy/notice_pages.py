"""The privacy notice (GET /privacy) and terms of use (GET /terms) as plain web pages.

Teams admins and Slack's app directory ask for these links. The wording is prompts'
`notice.*`; the facts in it come from NoticeFacts. Each page is made once, at start: one
self-contained HTML document, no script, nothing fetched from elsewhere, every value escaped.
"""

import base64
import hashlib
import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.privacy.notice_facts import NoticeFacts
from prompts import Catalog

PAGES = ("privacy", "terms")
# Stands in for the contact link until the text around it is escaped. Settings refuse
# control characters, so no value can hold it.
_CONTACT = "\x00contact\x00"
_CODE = re.compile(r"`([^`\n]+)`")
_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))
_STYLE = """
body { margin: 0; font: 1.05rem/1.55 system-ui, sans-serif; color: #1d2b30; background: #fff; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1.1rem 2rem; }
h1 { font-size: 1.6rem; line-height: 1.25; } h2 { font-size: 1.2rem; margin-top: 1.8rem; }
.crisis { border-left: 4px solid #2c5f6e; background: #eef5f6; padding: .6rem .9rem; }
.unfilled { border-left: 4px solid #a15c00; background: #fff6e8; padding: .6rem .9rem; }
a { color: #1f5666; } a:focus { outline: 3px solid #f0b429; outline-offset: 2px; }
code { font-size: .95em; background: #f1f4f5; padding: 0 .2em; border-radius: .2em; }
footer { border-top: 1px solid #d5e0e2; margin-top: 2rem; padding-top: .8rem; font-size: .95rem; }
nav a { margin-right: 1rem; } li { margin-bottom: .4rem; }
@media (prefers-color-scheme: dark) {
  body { color: #e6eef0; background: #142126; } a { color: #9fd3e0; }
  .crisis { background: #1d3239; } .unfilled { background: #3a2c14; } code { background: #24353b; }
}
""".strip()
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
HEADERS = {
    # Nothing runs, nothing loads from elsewhere; only this page's own style applies.
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The same for everyone until the settings change, which takes a restart.
    "Cache-Control": "public, max-age=3600",
}


def notice_routes(catalog: Catalog, facts: NoticeFacts) -> list[web.RouteDef]:
    """GET /privacy and GET /terms, each a page made now from the settings in force."""
    return [web.get(f"/{page}", _serve(render_page(catalog, facts, page))) for page in PAGES]


def _serve(page: str) -> Handler:
    body = page.encode("utf-8")

    async def serve(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8", headers=HEADERS)

    return serve


def render_page(catalog: Catalog, facts: NoticeFacts, page: str) -> str:
    """One whole HTML document: title, the crisis line, any gap in the settings, the sections."""
    words = _Words(catalog, facts)
    title = words.text(f"notice.{page}.title")
    crisis = words.text("safety.fixed_line")
    body = [f"<h1>{title}</h1>", f'<p class="crisis" role="note">{crisis}</p>']
    if facts.unfilled:
        body.append(f'<p class="unfilled" role="note">{words.unfilled()}</p>')
    body.extend(f"<p>{text}</p>" for text in words.texts(f"notice.{page}.intro"))
    for section in _sections(catalog, f"notice.{page}.sections."):
        body.append(f"<section>{''.join(_blocks(words, section))}</section>")
    links = " ".join(
        f'<a href="{other}">{words.text(f"notice.links.{other}")}</a>' for other in PAGES
    )
    label = words.text("notice.links.label")
    closing = words.text("notice.footer")
    footer = f'<footer><nav aria-label="{label}">{links}</nav><p>{closing}</p></footer>'
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(catalog.language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{chr(10).join(body)}\n{footer}\n</main>\n</body>\n</html>\n"
    )


def _sections(catalog: Catalog, prefix: str) -> Iterator[str]:
    """Each section's key prefix, in the order the wording file gives them."""
    seen: list[str] = []
    for key in catalog.keys(prefix):
        section = prefix + key.removeprefix(prefix).split(".", 1)[0] + "."
        if section not in seen:
            seen.append(section)
            yield section


def _blocks(words: "_Words", section: str) -> Iterator[str]:
    """A section's heading, then its paragraphs and lists (keys that start with `list`)."""
    for key in words.catalog.keys(section):
        name = key.removeprefix(section)
        if name == "heading":
            yield f"<h2>{words.text(key)}</h2>"
        elif name.startswith("list"):
            yield "<ul>" + "".join(f"<li>{item}</li>" for item in words.texts(key)) + "</ul>"
        else:
            yield "".join(f"<p>{text}</p>" for text in words.texts(key))


@dataclass(frozen=True)
class _Words:
    """The catalogue's wording with this copy's facts filled in, escaped for HTML."""

    catalog: Catalog
    facts: NoticeFacts

    def text(self, key: str) -> str:
        return self._html(self.catalog.text(key, **self._values()))

    def texts(self, key: str) -> tuple[str, ...]:
        return tuple(self._html(text) for text in self.catalog.variants(key, **self._values()))

    def unfilled(self) -> str:
        """Which of the agency's details are missing, and whom to ask meanwhile."""
        no_name, no_contact = not self.facts.agency_name, not self.facts.privacy_contact
        which = "both" if no_name and no_contact else "name" if no_name else "contact"
        missing = self.catalog.text(f"notice.unfilled.{which}")
        return self._html(self.catalog.text("notice.unfilled.notice", missing=missing))

    def _values(self) -> dict[str, str]:
        facts, catalog = self.facts, self.catalog
        agency = facts.agency_name or catalog.text("notice.agency_unnamed")
        if facts.privacy_contact:
            how_to_ask = catalog.text("notice.ask.given", agency=agency, contact=_CONTACT)
        else:
            how_to_ask = catalog.text("notice.ask.missing")
        return {
            "agency": agency,
            "how_to_ask": how_to_ask,
            "window": duration(catalog, facts.checkin_window),
            "shown_from": str(facts.shown_from),
            "pulse_kept": duration(catalog, facts.pulse_kept),
            "debrief_kept": duration(catalog, facts.debrief_kept),
            "placement_kept": duration(catalog, facts.placement_kept),
            "delivery_kept": duration(catalog, facts.delivery_kept),
            "audit_kept": duration(catalog, facts.audit_kept),
        }

    def _html(self, text: str) -> str:
        escaped = _CODE.sub(r"<code>\1</code>", html.escape(text))
        return escaped.replace(_CONTACT, _contact_link(self.facts.privacy_contact or ""))


def _contact_link(contact: str) -> str:
    href = contact if contact.startswith("https://") else f"mailto:{contact}"
    return f'<a href="{html.escape(href)}">{html.escape(contact)}</a>'


def duration(catalog: Catalog, span: timedelta) -> str:
    """A span in the largest whole unit (`8 hours`, `30 days`), else in minutes rounded up."""
    seconds = span.total_seconds()
    for unit, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            return _count(catalog, unit, int(seconds // size))
    return _count(catalog, "minute", max(1, math.ceil(seconds / 60)))


def _count(catalog: Catalog, unit: str, count: int) -> str:
    key = f"notice.units.{unit}" if count == 1 else f"notice.units.{unit}s"
    return catalog.text(key, count=str(count))
