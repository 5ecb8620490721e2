"""Request bodies as JSON, with bounded nesting: damaged input is a ValueError, never a crash."""

import json
from typing import Any

# Slack's and Teams' deepest payloads (rich text in an event, a card's data in an invoke)
# nest about a dozen levels; anything far deeper is not from them.
MAX_DEPTH = 32


class UnreadableBody(ValueError):
    """The body is not UTF-8 JSON, or nests deeper than MAX_DEPTH. The message names the
    problem, never the body."""


def parse_json(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of `raw`; UnreadableBody for anything else."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text)
    except UnicodeDecodeError:
        raise UnreadableBody("not UTF-8") from None
    except RecursionError:
        # The C parser gives up near the interpreter's recursion limit: far too deep.
        raise UnreadableBody("nested too deeply") from None
    except ValueError:
        raise UnreadableBody("not JSON") from None
    if depth_exceeds(value, max_depth):
        raise UnreadableBody("nested too deeply")
    return value


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` deep (checked without recursion)."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if not isinstance(node, dict | list):
            continue
        children = node.values() if isinstance(node, dict) else node
        if depth >= limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def has_storable_text(value: Any) -> bool:
    """Whether every string in `value` (keys too) can be written to the database: no NUL
    (PostgreSQL's text refuses U+0000) and no lone surrogate (not UTF-8; JSON's escapes can
    carry one). Neither platform sends them; a forged body that does is refused whole.

    Asked of every request: the parsed body is written out again by the C encoder, which
    keeps a lone surrogate as it is (so UTF-8 refuses it) and writes a NUL as `\\u0000`;
    only a body with that text in it (perhaps a backslash before "u0000") is walked."""
    try:
        written = json.dumps(value, ensure_ascii=False, check_circular=False)
        written.encode("utf-8")
    except UnicodeEncodeError:
        return False
    except (TypeError, ValueError, RecursionError):  # not JSON's values: look at each
        return _walked(value)
    return "\\u0000" not in written or _walked(value)


def _walked(value: Any) -> bool:
    pending: list[Any] = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, str) and ("\x00" in node or not _encodable(node)):
            return False
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
