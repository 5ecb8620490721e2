"""The privacy notice and terms: their settings, their wording's shape, and every way in to them
(the Teams package's links, the Caddyfile's and the example Ingress's public paths)."""

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.config.settings import Settings
from bot.privacy.notice_facts import notice_facts
from bot.privacy.notice_pages import PAGES, duration, render_page
from prompts import Catalog, load_catalog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog("en")


@pytest.mark.parametrize(
    "contact", ["dpo@northside.example.org", "https://intranet.example.org/privacy?a=1&b=2"]
)
def test_the_privacy_contact_is_an_e_mail_address_or_an_https_link(contact: str) -> None:
    assert Settings(
        _env_file=None, agency_privacy_contact=f" {contact} "
    ).agency_privacy_contact == (contact)


@pytest.mark.parametrize(
    "contact",
    [
        "http://intranet.example.org/privacy",
        "javascript:alert(1)",
        "ask Maya",
        "dpo@northside",
        'https://example.org/"onmouseover="x',
        "dpo@northside.example.org\nBcc: x@example.org",
    ],
)
def test_anything_else_is_refused_at_start(contact: str) -> None:
    with pytest.raises(ValidationError, match="agency_privacy_contact"):
        Settings(_env_file=None, agency_privacy_contact=contact)


def test_blank_agency_details_are_unset_and_a_name_is_one_line() -> None:
    blank = Settings(_env_file=None, agency_name="  ", agency_privacy_contact="")
    assert (blank.agency_name, blank.agency_privacy_contact) == (None, None)
    assert notice_facts(blank).unfilled == ("AGENCY_NAME", "AGENCY_PRIVACY_CONTACT")
    with pytest.raises(ValidationError, match="agency_name"):
        Settings(_env_file=None, agency_name="Northside\x00contact\x00")
    named = Settings(_env_file=None, agency_name="Nordstrand Familienhilfe e.\u00a0V.")
    assert notice_facts(named).unfilled == ("AGENCY_PRIVACY_CONTACT",)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (28800, "8 hours"),
        (3600, "1 hour"),
        (5400, "90 minutes"),
        (90, "2 minutes"),  # rounded up: markers live at most this long
        (86400, "1 day"),
        (730 * 86400, "730 days"),
    ],
)
def test_spans_are_said_in_the_largest_whole_unit(
    catalog: Catalog, seconds: int, said: str
) -> None:
    assert duration(catalog, timedelta(seconds=seconds)) == said


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("pulse_retention_days", 91, "91 days"),
        ("debrief_retention_days", 17, "17 days"),
        ("checkin_window_seconds", 7200, "2 hours"),
        ("pulse_min_responses", 9, "at least 10 different people"),
        ("agency_name", "Riverside Youth Services", "Riverside Youth Services"),
    ],
)
def test_each_stated_setting_changes_the_notice(
    catalog: Catalog, setting: str, value: Any, said: str
) -> None:
    before = render_page(catalog, notice_facts(Settings(_env_file=None)), "privacy")
    after = render_page(
        catalog, notice_facts(Settings(_env_file=None, **{setting: value})), "privacy"
    )
    assert said not in before and said in after


def test_every_section_has_a_heading_and_every_placeholder_is_filled(catalog: Catalog) -> None:
    for page in PAGES:
        sections = {key.split(".")[3] for key in catalog.keys(f"notice.{page}.sections.")}
        for section in sections:
            assert catalog.has(f"notice.{page}.sections.{section}.heading"), section
        for values in ({}, {"agency_name": "N", "agency_privacy_contact": "a@b.org"}):
            html = render_page(catalog, notice_facts(Settings(_env_file=None, **values)), page)
            assert "{" not in html.split("</style>")[1] and "}" not in html.split("</style>")[1]
            assert "\x00" not in html


def test_the_teams_package_links_to_the_pages() -> None:
    manifest = json.loads((ROOT / "handlers/teams/app_package/manifest.json").read_text())
    assert manifest["developer"]["privacyUrl"] == "https://{{BOT_DOMAIN}}/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "https://{{BOT_DOMAIN}}/terms"


def _caddy_public_paths() -> list[str]:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    [matcher] = [line.split() for line in caddyfile.splitlines() if "@public path" in line]
    return matcher[2:]


def test_the_proxy_and_the_example_ingress_let_the_same_public_paths_through() -> None:
    public = _caddy_public_paths()
    assert {"/privacy", "/terms", "/slack/events", "/api/messages"} <= set(public)
    assert "/metrics" not in public
    ingress = yaml.safe_load((ROOT / "deploy" / "k8s" / "ingress.yaml").read_text())
    assert ingress["kind"] == "Ingress"
    [rule] = ingress["spec"]["rules"]
    paths = rule["http"]["paths"]
    assert [p["path"] for p in paths] == public
    assert {p["pathType"] for p in paths} == {"Exact"}
    service = yaml.safe_load((ROOT / "deploy" / "k8s" / "service.yaml").read_text())
    backends = {json.dumps(p["backend"], sort_keys=True) for p in paths}
    expected = {"service": {"name": service["metadata"]["name"], "port": {"name": "http"}}}
    assert backends == {json.dumps(expected, sort_keys=True)}
