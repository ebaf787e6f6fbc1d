"""Today's short list, for reading outside the app: who, why, and one thing to do each (`keepwarm digest`).

It is the agenda's list, not one of its own: `build_agenda` over today (days=0),
the items the daily plan gives today (plan/daily.py: at most the daily capacity,
promises never moved) in the agenda's order, advice worked out for those alone; what
waits for later is counted, not listed. What it
holds is plain text, made safe once here for every place it goes (a terminal, a
desktop notification, a mail): names and reasons come from other people's files,
so each is one line with every control character in its visible form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..home.session import Session
from ..text.controls import visible
from ..text.wording import cut, one_line, plural

if TYPE_CHECKING:
    from ..engine.agenda import AgendaItem

#: How many items a digest shows unless asked (`--limit`): a list read over coffee, not a backlog.
DEFAULT_LIMIT = 10


def safe(text: str | None) -> str:
    """One line of text with no control character left in it (shown as `\\x1b` and so on)."""
    return visible(one_line(text or ""), multiline=False).strip()


@dataclass(frozen=True)
class DigestItem:
    followup_id: int
    contact_id: int
    name: str
    account: str | None
    due: dt.date
    due_time: dt.time | None
    overdue_days: int
    channel: str | None
    why: str
    #: The best suggestion the agenda shows for this person, else the follow-up's own action; "" when neither.
    suggestion: str
    action: str

    @property
    def when(self) -> str:
        """How it stands today: "205 days late", "due today", "due today at 15:30"."""
        if self.overdue_days > 0:
            return f"{plural(self.overdue_days, 'day')} late"
        at = f" at {self.due_time.strftime('%H:%M')}" if self.due_time else ""
        return f"due today{at}"

    def to_json(self) -> dict:
        return {
            "followup_id": self.followup_id,
            "contact": {"id": self.contact_id, "name": self.name, "account": self.account},
            "due": self.due.isoformat(),
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "overdue_days": self.overdue_days,
            "channel": self.channel,
            "why": self.why,
            "suggestion": self.suggestion or None,
            "action": self.action or None,
        }


@dataclass(frozen=True)
class Digest:
    today: dt.date
    items: list[DigestItem]
    #: Every item of today's list, shown or not, and how many of them are late.
    total: int
    late: int
    problems: list[dict] = field(default_factory=list)
    #: Due by today but left for the days after by the daily capacity (not in `total`).
    later: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    @property
    def headline(self) -> str:
        """The count in one line, "18 follow-ups for today, 16 of them late.": no name, as it is a mail's subject."""
        if not self.total:
            return "Nothing due today."
        count = plural(self.total, "follow-up")
        if not self.late:
            return f"{count} for today."
        if self.late == self.total:
            return f"{count} for today, {'late' if self.total == 1 else 'all of them late'}."
        return f"{count} for today, {self.late} of them late."

    @property
    def subject(self) -> str:
        """A mail's subject: short enough for one header line (a folded one read back with a space before it)."""
        return f"keepwarm {self.today.day} {self.today:%b}: {self.headline}"

    @property
    def day(self) -> str:
        return f"{self.today:%A} {self.today.day} {self.today:%B %Y}"


def build_digest(session: Session, limit: int = DEFAULT_LIMIT) -> Digest:
    """Today's list (the agenda over today: what is late and what is due today), its first `limit` items."""
    from ..engine.agenda import build_agenda  # lazy for start-up: `digest --help` and its bad arguments need no engine

    agenda = build_agenda(session, days=0, advice=False)
    todays = agenda.planned_items
    items = [_item(item) for item in agenda.shown(min(limit, len(todays)))]
    late = sum(1 for item in todays if item.overdue_days > 0)
    problems = [problem.to_json() for problem in agenda.problems]
    return Digest(agenda.today, items, len(todays), late, problems, agenda.later)


def _item(item: AgendaItem) -> DigestItem:
    followup = item.followup
    suggestions = item.suggestions
    action = safe(followup.action)
    contact = item.contact
    return DigestItem(
        followup_id=followup.id or 0,
        contact_id=contact.id,
        name=safe(contact.name),
        account=safe(contact.account) if contact.account else None,
        due=item.due,
        due_time=followup.due_time,
        overdue_days=max(item.overdue_days, 0),
        channel=str(followup.channel.value) if followup.channel else None,
        why=safe(followup.reason),
        suggestion=safe(suggestions[0].text) if suggestions else action,
        action=action,
    )


# ------------------------------------------------------------------ the three ways it is written


def as_text(digest: Digest) -> str:
    """Plain text, no colour and no escape: what cron mails, a journal keeps, or a terminal shows."""
    lines = [f"keepwarm, {digest.day}: {digest.headline}"]
    for number, item in enumerate(digest.items, start=1):
        at = f" ({item.account})" if item.account else ""
        lines += ["", f"{number}. {item.name}{at}, {item.when}", f"   Why: {item.why}"]
        if item.suggestion:
            lines.append(f"   Try: {item.suggestion}")
    if digest.more:
        lines += ["", f"... and {digest.more} more (keepwarm agenda --days 0 lists them all)."]
    if digest.later:
        lines += ["", f"{_waiting(digest.later)} (keepwarm agenda shows which day)."]
    return "\n".join(lines) + "\n"


def _waiting(later: int) -> str:
    """What the daily capacity left for the days after, in one sentence without a full stop."""
    return f"{plural(later, 'more follow-up')} {'waits' if later == 1 else 'wait'} for the coming days: today is full"


#: What Markdown would read as markup inside a line (no field starts a line): each is written with a backslash
#: before it, as CommonMark lets any ASCII punctuation be, so a name cannot become a link, an image (both need
#: a bracket), HTML, code or emphasis.
_MARKDOWN = {ord(ch): "\\" + ch for ch in "\\`*_[]<>~"}


def md(text: str) -> str:
    return text.translate(_MARKDOWN)


def as_markdown(digest: Digest) -> str:
    lines = [f"# keepwarm, {digest.day}", "", digest.headline]
    for number, item in enumerate(digest.items, start=1):
        at = f" ({md(item.account)})" if item.account else ""
        lines += ["", f"{number}. **{md(item.name)}**{at}, {item.when}", f"   - Why: {md(item.why)}"]
        if item.suggestion:
            lines.append(f"   - Try: {md(item.suggestion)}")
    if digest.more:
        lines += ["", f"… and {digest.more} more (`keepwarm agenda --days 0` lists them all)."]
    if digest.later:
        lines += ["", f"{_waiting(digest.later)} (`keepwarm agenda` shows which day)."]
    return "\n".join(lines) + "\n"


def as_json(digest: Digest) -> dict:
    return {
        "date": digest.today.isoformat(),
        "total": digest.total,
        "late": digest.late,
        "items": [item.to_json() for item in digest.items],
        "more": digest.more,
        "later": digest.later,
        "problems": digest.problems,
    }


#: How much of a reason one line of a desktop notification holds.
NOTIFICATION_WIDTH = 80


def as_notification(digest: Digest) -> tuple[str, str]:
    """A notification's title and body: the headline, then one short line per person."""
    title = f"keepwarm: {digest.headline}"
    body = [cut(f"{item.name}, {item.when}: {item.why}", NOTIFICATION_WIDTH) for item in digest.items]
    if digest.more:
        body.append(f"... and {digest.more} more")
    return title, "\n".join(body)
