"""Which serviceUrl the bot may call: Microsoft's Bot Connector, never a host a forged or
damaged activity names (the SDK would even fall back to Microsoft's default for a missing one).

Teams' public cloud answers on smba.trafficmanager.net (with a region in the path), other Bot
Framework channels on *.botframework.com; the US government clouds on their own hosts (GCC,
GCC High, DoD) and on *.botframework.azure.us. In the local testing mode
(TEAMS_ALLOW_UNAUTHENTICATED), http on this computer is allowed too: the tests' fake connector
and Microsoft's Agents Playground listen on 127.0.0.1.
"""

import ipaddress
from urllib.parse import urlsplit

CONNECTOR_HOSTS = frozenset(
    {
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
    }
)
CONNECTOR_DOMAINS = (".botframework.com", ".botframework.azure.us")
LOCAL_NAMES = frozenset({"localhost"})
MAX_LENGTH = 2048


def is_connector_url(url: object, allow_loopback: bool) -> bool:
    """Whether `url` is a well-formed https address of the Bot Connector (or, with
    `allow_loopback`, any http(s) address on this computer)."""
    if not isinstance(url, str) or len(url) > MAX_LENGTH:
        return False
    if not (url.isascii() and url.isprintable()) or " " in url:
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is no number, a bracket left open
        return False
    host = parts.hostname or ""
    if parts.username is not None or parts.query or parts.fragment or not host:
        return False
    if allow_loopback and parts.scheme in ("http", "https") and _is_loopback(host):
        return True
    if parts.scheme != "https" or port not in (None, 443):
        return False
    return host in CONNECTOR_HOSTS or host.endswith(CONNECTOR_DOMAINS)


def _is_loopback(host: str) -> bool:
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
