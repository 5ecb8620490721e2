"""The Web API client to use for a workspace: the one bot token, or the one it installed with."""

import aiohttp
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable
from handlers.slack.web_client import InstrumentedWebClient


class SlackClients:
    """Hands out clients that share one HTTP session, retry policy and metrics.

    With no installation store every workspace uses `base` (SLACK_BOT_TOKEN). With one,
    each workspace's bot token is read from it, so a reinstall's new token is used at once.
    """

    def __init__(
        self, base: InstrumentedWebClient, installations: AsyncInstallationStore | None = None
    ) -> None:
        self._base = base
        self._installations = installations
        self._by_token: dict[str, InstrumentedWebClient] = {}

    @property
    def api_url(self) -> str:
        """SLACK_API_URL: where Slack (or a stand-in for it) is."""
        return str(self._base.base_url)

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session every client shares (and respond() uses)."""
        return self._base.session  # type: ignore[return-value]

    async def for_workspace(self, workspace: WorkspaceRef) -> InstrumentedWebClient:
        """Raises ConversationUnavailable when the workspace has no installation (any more)."""
        if self._installations is None:
            return self._base
        bot = await self._installations.async_find_bot(
            enterprise_id=None, team_id=workspace.external_id
        )
        if bot is None or not bot.bot_token:
            raise ConversationUnavailable("not_installed")
        if bot.bot_token not in self._by_token:
            self._by_token[bot.bot_token] = self._base.with_token(bot.bot_token)
        return self._by_token[bot.bot_token]
