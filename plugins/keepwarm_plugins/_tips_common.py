"""Helpers shared by the communication tips (not a plugin: the name starts with "_").

Tip texts live in the rule pack so that users can rewrite them; they may say
`{name}` where the contact's first name belongs. Filling is a plain
replacement, so a stray brace in a user's text can never break a tip.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import Field

from keepwarm.model import Channel
from keepwarm.plugin import ContactContext, Tip, first_name

#: A tip text as the rule pack holds it: one sentence or two, never empty.
TipText = Annotated[str, Field(min_length=1, max_length=500)]

#: How a tip names a channel ("Ada prefers email", "prefers a phone call").
CHANNEL_WORDS: dict[Channel, str] = {
    Channel.CALL: "a phone call",
    Channel.EMAIL: "email",
    Channel.MEETING: "meeting in person",
    Channel.TEXT: "text messages",
    Channel.SOCIAL: "social media",
    Channel.EVENT: "meeting at events",
    Channel.LETTER: "letters",
    Channel.GIFT: "small gifts",
    Channel.MEAL: "a meal together",
}


def fill(text: str, ctx: ContactContext, **values: str) -> str:
    """Put the first name (and any `values`) where the text says `{name}` (or `{key}`)."""
    out = text.replace("{name}", first_name(ctx.contact.name))
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def tips(texts: Iterable[str], ctx: ContactContext, topic: str) -> list[Tip]:
    """`fill` for each text, with the first name worked out once."""
    name = first_name(ctx.contact.name)
    return [Tip(text=text.replace("{name}", name), topic=topic) for text in texts]


def texts(default: list[str], description: str, *, at_most: int):
    """A TOML list of tip texts with its shipped default (copied, so a rule's edits never leak back)."""
    return Field(default_factory=lambda: list(default), max_length=at_most, description=description)
