"""Settings read from the environment and `.env`; only app.py and alembic/env.py build them."""

import re
import unicodedata
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config.database_identity import same_database
from bot.domain.noise import Privacy
from bot.keys.mounted_secrets import UnreadableSecretFile, fill_from_files
from bot.keys.token_cipher import TokenCipher

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}

# AGENCY_PRIVACY_CONTACT: an address a mailto: link can carry, or a web page.
_EMAIL = re.compile(r"^[^@\s<>\"'`]+@[^@\s<>\"'`]+\.[^@\s<>\"'`]+$")
_WEB_LINK = re.compile(r"^https://[^\s<>\"'`]+$")

MIN_SECRET_LENGTH = 32
# With PORT unset, a playground whose default port is taken tries this many after it.
PLAYGROUND_SPARE_PORTS = 9
_ENTRA_ID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


class SlackMode(StrEnum):
    SOCKET = "socket"
    HTTP = "http"


class SettingsProblem(Exception):
    """A setting that is missing or unusable.

    `setting` names the environment variable; `reason` is the key of the explanation in
    prompts' `operator.reasons`, filled in with `details`.
    """

    def __init__(self, setting: str, reason: str, **details: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting, self.reason, self.details = setting, reason, details


class Settings(BaseSettings):
    """Every knob of Wellspring; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    # Several workspaces: each installs through /slack/install instead of one bot token.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # Only these workspaces are served (comma-separated team ids): installs, every request and
    # every job; empty serves any workspace.
    slack_allowed_team_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    # Fernet keys for installed workspaces' tokens, comma-separated: the first seals, all open.
    token_encryption_key: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # chat.postMessage budget per workspace, shared by all replicas (Slack sets a
    # workspace-wide limit beside one message a second per channel, and publishes no figure).
    slack_posts_per_second: float = Field(default=50.0, gt=0, le=500)
    # The same secrets as files (Docker or Kubernetes secrets), read when the variable is empty.
    slack_bot_token_file: Path | None = None
    slack_app_token_file: Path | None = None
    slack_signing_secret_file: Path | None = None
    slack_client_secret_file: Path | None = None
    teams_client_secret_file: Path | None = None
    token_encryption_key_file: Path | None = None
    # A folder of such files named slack-bot-token, teams-client-secret, ...; absent ones are unset.
    secrets_dir: Path | None = None
    # Microsoft Teams: the bot's Entra app registration. A client id turns Teams on.
    teams_client_id: str | None = None
    teams_client_secret: SecretStr | None = None
    teams_tenant_id: str | None = None
    # Only these Entra tenants are served (comma-separated tenant ids): every activity and
    # every job; empty serves any tenant.
    teams_allowed_tenant_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    # Local testing only: trust every caller and fetch no token (refused in production).
    teams_allow_unauthenticated: bool = False
    # Private replies in channels and group chats as Teams' targeted messages (a Microsoft
    # developer preview); off: they go to the person's 1:1 chat with the bot instead.
    teams_targeted_messages: bool = False
    # Bot Connector calls per tenant, shared by all replicas (Microsoft documents 50 a
    # second per app and tenant, every kind of call counted).
    teams_calls_per_second: float = Field(default=50.0, gt=0, le=500)
    environment: Literal["development", "production"] = "development"
    # The local playground: a simulated agency in the browser, on its own SQLite file. It
    # starts when no platform is configured, or when asked for, and listens on 127.0.0.1
    # unless HOST is set.
    playground: bool = False
    playground_database_url: str = "sqlite+aiosqlite:///./data/playground.db"
    database_url: str = "sqlite+aiosqlite:///./data/wellspring.db"
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port
    # /metrics and the detailed /healthz: a second listener, local to the host by default.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9102, ge=0, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # "json": one JSON object per log line, for log systems that parse them.
    log_format: Literal["text", "json"] = "text"
    auto_migrate: bool = True
    prompts_language: str = "en"
    shutdown_grace_seconds: float = Field(default=10.0, ge=0, le=300)
    checkin_misfire_grace_seconds: int = Field(default=3600, ge=0, le=7 * 24 * 3600)
    checkin_window_seconds: int = Field(default=28800, ge=60, le=7 * 24 * 3600)
    # A scheduled run claimed and unfinished this long was left by a replica that died:
    # another takes it over. Far above how long a run takes, even with Slack retries.
    schedule_claim_lease_seconds: int = Field(default=120, ge=10, le=3600)
    supervisor_user_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    # Never below 5: smaller groups make single answers guessable.
    pulse_min_responses: int = Field(default=5, ge=5, le=100)
    pulse_retention_days: int = Field(default=730, ge=1)
    # "dp": released numbers carry calibrated noise, a fixed privacy loss per person and
    # month (bot/domain/noise.py; README, "Numbers with noise"). The threshold still holds.
    pulse_privacy: Privacy = Privacy.THRESHOLD
    # Keys the participation markers; comma-separated, newest first (a rotation). Required
    # with PostgreSQL; with SQLite, generated once into PULSE_SECRET_FILE when empty.
    pulse_secret: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    pulse_secret_file: Path = Path("secrets/pulse-secret")
    support_resources_text: str | None = None
    debrief_offer_timeout_seconds: int = Field(default=900, ge=10, le=7 * 24 * 3600)
    debrief_followup_hours: float = Field(default=48, gt=0, le=24 * 30)
    debrief_retention_days: int = Field(default=30, ge=1)
    debrief_coordinator_user_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    # Roles can follow the organisation's Slack user groups ("S..." ids, comma-separated),
    # beside the id lists; a change in a group takes effect without a restart.
    supervisor_usergroup: Annotated[frozenset[str], NoDecode] = frozenset()
    coordinator_usergroup: Annotated[frozenset[str], NoDecode] = frozenset()
    # A peer roster: when either is set, only the people on it may volunteer.
    peer_user_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    peer_usergroup: Annotated[frozenset[str], NoDecode] = frozenset()
    # New volunteers get offers only after someone who runs peer support agrees.
    peer_approval: bool = False
    # May erase anyone's data with `/wellspring erase` (comma-separated platform ids).
    admin_user_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    admin_usergroup: Annotated[frozenset[str], NoDecode] = frozenset()
    # On Teams, roles can follow Microsoft Entra groups (group object ids, comma-separated;
    # members of nested groups count), read from Microsoft Graph with the bot's own
    # credentials and the GroupMember.Read.All application permission. Unset: no Graph call.
    supervisor_group_id: Annotated[frozenset[str], NoDecode] = frozenset()
    coordinator_group_id: Annotated[frozenset[str], NoDecode] = frozenset()
    peer_group_id: Annotated[frozenset[str], NoDecode] = frozenset()
    admin_group_id: Annotated[frozenset[str], NoDecode] = frozenset()
    graph_url: str = "https://graph.microsoft.com"
    entra_login_url: str = "https://login.microsoftonline.com"
    # Supervisors see only the teams an admin assigned them, not every channel they are in.
    supervisor_assignments: bool = False
    # Each supervisor's look at the numbers also as one JSON line on the wellspring.audit log.
    audit_log_lines: bool = False
    # How long the admin audit trail keeps each admin's or coordinator's action (two years,
    # like the supervisors' looks: a yearly audit sees the whole of the year before).
    audit_retention_days: int = Field(default=730, ge=1)
    crisis_resources_text: str | None = None
    # Where students on placement find their own support (shown once, when they register).
    student_support_text: str | None = None
    # Who runs this copy, named in the privacy notice (/privacy) and terms (/terms): the
    # agency's name, and where people ask about their data (an e-mail address or a web link).
    agency_name: str | None = Field(default=None, max_length=200)
    agency_privacy_contact: str | None = Field(default=None, max_length=500)

    @model_validator(mode="before")
    @classmethod
    def _blank_host_is_unset(cls, values: object) -> object:
        """`HOST=` (as in .env.example) leaves each server its own default address."""
        if isinstance(values, dict) and not str(values.get("host", "-")).strip():
            return {key: value for key, value in values.items() if key != "host"}
        return values

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_files(cls, values: object) -> object:
        try:
            return fill_from_files(values)
        except UnreadableSecretFile as unreadable:
            setting, detail = unreadable.setting, unreadable.detail
            raise SettingsProblem(setting, "secret_file_unreadable", detail=detail) from None

    @field_validator(
        "supervisor_user_ids",
        "debrief_coordinator_user_ids",
        "supervisor_usergroup",
        "coordinator_usergroup",
        "peer_user_ids",
        "peer_usergroup",
        "admin_user_ids",
        "admin_usergroup",
        "supervisor_group_id",
        "coordinator_group_id",
        "peer_group_id",
        "admin_group_id",
        "slack_allowed_team_ids",
        "teams_allowed_tenant_ids",
        mode="before",
    )
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "supervisor_group_id", "coordinator_group_id", "peer_group_id", "admin_group_id"
    )
    @classmethod
    def _entra_object_ids(cls, value: frozenset[str]) -> frozenset[str]:
        if any(not _ENTRA_ID.fullmatch(group) for group in value):
            raise ValueError(
                "each must be an Entra group's Object ID, such as "
                "0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7 (Slack user groups go in *_USERGROUP)"
            )
        return frozenset(group.lower() for group in value)

    @field_validator("graph_url", "entra_login_url")
    @classmethod
    def _service_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("pulse_secret", mode="before")
    @classmethod
    def _secrets(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("pulse_secret")
    @classmethod
    def _long_secrets(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        if any(len(secret.get_secret_value()) < MIN_SECRET_LENGTH for secret in value):
            raise ValueError(f"each secret must be at least {MIN_SECRET_LENGTH} characters")
        # The same secret named twice (`$CURRENT,$PREVIOUS` before a rotation) is one secret:
        # a click writes a marker per secret, and two equal markers would never both go in.
        return tuple({secret.get_secret_value(): secret for secret in value}.values())

    @field_validator("support_resources_text", "crisis_resources_text", "student_support_text")
    @classmethod
    def _blank_is_default(cls, value: str | None) -> str | None:
        return value.strip().replace("\\n", "\n") or None if value else None

    @field_validator("agency_name", "agency_privacy_contact", mode="before")
    @classmethod
    def _plain_line(cls, value: object) -> object:
        """Shown on a web page: blank is unset, and one line of printable text."""
        if not isinstance(value, str):
            return value
        if any(unicodedata.category(character) == "Cc" for character in value):
            raise ValueError("must be one line of text, without control characters")
        return value.strip() or None

    @field_validator("agency_privacy_contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        if value is not None and not (_EMAIL.match(value) or _WEB_LINK.match(value)):
            raise ValueError("must be an e-mail address or a link starting with https://")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url", "playground_database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in _DRIVERS:
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                "(postgresql:// is accepted too)"
            )
        return _asyncpg_tls(f"{_DRIVERS[scheme]}://{rest}")

    @property
    def slack_mode(self) -> SlackMode:
        return SlackMode.SOCKET if self.slack_app_token else SlackMode.HTTP

    @property
    def installs_workspaces(self) -> bool:
        """True when workspaces install the app through OAuth, each with its own bot token."""
        return bool(self.slack_client_id or self.slack_client_secret)

    @property
    def entra_groups(self) -> frozenset[str]:
        """Every Entra group a role follows."""
        named = (
            self.supervisor_group_id,
            self.coordinator_group_id,
            self.peer_group_id,
            self.admin_group_id,
        )
        return frozenset().union(*named)

    @property
    def slack_usergroups(self) -> frozenset[str]:
        """Every Slack user group a role follows."""
        named = (
            self.supervisor_usergroup,
            self.coordinator_usergroup,
            self.peer_usergroup,
            self.admin_usergroup,
        )
        return frozenset().union(*named)

    @property
    def teams_enabled(self) -> bool:
        return bool((self.teams_client_id or "").strip())

    @property
    def slack_enabled(self) -> bool:
        return not self.has_no_slack_credentials

    @property
    def has_no_platform(self) -> bool:
        given = (self.teams_client_id, self.teams_client_secret, self.teams_tenant_id)
        return self.has_no_slack_credentials and not any(given)

    @property
    def playground_active(self) -> bool:
        return self.playground or self.has_no_platform

    @property
    def playground_host(self) -> str:
        """HOST when it was set; otherwise this computer only (Slack and Teams keep 0.0.0.0)."""
        return self.host if "host" in self.model_fields_set else "127.0.0.1"

    @property
    def playground_ports(self) -> range:
        """PORT when it was set; otherwise the default and the next few, so a second
        playground on this computer starts on the next free one."""
        if "port" in self.model_fields_set or self.port == 0:
            return range(self.port, self.port + 1)
        return range(self.port, self.port + PLAYGROUND_SPARE_PORTS + 1)

    def check_playground(self) -> None:
        if self.environment == "production":
            raise SettingsProblem("PLAYGROUND", "playground_in_production")
        if same_database(self.playground_database_url, self.database_url):
            raise SettingsProblem("PLAYGROUND_DATABASE_URL", "playground_database_is_the_bots")

    def check_platforms(self) -> None:
        """Raise SettingsProblem for the first platform setting that is missing or unsafe."""
        if self.slack_enabled or not self.teams_enabled:
            self.check_slack_credentials()
        if self.teams_enabled or self.teams_client_secret or self.teams_tenant_id:
            self.check_teams_credentials()

    def check_teams_credentials(self) -> None:
        if not self.teams_enabled:
            raise SettingsProblem("TEAMS_CLIENT_ID", "teams_client_id_missing")
        if self.teams_allow_unauthenticated:
            if _secret(self.teams_client_secret):
                raise SettingsProblem("TEAMS_ALLOW_UNAUTHENTICATED", "teams_local_with_secret")
            if self.environment == "production":
                raise SettingsProblem("TEAMS_ALLOW_UNAUTHENTICATED", "teams_local_in_production")
            return
        if not _secret(self.teams_client_secret):
            raise SettingsProblem("TEAMS_CLIENT_SECRET", "teams_secret_missing")
        if not (self.teams_tenant_id or "").strip():
            raise SettingsProblem("TEAMS_TENANT_ID", "teams_tenant_missing")

    @property
    def has_no_slack_credentials(self) -> bool:
        given = (self.slack_bot_token, self.slack_app_token, self.slack_signing_secret)
        return not (any(given) or self.installs_workspaces)

    def check_slack_credentials(self) -> None:
        """Raise SettingsProblem naming the first credential that is missing or malformed."""
        token = _secret(self.slack_bot_token)
        if self.installs_workspaces:
            self._check_installs(token)
        elif not token:
            raise SettingsProblem("SLACK_BOT_TOKEN", "bot_token_missing")
        elif not token.startswith("xoxb-"):
            raise SettingsProblem("SLACK_BOT_TOKEN", "bot_token_shape")
        app_token = _secret(self.slack_app_token)
        if app_token and not app_token.startswith("xapp-"):
            raise SettingsProblem("SLACK_APP_TOKEN", "app_token_shape")
        if not app_token and not _secret(self.slack_signing_secret):
            raise SettingsProblem("SLACK_SIGNING_SECRET", "signing_secret_missing")
        if self.installs_workspaces or self.token_encryption_keys():
            self._check_token_keys()

    def _check_installs(self, bot_token: str) -> None:
        if bot_token:
            raise SettingsProblem("SLACK_BOT_TOKEN", "bot_token_with_installs")
        if not (self.slack_client_id or "").strip():
            raise SettingsProblem("SLACK_CLIENT_ID", "client_credential_missing")
        if not _secret(self.slack_client_secret):
            raise SettingsProblem("SLACK_CLIENT_SECRET", "client_credential_missing")

    def token_encryption_keys(self) -> list[str]:
        """TOKEN_ENCRYPTION_KEY's keys, the sealing one first."""
        return [key.strip() for key in _secret(self.token_encryption_key).split(",") if key.strip()]

    def _check_token_keys(self) -> None:
        keys = self.token_encryption_keys()
        if not keys:
            raise SettingsProblem("TOKEN_ENCRYPTION_KEY", "token_key_missing")
        try:
            TokenCipher(keys)
        except ValueError:
            raise SettingsProblem("TOKEN_ENCRYPTION_KEY", "token_key_shape") from None

    def check_pulse_secret(self) -> None:
        """PostgreSQL is shared by replicas: they must all use the same, given secret."""
        if not self.pulse_secret and not self.database_url.startswith("sqlite"):
            raise SettingsProblem("PULSE_SECRET", "pulse_secret_missing")

    def sqlite_directory(self) -> Path | None:
        """The directory an SQLite file lives in, so the app can create it on start."""
        prefix = "sqlite+aiosqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        path = self.database_url.removeprefix(prefix).split("?")[0]
        return None if path in ("", ":memory:") else Path(path).parent


def _asyncpg_tls(url: str) -> str:
    """A PostgreSQL URL's TLS parameters in the form asyncpg takes through SQLAlchemy.

    libpq's `sslmode=verify-full` becomes asyncpg's `ssl=verify-full` (asyncpg refuses the
    former). Certificate files can't travel in the URL: asyncpg reads PGSSLROOTCERT, PGSSLCERT
    and PGSSLKEY from the environment (docs/database-encryption.md).
    """
    if not url.startswith("postgresql") or "?" not in url:
        return url
    base, _, query = url.partition("?")
    pairs = [(key, value) for key, _, value in (p.partition("=") for p in query.split("&") if p)]
    if files := [key for key, _ in pairs if key in _TLS_FILE_PARAMETERS]:
        raise SettingsProblem("DATABASE_URL", "tls_file_in_url", parameter=files[0])
    keys = {key for key, _ in pairs}
    pairs = [("ssl" if key == "sslmode" and "ssl" not in keys else key, v) for key, v in pairs]
    return base + "?" + "&".join(f"{key}={value}" for key, value in pairs)


_TLS_FILE_PARAMETERS = frozenset({"sslrootcert", "sslcert", "sslkey"})


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value else ""
