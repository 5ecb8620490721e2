"""POST /slack/events: verify Slack's signature, parse the body ourselves, dispatch to Bolt."""

import codecs
import logging
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.process.json_body import parse_json
from handlers.slack.ack_queue import acks_of
from handlers.slack.payload_shape import has_slack_shape

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
PAYLOAD = "payload="  # an interaction's form: this one field


class ParsedBoltRequest(AsyncBoltRequest):
    """A Bolt request whose body we parsed.

    Bolt 1.30 parses any form body containing the text "payload" as an interaction
    and finds none, so `/checkin my payload` would be dropped. Copies (made for lazy
    listeners) keep our parse too, and the body is parsed once.
    """

    def __init__(self, *, raw_body: str, parsed: dict[str, Any], **kwargs: Any) -> None:
        # Bolt takes a dict body only in Socket Mode; handing it ours spares a second parse.
        # Then it is an HTTP request again, so Bolt still checks the signature on raw_body.
        super().__init__(body=parsed, mode="socket_mode", **kwargs)
        self.raw_body, self.mode = raw_body, "http"

    def to_copyable(self) -> "ParsedBoltRequest":
        return ParsedBoltRequest(
            raw_body=self.raw_body,
            parsed=self.body,
            query=self.query,
            headers=self.headers,
            context=self.context.to_copyable(),
        )


class MalformedBody(ValueError):
    """The body is not a Slack payload."""


def parse_slack_body(raw: str, content_type: str) -> dict[str, Any]:
    """Events arrive as JSON; commands as a form; interactions as a form with one `payload`.

    JSON nested deeper than Slack ever sends is refused too (bot.process.json_body).
    """
    try:
        if content_type == "application/json" or raw.lstrip().startswith("{"):
            parsed = parse_json(raw)
        elif raw.startswith(PAYLOAD) and "&" not in raw and "=" not in raw[len(PAYLOAD) :]:
            parsed = parse_json(_form_value(raw[len(PAYLOAD) :]))
        else:
            form = dict(parse_qsl(raw, keep_blank_values=True, strict_parsing=True))
            parsed = parse_json(form["payload"]) if set(form) == {"payload"} else form
    except (ValueError, KeyError) as error:
        raise MalformedBody(str(error)) from None
    if not isinstance(parsed, dict) or not parsed:
        raise MalformedBody("expected an object")
    return parsed


def _form_value(encoded: str) -> str:
    """One form-encoded value, decoded in C: a click's payload is mostly %XX escapes, which
    urllib decodes one by one in Python (about 0.2 ms a click). Every `%` must start two hex
    digits and the bytes must be UTF-8, else ValueError (a malformed body)."""
    if not encoded.isascii():
        raise ValueError("not a form value")
    # Only the \x escapes made here reach escape_decode: a backslash is itself escaped first.
    escaped = encoded.replace("\\", "%5C").replace("+", " ").replace("%", "\\x")
    return codecs.escape_decode(escaped.encode("ascii"))[0].decode("utf-8")


def create_events_route(bolt: AsyncApp, signing_secret: str) -> web.RouteDef:
    verifier = SignatureVerifier(signing_secret)

    acks = acks_of(bolt)

    async def on_slack_request(request: web.Request) -> web.StreamResponse:
        with acks.acking():
            return await answer(request)

    async def answer(request: web.Request) -> web.StreamResponse:
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return web.Response(status=413, text="body too large")
        body = await request.read()
        if len(body) > MAX_BODY_BYTES:
            return web.Response(status=413, text="body too large")
        # A body that can't be read is refused before any work on its signature.
        try:
            raw = body.decode("utf-8")
        except UnicodeDecodeError:
            return web.Response(status=400, text="body is not UTF-8")
        try:
            parsed = parse_slack_body(raw, request.content_type)
        except MalformedBody:
            logger.info("rejected a malformed body")
            return web.Response(status=400, text="malformed body")
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if not _is_signed(verifier, raw, timestamp, signature):
            return web.Response(status=401, text="invalid signature or stale timestamp")
        if not has_slack_shape(parsed):
            logger.info("rejected a body whose fields are not as Slack sends them")
            return web.Response(status=400, text="malformed body")
        bolt_request = ParsedBoltRequest(
            raw_body=raw,
            parsed=parsed,
            query=request.query_string,
            headers={key: value for key, value in request.headers.items()},
        )
        response = await bolt.async_dispatch(bolt_request)
        return web.Response(
            status=response.status,
            body=response.body,
            headers=response.first_headers_without_set_cookie(),
        )

    return web.post("/slack/events", on_slack_request)


def _is_signed(
    verifier: SignatureVerifier, body: str, timestamp: str | None, signature: str | None
) -> bool:
    # SignatureVerifier rejects timestamps more than five minutes from now (replays).
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    return bool(verifier.is_valid(body=body, timestamp=timestamp, signature=signature))
