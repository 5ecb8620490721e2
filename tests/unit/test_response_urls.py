"""A reply goes to a response_url only on Slack's hooks host, or a stand-in set as SLACK_API_URL."""

import pytest

from handlers.slack.response_urls import ResponseUrls

SLACK = ResponseUrls("https://slack.com/api/")
GOV = ResponseUrls("https://slack-gov.com/api/")
LOCAL = ResponseUrls("http://127.0.0.1:8123/api/")


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/commands/T0AGENCY/1234/abcd",
        "https://hooks.slack.com/actions/T0AGENCY/1234/abcd",
        "https://HOOKS.slack.com:443/app/T0AGENCY/1234/abcd",
    ],
)
def test_slacks_own_response_urls_are_used(url: str) -> None:
    assert SLACK.allows(url) and GOV.allows(url) and LOCAL.allows(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/commands/1",  # not https
        "https://hooks.slack.com:8443/commands/1",
        "https://hooks.slack.com.example.org/commands/1",
        "https://example.org/hooks.slack.com/commands/1",
        "https://someone@hooks.slack.com/commands/1",
        "https://hooks.slack.com\x00.example.org/",
        "https://hooks.slаck.com/commands/1",  # a Cyrillic a
        "//hooks.slack.com/commands/1",
        "https://[::1/commands",
        "https://hooks.slack.com:port/commands",
        "javascript:alert(1)",
        "",
        None,
        7,
        "https://hooks.slack.com/" + "a" * 3000,
        "http://127.0.0.1:8123/response/1",  # the stand-in, but SLACK_API_URL is Slack's
    ],
)
def test_anything_else_is_refused(url: object) -> None:
    assert not SLACK.allows(url)


def test_slack_api_url_names_the_other_places_replies_may_go() -> None:
    assert GOV.allows("https://hooks.slack-gov.com/commands/1")
    assert not SLACK.allows("https://hooks.slack-gov.com/commands/1")
    assert LOCAL.allows("http://127.0.0.1:8123/response/1")
    assert not LOCAL.allows("http://127.0.0.1:8124/response/1"), "another port is another host"
