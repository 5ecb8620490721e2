"""The privacy notice and terms of use: served by the running app on the public port, as a
browser (or a Teams admin following the app package's links) would fetch them."""

import base64
import hashlib
import json
import logging
import re
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bootstrap import Wellspring, start_wellspring
from handlers.teams.app_package import build
from tests.e2e.conftest import MovableClock, make_settings
from tests.fakes.slack_api import FakeSlack

PAGES = ("/privacy", "/terms")
TEAMS_CLIENT_ID = "5d8e2c41-7a3b-4f06-9c1e-2b7f0a9d4e63"


class Page(HTMLParser):
    """What a reader gets from a page: its tags, attributes, and the text under each heading."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.sections: dict[str, str] = {"": ""}
        self.style = ""
        self._heading: str | None = None
        self._current = ""
        self._in_style = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2"):
            self._heading = ""
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2") and self._heading is not None:
            self._current, self._heading = self._heading.strip(), None
            self.sections.setdefault(self._current, "")
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        elif self._heading is not None:
            self._heading += data
        else:
            self.sections[self._current] += " " + " ".join(data.split())

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.sections.values()).split())

    def section(self, heading: str) -> str:
        return " ".join(self.sections[heading].split())

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


async def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    async with aiohttp.ClientSession() as session, session.request(method, url) as response:
        return response.status, dict(response.headers), await response.text()


@asynccontextmanager
async def running(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock, **overrides: Any
) -> AsyncIterator[Wellspring]:
    ws = await start_wellspring(make_settings(fake_slack, database_url, **overrides), clock)
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {
        "agency_name": "Northside <script>alert('x')</script> & Family Services",
        "agency_privacy_contact": "https://intranet.example.org/privacy?team=dpo&lang=en",
    }


async def test_both_pages_are_one_plain_html_document_with_strict_headers(
    wellspring: Wellspring,
) -> None:
    for path in PAGES:
        status, headers, body = await fetch(wellspring.url + path)
        assert status == 200, path
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "public, max-age=3600"
        policy = dict(
            part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        page = Page(body)
        # The one style the policy allows is the page's own, so browsers apply it.
        digest = base64.b64encode(hashlib.sha256(page.style.encode()).digest()).decode()
        assert policy["style-src"] == f"'sha256-{digest}'"
        assert body.startswith("<!doctype html>")
        [html] = page.named("html")
        assert html["lang"] == "en"
        assert len(page.named("h1")) == 1 and len(page.named("h2")) >= 4
        assert page.named("meta")[1] == {
            "name": "viewport",
            "content": "width=device-width, initial-scale=1",
        }
        # Nothing runs and nothing loads from elsewhere.
        assert not {"script", "img", "iframe", "link", "form", "object"} & {t for t, _ in page.tags}
        assert not [attrs for _, attrs in page.tags if "style" in attrs or "src" in attrs]
        assert not [name for _, attrs in page.tags for name in attrs if name.startswith("on")]
        # HEAD answers as GET does, without the page.
        status, headers, body = await fetch(wellspring.url + path, "HEAD")
        assert (status, body) == (200, "")
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")


async def test_the_crisis_line_comes_first_and_the_pages_link_to_each_other(
    wellspring: Wellspring,
) -> None:
    for path in PAGES:
        page = Page((await fetch(wellspring.url + path))[2])
        title = next(heading for heading in page.sections if heading)
        first = page.section(title).split(". ")[0]
        assert first == "Wellspring is not an emergency service and can't send help"
        links = [attrs["href"] for attrs in page.named("a")]
        assert "privacy" in links and "terms" in links


async def test_the_agency_is_named_and_its_values_escaped(wellspring: Wellspring) -> None:
    for path in PAGES:
        body = (await fetch(wellspring.url + path))[2]
        assert "<script>" not in body and "alert('x')" not in body
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Family" in body
        page = Page(body)
        assert "Northside <script>alert('x')</script> & Family Services" in page.text
        contact = "https://intranet.example.org/privacy?team=dpo&lang=en"
        assert [attrs["href"] for attrs in page.named("a")].count(contact) == 1
        assert 'href="https://intranet.example.org/privacy?team=dpo&amp;lang=en"' in body
        assert "not complete" not in page.text


async def test_an_e_mail_contact_is_a_mail_link(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> None:
    contact = {"agency_name": "Northside", "agency_privacy_contact": "dpo@northside.example.org"}
    async with running(fake_slack, sqlite_database_url, clock, **contact) as ws:
        page = Page((await fetch(ws.url + "/privacy"))[2])
    hrefs = [attrs["href"] for attrs in page.named("a")]
    assert "mailto:dpo@northside.example.org" in hrefs
    assert "contact Northside at dpo@northside.example.org" in page.text


async def test_the_numbers_are_the_settings_in_force(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> None:
    """Change every setting the notice states: the page says the new values, never the old."""
    changed = {
        "pulse_retention_days": 400,
        "debrief_retention_days": 45,
        "pulse_min_responses": 7,
        "checkin_window_seconds": 3 * 3600,
        "audit_retention_days": 500,
    }
    async with running(fake_slack, sqlite_database_url, clock, **changed) as ws:
        page = Page((await fetch(ws.url + "/privacy"))[2])
    kept = page.section("How long it keeps it")
    assert "Check-in counts and the audit record: 400 days." in kept
    assert "A debrief request: 45 days after it closes." in kept
    assert "The admin record: 500 days." in kept
    # Supervisors need one more than the minimum: any of them may have answered.
    assert "only when at least 8 different people answered" in page.section("Who can see what")
    assert "A check-in is open for 3 hours." in page.section("What it never keeps")
    for default in ("730 days", "30 days", "at least 6 people", "8 hours"):
        assert default not in page.text, default


async def test_the_defaults_say_what_docs_data_protection_says(wellspring: Wellspring) -> None:
    page = Page((await fetch(wellspring.url + "/privacy"))[2])
    kept = page.section("How long it keeps it")
    assert "Check-in counts and the audit record: 730 days." in kept
    assert "A debrief request: 30 days after it closes." in kept
    assert "The admin record: 730 days." in kept
    assert "or 14 days after its last day" in kept
    assert "only when at least 6 different people answered" in page.section("Who can see what")
    assert "A check-in is open for 8 hours." in page.section("What it never keeps")
    assert "Slack and Teams keep their own copies" in page.section("Where it is kept")


@pytest.mark.parametrize("environment", ["production", "development"])
async def test_unset_agency_details_are_said_plainly_and_production_warns_once(
    fake_slack: FakeSlack,
    sqlite_database_url: str,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
    environment: str,
) -> None:
    caplog.set_level(logging.WARNING)
    async with running(fake_slack, sqlite_database_url, clock, environment=environment) as ws:
        pages = [Page((await fetch(ws.url + path))[2]) for path in PAGES]
    for page in pages:
        assert "The organisation that runs Wellspring here has not yet filled in its name" in (
            page.text
        )
        assert "ask your manager or your IT team" in page.text
        assert not [attrs for attrs in page.named("a") if "mailto:" in str(attrs["href"])]
    warnings = [r.getMessage() for r in caplog.records if "AGENCY_NAME" in r.getMessage()]
    if environment == "production":
        assert warnings == [
            "Not set: AGENCY_NAME, AGENCY_PRIVACY_CONTACT. The privacy notice (/privacy) and "
            "terms of use (/terms) tell people that the agency has not filled in these "
            "details. Set them in .env or the environment; .env.example explains them."
        ]
    else:
        assert warnings == []


async def test_production_with_the_agency_details_set_says_nothing(
    fake_slack: FakeSlack,
    sqlite_database_url: str,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
    overrides: dict[str, Any],
) -> None:
    caplog.set_level(logging.WARNING)
    settings = {**overrides, "environment": "production", "agency_privacy_contact": ""}
    async with running(fake_slack, sqlite_database_url, clock, **settings) as ws:
        page = Page((await fetch(ws.url + "/terms"))[2])
    assert "has not yet filled in whom to contact about your data" in page.text
    [warning] = [r.getMessage() for r in caplog.records if "Not set:" in r.getMessage()]
    assert warning.startswith("Not set: AGENCY_PRIVACY_CONTACT.")
    caplog.clear()
    settings["agency_privacy_contact"] = "dpo@northside.example.org"
    async with running(fake_slack, sqlite_database_url, clock, **settings):
        pass
    assert not [r for r in caplog.records if "Not set:" in r.getMessage()]


async def test_the_access_log_names_only_the_route(
    wellspring: Wellspring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.process.http_server.access")
    await fetch(wellspring.url + "/privacy?person=Sam%20Okafor&ref=U0SAM")
    await fetch(wellspring.url + "/terms")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.process.http_server.access"]
    assert [re.sub(r" [\d.]+s$", "", line) for line in lines] == [
        "GET /privacy 200",
        "GET /terms 200",
    ]
    assert not [r for r in caplog.records if "Sam" in r.getMessage() or "U0SAM" in str(r.args)]


async def test_the_teams_packages_links_are_the_pages_the_app_serves(
    wellspring: Wellspring, tmp_path: Path
) -> None:
    """Build the package for the running app's address; follow its privacy and terms links."""
    domain = wellspring.url.removeprefix("http://")
    values = {"TEAMS_CLIENT_ID": TEAMS_CLIENT_ID, "BOT_DOMAIN": domain}
    package = build.build_package(values, tmp_path / "wellspring-teams.zip")
    with zipfile.ZipFile(package) as archive:
        developer = json.loads(archive.read("manifest.json"))["developer"]
    assert developer["privacyUrl"] == f"https://{domain}/privacy"
    assert developer["termsOfUseUrl"] == f"https://{domain}/terms"
    titles = []
    assert developer["websiteUrl"] == f"https://{domain}/terms", "no link an admin opens is a 404"
    for link in (developer["privacyUrl"], developer["termsOfUseUrl"]):
        # The proxy in front ends TLS; the app itself listens on plain HTTP.
        status, _, body = await fetch(link.replace("https://", "http://", 1))
        assert status == 200, link
        titles.append(next(heading for heading in Page(body).sections if heading))
    assert titles == ["Wellspring's privacy notice", "Wellspring's terms of use"]


async def test_a_teams_only_app_serves_them_too(teams_wellspring: Wellspring) -> None:
    for path in PAGES:
        status, headers, _ = await fetch(teams_wellspring.url + path)
        assert (status, headers["X-Content-Type-Options"]) == (200, "nosniff")
