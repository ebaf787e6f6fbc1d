"""A small, fixed relationship history and hand-made rules, for the TUI and dashboard tests.

The plugins here stand in for the built-in ones so that the screens show
known texts whatever the shipped rules say; the data is built with the same
core functions the CLI uses, at the fixed clock of conftest.py.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from conftest import FIXED_NOW
from keepwarm.services import actions
from keepwarm.model import Account, Assessment, Commitment, Contact, ImportantDate
from keepwarm.plugin import ConfigSection, Proposal, Suggestion, Tip, Warning, hookimpl
from keepwarm.store import activity
from keepwarm.store import contacts as people

UTC = dt.timezone.utc
TODAY = FIXED_NOW.date()  # Sunday 2026-11-22


class _Named:
    """A stable repr: the plugins screen shows it as where the plugin comes from."""

    def __repr__(self) -> str:
        return f"tui_support.{type(self).__name__}"


class RhythmSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = 30


class Rhythm(_Named):
    """Touch every `days` days: due `days` after the last touch, today when never touched."""

    @hookimpl
    def keepwarm_config_section(self):
        return ConfigSection("rhythm", RhythmSettings)

    @hookimpl
    def keepwarm_cadence(self, ctx):
        days = ctx.rules["rhythm"].days
        last = ctx.stats.last_touch
        due = ctx.today if last is None else last.date() + dt.timedelta(days=days)
        return [Proposal(rule_key="rhythm", due=due, reason=f"keep the {days}-day rhythm", interval_days=days,
                         action="call to catch up")]


class StyleTips(_Named):
    @hookimpl
    def keepwarm_tips(self, ctx):
        if ctx.contact.style.value == "analytical":
            return [Tip("Bring numbers and give them time to think.", topic="style")]
        if ctx.contact.style.value == "driver":
            return [Tip("Be brief; lead with the outcome.", topic="style")]
        return []


class Silence(_Named):
    """Warns when a contact has not been touched for 45 days or more."""

    @hookimpl
    def keepwarm_warnings(self, ctx):
        days = ctx.days_since_touch()
        if days is not None and days >= 45:
            return [Warning("silence", f"No touch for {days} days.", severity=2, evidence={"days_since": days})]
        return []


class SendArticle(_Named):
    @hookimpl
    def keepwarm_suggestions(self, ctx):
        first = ctx.contact.name.split()[0]
        if ctx.contact.interests:
            interest = ctx.contact.interests[0]
            return [Suggestion("useful_content", f"Send {first} something about {interest}.",
                               why=f"{first} cares about {interest}.", score=0.8)]
        return [Suggestion("ask", f"Ask {first} how the quarter went.", why="no interests recorded yet", score=0.3)]


def use_test_rules(session):
    """Give the session only the hand-made rules above: no built-in plugins, and of the shipped
    rule packs only the engine's own (so other packs' sections do not show up as unread)."""
    import shutil

    from keepwarm.home import paths
    from keepwarm.hosting.host import PluginHost
    from keepwarm.hosting.runtime import build_runtime

    shipped = session.db_path.parent.parent / "shipped-rules"
    shipped.mkdir(parents=True, exist_ok=True)
    shutil.copy(paths.default_rules_dir() / "engine.toml", shipped / "engine.toml")
    host = PluginHost(eps=[], plugins_dir=None).load()
    for name, plugin in (("rhythm", Rhythm()), ("style_tips", StyleTips()), ("silence", Silence()),
                         ("send_article", SendArticle())):
        host.register_for_test(plugin, name)
    session.__dict__["runtime"] = build_runtime(host=host, default_rules=shipped)
    return session.runtime


def _at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def build_history(session) -> dict[str, int]:
    """Six people in two accounts with touches that put them overdue, today, this week and later.

    With a 30-day rhythm at 2026-11-22: Charles is 52 days overdue; Ada and
    Grace (never touched) are due today; Mary on Wednesday 25th; Katherine,
    who wrote this week, in December; Alan (former, do not contact) never.
    """
    now = FIXED_NOW
    ids: dict[str, int] = {}
    with session.store.write() as conn:
        people.insert_account(conn, Account(name="Analytical Engines", industry="computing",
                                            culture="careful, engineering-led"), now)
        people.insert_account(conn, Account(name="Difference Co", industry="finance"), now)
        ids["ada"] = people.insert_contact(conn, Contact(
            name="Ada Lovelace", account="Analytical Engines", title="CTO", role="champion", style="analytical",
            tier="a", owner="me", interests=["poetry"], tags=["vip"], emails=["ada@engines.example"],
            dates=[ImportantDate(kind="birthday", month=12, day=10, year=1985)]), now)
        ids["charles"] = people.insert_contact(conn, Contact(
            name="Charles Babbage", account="Analytical Engines", title="Founder", role="executive_sponsor",
            style="driver", tier="a", owner="me"), now)
        ids["mary"] = people.insert_contact(conn, Contact(
            name="Mary Somerville", account="Difference Co", title="CFO", role="financial_approver",
            style="amiable", tier="b", owner="sam", tags=["science"], interests=["astronomy"]), now)
        ids["grace"] = people.insert_contact(conn, Contact(
            name="Grace Hopper", title="Rear Admiral", style="expressive", tier="c", owner="sam",
            tags=["navy"]), now)
        ids["katherine"] = people.insert_contact(conn, Contact(
            name="Katherine Johnson", account="Difference Co", title="Analyst", role="end_user", tier="b",
            owner="sam"), now)
        ids["alan"] = people.insert_contact(conn, Contact(
            name="Alan Turing", account="Difference Co", role="technical_evaluator", stage="former",
            do_not_contact=True, owner="sam"), now)

        def log(who: str, day: str, **fields) -> None:
            fields.setdefault("channel", "call")
            actions.log_interactions(conn, [ids[who]], now, at=_at(day), **fields)

        # Ada: steady, last touch 30 days ago -> due today.
        log("ada", "2026-07-10", sentiment=1)
        log("ada", "2026-09-15", channel="email", direction="inbound", purpose="value_article")
        log("ada", "2026-10-23", channel="meeting", sentiment=2, notes="Asked about the Q1 roll-out.")
        # Charles: quiet since September -> 22 days overdue, warned about the silence.
        log("charles", "2026-06-20")
        log("charles", "2026-09-01", channel="email")
        # Mary: last touch 27 days ago -> due on Wednesday.
        log("mary", "2026-08-12", channel="meeting")
        log("mary", "2026-10-26", channel="call", sentiment=0)
        # Katherine: a call this month, then she wrote unprompted this week, and once on business.
        log("katherine", "2026-11-03", channel="call")
        log("katherine", "2026-11-16", channel="email", direction="inbound", purpose="business")
        log("katherine", "2026-11-17", channel="email", direction="inbound", purpose="check_in")
        # Alan: former, once.
        log("alan", "2026-05-05", channel="meal", purpose="entertainment")

        activity.insert_commitment(conn, Commitment(contact_id=ids["ada"], by="me", text="send the benchmark report",
                                                    due=dt.date(2026, 11, 20)), now)
        activity.insert_commitment(conn, Commitment(contact_id=ids["mary"], by="them", text="share the budget plan",
                                                    due=dt.date(2026, 12, 5)), now)
        for on, score in (("2026-06-01", 3), ("2026-08-01", 4), ("2026-10-01", 5)):
            activity.insert_assessment(conn, Assessment(
                contact_id=ids["ada"], on=dt.date.fromisoformat(on), trust=score, communication=score, sharing=3,
                advocacy=score, conflict=4, commitment=score), now)
        activity.insert_assessment(conn, Assessment(
            contact_id=ids["charles"], on=dt.date(2026, 9, 1), trust=2, communication=2, sharing=2, advocacy=2,
            conflict=3, commitment=2), now)
    return ids


async def settle(pilot, rounds: int = 4) -> None:
    """Wait until the workers are done and their results are on screen.

    A worker cancelled meanwhile (an exclusive worker replaced by a newer one)
    is done too: Textual's wait raises WorkerCancelled for it, which is not a
    failure of the app.
    """
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot.pause()


async def settle_until(pilot, condition, rounds: int = 40) -> None:
    """Settle until `condition()` holds: a screen change can take several worker hand-offs,
    more of them on a loaded machine. Gives up after `rounds`, leaving the caller's assert to fail."""
    for _ in range(rounds):
        if condition():
            return
        await settle(pilot, rounds=1)


