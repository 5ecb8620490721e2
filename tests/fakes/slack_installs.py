"""Slack's side of installing an app in several workspaces: OAuth codes, bot tokens, revocation."""

import base64
import secrets
from typing import Any

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret-0123456789"


class InstallRefused(Exception):
    """oauth.v2.access refused, with Slack's error code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class FakeInstalls:
    """Which bot token belongs to which workspace, as Slack knows it."""

    def __init__(self, app_id: str, bot_user_id: str, bot_id: str) -> None:
        self.app_id, self.bot_user_id, self.bot_id = app_id, bot_user_id, bot_id
        self.tokens: dict[str, str] = {}  # bot token -> team id
        self.revoked: set[str] = set()
        self._codes: dict[str, str] = {}  # one-time code -> team id

    def grant(self, team_id: str) -> str:
        """A person in `team_id` approved the install: the code Slack puts in the redirect."""
        code = f"{team_id}.{secrets.token_hex(8)}"
        self._codes[code] = team_id
        return code

    def revoke(self, team_id: str) -> None:
        """The workspace uninstalled the app: its tokens stop working."""
        self.revoked |= {t for t, team in self.tokens.items() if team == team_id}

    def team_of(self, token: str) -> str | None:
        return self.tokens.get(token)

    def exchange(self, authorization: str, params: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: the client's credentials (HTTP Basic, or form) and a fresh code."""
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        if authorization.startswith("Basic "):
            pair = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            client_id, _, client_secret = pair.partition(":")
        if client_id != CLIENT_ID:
            raise InstallRefused("invalid_client_id")
        if client_secret != CLIENT_SECRET:
            raise InstallRefused("bad_client_secret")
        team_id = self._codes.pop(str(params.get("code", "")), None)
        if team_id is None:
            raise InstallRefused("invalid_code")
        token = f"xoxb-{team_id}-{secrets.token_hex(12)}"
        self.tokens[token] = team_id
        return {
            "access_token": token,
            "token_type": "bot",
            "scope": str(params.get("scope", "commands,chat:write")),
            "bot_user_id": self.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": team_id, "name": f"Agency {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U0INSTALLER"},
        }
