"""Which parsed bodies can be stored: no NUL and no lone surrogate, in keys or values."""

import json

import pytest

from bot.process.json_body import has_storable_text


@pytest.mark.parametrize(
    ("body", "storable"),
    [
        ('{"text": "plain", "n": [1, 2.5, true, null]}', True),
        ('{"text": "caf\\u00e9 \\ud83d\\ude00"}', True),  # a surrogate pair is one character
        ('{"text": "a backslash then u0000: \\\\u0000"}', True),
        ('{"text": "a\\u0000b"}', False),
        ('{"a\\u0000": 1}', False),
        ('{"deep": [{"x": ["\\ud800"]}]}', False),
        ('{"key\\udfff": "v"}', False),
        ('{"both": "\\\\u0000 and \\u0000"}', False),
    ],
)
def test_storable_text(body: str, storable: bool) -> None:
    assert has_storable_text(json.loads(body)) is storable
