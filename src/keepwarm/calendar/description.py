"""The words of a calendar entry: its title and its notes.

Pure functions over plain values, so that what a calendar shows can be tested
without a database or an engine run. Text is cleaned of control characters
that iCalendar cannot carry; escaping is left to the serializer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..api.types import Suggestion, Tip, Warning
from ..model import Channel, Contact, DateKind, FollowUp, ImportantDate

#: What the title says you do, per channel.
VERBS: dict[Channel, str] = {
    Channel.CALL: "Call",
    Channel.EMAIL: "Email",
    Channel.MEETING: "Meet",
    Channel.TEXT: "Text",
    Channel.SOCIAL: "Message",
    Channel.EVENT: "See",
    Channel.LETTER: "Write to",
    Channel.GIFT: "Send a gift to",
    Channel.MEAL: "Share a meal with",
}
DEFAULT_VERB = "Reach out to"
TOPIC_LIMIT = 80
SUGGESTIONS_SHOWN = 3
_SEVERITY = {1: "note", 2: "warning", 3: "urgent"}

_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Line breaks as LF, other control characters dropped (TEXT values may not hold them)."""
    if text.isprintable():  # no line break nor control character in it: nothing to do (7x quicker than the regexes)
        return text
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))


def _one_line(text: str) -> str:
    return " ".join(clean(text).split())


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word boundary with an ellipsis.

    A single word longer than the limit (a URL, a German compound) is the one case cut inside.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-—–") + "…"


def topic(reason: str, limit: int = TOPIC_LIMIT) -> str:
    """The head of a reason: up to its first colon or sentence end, kept short for a title."""
    line = _one_line(reason)
    head = re.split(r":\s|\.\s|\.$", line, maxsplit=1)[0].strip() or line
    return shorten(head, limit)


def days_late(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'} late"


def summary(followup: FollowUp, contact: Contact, late: int = 0) -> str:
    """What you do, with whom, about what; an overdue item (shown on today) starts with how late it is."""
    verb = VERBS.get(followup.channel, DEFAULT_VERB) if followup.channel else DEFAULT_VERB
    text = f"{verb} {_one_line(contact.name)} — {topic(followup.reason)}"
    return f"{days_late(late)}: {text}" if late else text


def late_note(due: dt.date, at: dt.time | None, late: int) -> str:
    """The first line of an overdue item's notes: it stands on today, and this is when it was due."""
    when = due.isoformat() + (f" {at.strftime('%H:%M')}" if at is not None else "")
    return f"{days_late(late).capitalize()}: it was due on {when}, and stays on today until it is done or moved."


def describe(
    followup: FollowUp,
    contact: Contact,
    tips: Sequence[Tip] = (),
    warnings: Sequence[Warning] = (),
    suggestions: Sequence[Suggestion] = (),
) -> str:
    """Why, what to do, how to talk to them, what to watch: the notes of one follow-up."""
    blocks: list[str] = [clean(followup.reason).strip()]
    if followup.action.strip():
        blocks.append("Suggested action: " + clean(followup.action).strip())
    if suggestions:
        lines = []
        for s in list(suggestions)[:SUGGESTIONS_SHOWN]:
            why = clean(s.why).strip()
            lines.append(f"- {clean(s.text).strip()}" + (f" ({why})" if why else ""))
        blocks.append("Ideas that build trust:\n" + "\n".join(lines))
    if tips:
        blocks.append("How to talk to them:\n" + "\n".join(f"- {clean(t.text).strip()}" for t in tips))
    if warnings:
        ordered = sorted(warnings, key=lambda w: -w.severity)
        blocks.append(
            "Watch out:\n"
            + "\n".join(f"- {_SEVERITY.get(w.severity, 'warning')}: {clean(w.message).strip()}" for w in ordered)
        )
    reach = [*contact.phones, *contact.emails]
    facts = []
    if contact.account:
        facts.append(f"Account: {clean(contact.account)}" + (f" ({clean(contact.title)})" if contact.title else ""))
    if reach:
        facts.append("Reach them: " + ", ".join(clean(r) for r in reach))
    if contact.best_time.strip():
        facts.append(f"Best time: {clean(contact.best_time).strip()}")
    if facts:
        blocks.append("\n".join(facts))
    if contact.notes.strip():
        blocks.append("Notes:\n" + clean(contact.notes).strip())
    return "\n\n".join(b for b in blocks if b)


_DATE_NAMES = {
    DateKind.BIRTHDAY: "birthday",
    DateKind.WORK_ANNIVERSARY: "work anniversary",
    DateKind.ANNIVERSARY: "anniversary",
}


def date_title(date: ImportantDate) -> str:
    label = _one_line(date.label)
    if date.kind == DateKind.CUSTOM or (label and date.kind == DateKind.ANNIVERSARY):
        return label or "important date"
    return _DATE_NAMES[date.kind]


def date_summary(date: ImportantDate, contact: Contact) -> str:
    return f"{_one_line(contact.name)} — {date_title(date)}"


def date_description(date: ImportantDate, contact: Contact) -> str:
    lines = []
    if date.year is not None:
        since = "Born" if date.kind == DateKind.BIRTHDAY else "Since"
        lines.append(f"{since} {date.year}.")
    if contact.account:
        lines.append(f"Account: {clean(contact.account)}")
    return "\n".join(lines)
