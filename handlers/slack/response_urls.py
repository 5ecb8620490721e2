"""Which response_url a reply may be posted to: Slack's, never a host a forged body names."""

from urllib.parse import urlsplit

SLACK_HOOKS = "hooks.slack.com"
DEFAULT_PORTS = {"https": 443, "http": 80}
MAX_LENGTH = 2048


class ResponseUrls:
    """Slack hands out response_urls on https://hooks.slack.com. With SLACK_API_URL set to
    another address, its `hooks.` host (GovSlack's hooks.slack-gov.com) and its own scheme,
    host and port (a local stand-in for Slack, as in the tests) are Slack's too."""

    def __init__(self, api_url: str) -> None:
        api = urlsplit(api_url)
        self._origins = {
            ("https", SLACK_HOOKS, 443),
            ("https", f"hooks.{api.hostname}", 443),
            _origin(api_url),
        }

    def allows(self, url: object) -> bool:
        if not isinstance(url, str) or len(url) > MAX_LENGTH or not _plain(url):
            return False
        return _origin(url) in self._origins


def _plain(url: str) -> bool:
    """Printable ASCII: no control character, space or lookalike letter to hide a host."""
    return url.isascii() and url.isprintable() and " " not in url


def _origin(url: str) -> tuple[str, str, int] | None:
    """Scheme, host and port; None for a URL with a login in it or none of them."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is no number, a bracket left open
        return None
    if parts.username is not None or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname, port
