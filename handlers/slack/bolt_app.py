"""Builds the Bolt AsyncApp around our own Web API client."""

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow

from handlers.slack.web_client import InstrumentedWebClient


def create_bolt_app(
    client: InstrumentedWebClient,
    signing_secret: str | None,
    installs: AsyncOAuthFlow | None = None,
    not_installed: str | None = None,
) -> AsyncApp:
    """One workspace with the client's token, or each installed one with its own (`installs`).

    `not_installed` answers people in a workspace without an installation. url_verification
    and ssl_check are answered by Bolt.
    """
    bolt_logger = logging.getLogger("slack_bolt")
    # Bolt's debug output includes request bodies, which carry user ids and text.
    bolt_logger.setLevel(max(bolt_logger.getEffectiveLevel(), logging.INFO))
    return AsyncApp(
        client=client,
        signing_secret=signing_secret,
        # Our route verifies first; Bolt checks again. Socket Mode has no signatures.
        request_verification_enabled=signing_secret is not None,
        logger=bolt_logger,
        process_before_response=True,  # guarded listeners ack, then go on alone
        oauth_flow=installs,
        user_facing_authorize_error_message=not_installed,
    )
