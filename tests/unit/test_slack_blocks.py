"""A person's own words in Block Kit: shown as written, within Slack's section limit."""

from bot.outgoing.messages import Card, Paragraph
from handlers.slack.blocks import SECTION_LIMIT, build_card_blocks, escape_mrkdwn, to_payload


def test_words_are_escaped_so_slack_finds_no_link_or_mention_in_them() -> None:
    card = Card("x", (Paragraph("<https://e.example|x> & <!here> <@U1>", verbatim=True),))
    [section] = to_payload(build_card_blocks(card))
    assert section["text"]["text"] == "&lt;https://e.example|x&gt; &amp; &lt;!here&gt; &lt;@U1&gt;"


def test_core_text_keeps_its_markup() -> None:
    [section] = to_payload(build_card_blocks(Card.plain("*Hi* <@U1>")))
    assert section["text"]["text"] == "*Hi* <@U1>"


def test_escaped_words_are_cut_at_the_limit_between_entities() -> None:
    cut = escape_mrkdwn("<" * SECTION_LIMIT, SECTION_LIMIT)
    assert len(cut) <= SECTION_LIMIT and cut == "&lt;" * (SECTION_LIMIT // 4)
