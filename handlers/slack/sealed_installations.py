"""slack_sdk's installation store, wrapped: tokens sealed at rest, replaced installs dropped."""

import copy
from collections.abc import Awaitable, Callable
from logging import Logger
from typing import TypeVar

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.keys.token_cipher import TokenCipher

BOT_TOKENS = ("bot_token", "bot_refresh_token")
INSTALLATION_TOKENS = (*BOT_TOKENS, "user_token", "user_refresh_token")
Stored = TypeVar("Stored", Bot, Installation)


class SealedInstallationStore(AsyncInstallationStore):
    """Seals tokens before `inner` saves them and opens them after it finds them.

    After each save, `forget_superseded` deletes the rows the new installation replaced, so
    no old token lingers in the database.
    """

    def __init__(
        self,
        inner: AsyncInstallationStore,
        cipher: TokenCipher,
        forget_superseded: Callable[[], Awaitable[None]],
    ) -> None:
        self._inner = inner
        self._cipher = cipher
        self._forget_superseded = forget_superseded

    @property
    def logger(self) -> Logger:
        logger: Logger = self._inner.logger
        return logger

    async def async_save(self, installation: Installation) -> None:
        await self._inner.async_save(self._changed(installation, self._cipher.seal))
        await self._forget_superseded()

    async def async_save_bot(self, bot: Bot) -> None:
        await self._inner.async_save_bot(self._changed(bot, self._cipher.seal))
        await self._forget_superseded()

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        bot = await self._inner.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if bot is None else self._changed(bot, self._cipher.open)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        installation = await self._inner.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if installation is None else self._changed(installation, self._cipher.open)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._inner.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self._inner.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._inner.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    @staticmethod
    def _changed(stored: Stored, change: Callable[[str], str]) -> Stored:
        """A copy with each token changed; the caller's object keeps its own."""
        fields = INSTALLATION_TOKENS if isinstance(stored, Installation) else BOT_TOKENS
        result = copy.copy(stored)
        for field in fields:
            if value := getattr(stored, field, None):
                setattr(result, field, change(value))
        return result