def sync(test):
    """Run an async test on its own event loop (no pytest async plugin is needed)."""
    import asyncio
    import functools

    @functools.wraps(test)
    def runner(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return runner


async def type_text(pilot, value: str) -> None:
    """Type `value` key by key, as a person would."""
    await pilot.press(*[("space" if ch == " " else ch) for ch in value])


class TipsAsked:
    """A plugin that gives no advice and notes the contacts tips were asked for: whether advice was worked out
    again or read as kept."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    @hookimpl
    def keepwarm_tips(self, ctx):
        self.asked.append(ctx.contact.id)
        return []


class AdviceAsked(TipsAsked):
    """`TipsAsked` that notes the contacts suggestions were asked for too."""

    @hookimpl
    def keepwarm_suggestions(self, ctx):
        self.asked.append(ctx.contact.id)
        return []


def copy_without_results(session, path):
    """A copy of the book at `path` with nothing an engine run stored (as after a restore), marks included."""
    import sqlite3

    source, raw = sqlite3.connect(session.db_path), sqlite3.connect(path)
    source.backup(raw)  # what the book's connections wrote, its write-ahead log included
    source.close()
    for table in ("contact_snapshots", "account_snapshots", "snapshot_runs", "engine_marks", "engine_account_marks"):
        raw.execute(f"DELETE FROM {table}")
    raw.commit()
    raw.close()
    return path


def notices(app) -> list[str]:
    """The texts of the notifications the app has shown so far, oldest first."""
    return [str(n.message) for n in app._notifications]
