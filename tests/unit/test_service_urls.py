"""The bot calls an activity's serviceUrl only on the Bot Connector's hosts (and, in the local
testing mode, on this computer)."""

import pytest

from handlers.teams.service_urls import is_connector_url


@pytest.mark.parametrize(
    "url",
    [
        "https://smba.trafficmanager.net/amer/",
        "https://smba.trafficmanager.net/emea/",
        "https://smba.trafficmanager.net/teams/",
        "https://smba.infra.gcc.teams.microsoft.com/teams",
        "https://smba.infra.gov.teams.microsoft.us/teams",
        "https://smba.infra.dod.teams.microsoft.us/teams",
        "https://europe.webchat.botframework.com/",
        "https://webchat.botframework.azure.us/",
        "https://SMBA.trafficmanager.net:443/amer/",
    ],
)
def test_the_bot_connectors_hosts_are_called(url: str) -> None:
    assert is_connector_url(url, allow_loopback=False)
    assert is_connector_url(url, allow_loopback=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://smba.trafficmanager.net/amer/",  # not https
        "https://smba.trafficmanager.net:8443/amer/",
        "https://smba.trafficmanager.net.example.org/amer/",
        "https://example.org/smba.trafficmanager.net/",
        "https://botframework.com.example.org/",
        "https://evilbotframework.com/",
        "https://someone@smba.trafficmanager.net/amer/",
        "https://smba.trafficmanager.net/amer/?next=https://example.org",
        "https://smba.trafficmanager.net\x00.example.org/",
        "ftp://smba.trafficmanager.net/amer/",
        "smba.trafficmanager.net/amer/",
        "https://",
        "https://[::1/teams/",
        "http://169.254.169.254/metadata/",
        "",
        None,
        ["https://smba.trafficmanager.net/amer/"],
        "https://smba.trafficmanager.net/" + "a" * 3000,
    ],
)
def test_anything_else_is_refused(url: object) -> None:
    assert not is_connector_url(url, allow_loopback=False)
    assert not is_connector_url(url, allow_loopback=True)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:3978/", "http://localhost:56150/_connector", "http://[::1]:3978/"],
)
def test_this_computer_is_called_only_in_the_local_mode(url: str) -> None:
    assert is_connector_url(url, allow_loopback=True)
    assert not is_connector_url(url, allow_loopback=False)
