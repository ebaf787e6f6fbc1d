"""The start screen: who to reach out to (overdue, today, this week), why, and how.

Rows come from `build_agenda` (through the app's engine gate); the side panel
shows the highlighted item's tips, warnings with their evidence, and
suggestions. Done, snooze and dismiss call the same core functions as the CLI;
done on a promise's row keeps the promise (`keepwarm promise done`) and offers
to log the touch; `u` takes back the last change made in this session (what `x` dismissed, a touch
logged...: the app's undo, services/undo.py).

A row needs only the follow-up, the contact and the health, so the list
appears without the advice of thousands of items: an item's tips and
suggestions are worked out (once, by the evaluation) when it is highlighted --
in a worker right after the rows are painted, on the spot as the cursor moves
-- or before the first paint for a row whose follow-up names no action (the
row shows the best suggestion instead). Plugin problems met on the way are
added to the count under the date as they appear.

The list (`LineList`) draws the rows in view only, from the rows as held, so a
backlog of thousands stays instant and small; section titles are rows its
cursor steps over. Every column is as wide as its widest cell over all the rows,
narrowed to the pane.

Stale while revalidating: when an engine run has stored its conclusions
(`store.snapshots`), the screen paints the agenda rebuilt from them at once,
says so under the date, and starts its own engine run; the fresh rows then
replace the stored ones, the cursor staying on the same follow-up. A stored row
acts like a fresh one (done, snooze, dismiss, open call the same functions);
its advice is not shown until the engine has worked it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from ...errors import UserError
from ...model import stored_id
from ...plan import daily
from ...store import snapshots
from ...text.wording import nothing_due, plural
from ..cells import cut_cell, give_way
from ..render import band_text, due_text
from ..views import NO_ADVICE, Advice, AgendaRow, warnings
from ..widgets.line_list import LineList
from ..widgets.nav import NavBar
from ..widgets.side_panel import SidePanel
from .base import DataScreen

if TYPE_CHECKING:
    from ...engine.agenda import AgendaItem  # the engine loads in the worker, after the first paint

SECTIONS = (("overdue", "Overdue"), ("today", "Today"), ("upcoming", "This week"), ("later", "Later"))
_BUCKETS = {title: bucket for bucket, title in SECTIONS}
WHEN_STYLE = {"overdue": "bold red", "today": "bold yellow", "upcoming": "", "later": "dim"}
#: The row under the "Later" title while its items are folded away (`w` lists them).
FOLDED = "folded"
COLUMNS = ("when", "who", "health", "why", "do")
#: When the row is wider than the pane, the columns that give way, in turn, and how narrow each may get:
#: "do" (the side panel shows it whole), then "why" and "who" to a useful width, then "why" to "…".
GIVE_WAY = ((4, 0), (3, 20), (1, 12), (3, 1))
#: Narrower than this, the "do" column is left out, its room to "why" (a word and "…" tell nothing).
USEFUL = 12


def fit_columns(widths: list[int], available: int, padding: int) -> list[int]:
    """Column widths no wider together than `available` cells (each column also takes `padding` on each side).

    The pane does not scroll sideways: a row wider than it was cut at its edge, mid-word and
    without a sign that anything was left out. Narrowed here, each cell is cut once, with "…",
    when its row is built (`AgendaScreen._cells`).
    """
    out = give_way(widths, available, padding, GIVE_WAY)
    if 0 < out[4] < min(USEFUL, widths[4]):
        out[3] = min(widths[3], out[3] + out[4])
        out[4] = 0
    return out


@lru_cache(maxsize=512)
def _when(due: str, overdue_days: int, planned: str | None = None) -> str:
    """The first cell's words: thousands of rows share a few dozen due dates. A row the daily plan moved
    to a later day shows that day ("→ Mon 23"); the side panel says why."""
    day = dt.date.fromisoformat(due)
    own = day + dt.timedelta(days=max(overdue_days, 0))  # the day it stands on unmoved (today when late)
    if planned is None or dt.date.fromisoformat(planned) <= own:
        return due_text(day, overdue_days)
    return f"→ {dt.date.fromisoformat(planned):%a %d}"


@dataclass(eq=False)
class AgendaData:
    """What one load shows: the stored agenda (`stored`) or the engine's (`sources`: each row's item)."""

    until: str
    today: dt.date
    items: list[AgendaRow]
    #: The engine's items by follow-up id, where each row's advice comes from on first need (none when stored).
    sources: dict[int, AgendaItem] = field(default_factory=dict)
    #: Rule and plugin problems met so far (more may come with the advice).
    messages: list[str] = field(default_factory=list)
    stored: snapshots.StoredAgenda | None = None


#: A list row: ("section", its title) / ("gap", "") / ("item", the item's row).
Row = tuple[str, Any]


def is_item(row: Row) -> bool:
    """The rows the cursor lands on (it steps over titles and gaps)."""
    return row[0] == "item"


def _list_rows(data: AgendaData, *, later: bool = False) -> tuple[list[Row], dict[str, int]]:
    """The list's rows, section by section with a gap between, and how many items each section has.

    What the daily plan leaves for later stays folded under its title unless `later` (`w` unfolds it):
    reachable, not shouting."""
    rows: list[Row] = []
    counts = {}
    for bucket, title in SECTIONS:
        items = [i for i in data.items if i.bucket == bucket]
        counts[bucket] = len(items)
        if not items:
            continue
        if rows:
            rows.append(("gap", ""))
        rows.append(("section", title))
        if bucket == "later" and not later:
            rows.append((FOLDED, ""))
            continue
        rows.extend(("item", item) for item in items)
    if not data.items:
        rows.append(("section", "nothing"))
    return rows, counts


class AgendaScreen(DataScreen):
    class Painted(Message):
        """The first screenful of rows is on screen: the last run's stored ones (`stored`), or the engine's own.

        Posted once for each kind; whoever wants to know when (the benchmark) listens."""

        def __init__(self, stored: bool) -> None:
            super().__init__()
            self.stored = stored

    class StoredAdviceShown(Message):
        """The highlighted stored row's own tips and suggestions are in, ahead of the engine's full run."""

    LOADING_TARGET = "#agenda-body"
    AUTO_FOCUS = "#agenda-list"
    BINDINGS = [
        Binding("d", "done", "Done", id="agenda.done"),
        Binding("s", "snooze", "Snooze", id="agenda.snooze"),
        Binding("x", "dismiss_item", "Dismiss", id="agenda.dismiss"),
        Binding("u", "undo_dismiss", "Undo", id="agenda.undo"),
        Binding("o", "open", "Open", id="agenda.open"),
        Binding(
            "c",
            "export_calendar",
            "Export",
            id="agenda.export",
            tooltip="Write the follow-ups to an .ics file for your calendar",
        ),
        Binding("r", "refresh", "Refresh", id="agenda.refresh", show=False),
        Binding(
            "w",
            "toggle_later",
            "Later",
            id="agenda.later",
            tooltip="List or fold what the daily capacity leaves for later",
        ),
        Binding(
            "n",
            "app.unknown_people",
            "New people",
            id="agenda.people",
            show=False,
            tooltip="People you talk to who are not contacts yet",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: AgendaData | None = None
        #: The list's rows, top to bottom (`Row`).
        self.rows: list[Row] = []
        #: Each item's source, by follow-up id: where its advice comes from on first need.
        self._sources: dict[int, AgendaItem] = {}
        self._counts: dict[str, int] = {}
        #: Whether the stored rows, then the fresh ones, have been on screen (each also posts `Painted`).
        self.stored_painted = False
        self.fresh_painted = False
        #: Whether the highlighted stored row's own advice was in (before the fresh rows; posts `StoredAdviceShown`).
        self.stored_advice_shown = False
        #: The columns' widths as the rows would take them (`_measure`), those the rows' cells are cut to,
        #: and the pane width they were fitted to.
        self._natural: list[int] = [0] * len(COLUMNS)
        self._widths: list[int] = []
        self._fitted_to = 0
        #: Whether the "Later" section is unfolded (`w`).
        self.later_shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("agenda")
        with Horizontal(id="agenda-body"):
            with Vertical(id="agenda-main"):
                yield Static("", id="agenda-summary")
                yield LineList(self._draw, is_item, id="agenda-list")
            yield SidePanel(id="agenda-panel")
        # The footer comes after the first rows are painted (`_painted`): building its keys cost as much
        # as painting the rows, and the key hints can wait a frame for the agenda.

    def on_mount(self) -> None:
        self.sub_title = "Agenda"

    # ------------------------------------------------------------- data

    #: Seconds before the first load shows the loading indicator (the stored agenda usually comes sooner;
    #: the indicator's animation would only slow it down).
    LOADING_AFTER = 0.3

    def reload(self) -> None:
        """The stored agenda first when there is one (no engine, no plugins), then the engine's."""
        if not self.loaded_once:
            self.set_timer(self.LOADING_AFTER, self._still_loading)
        self._load_stored(self.app.gate.version, first=not self.loaded_once)

    def _still_loading(self) -> None:
        if not self.loaded_once:
            target = self._loading_target()
            if target is not None:
                target.loading = True

    @work(thread=True, exclusive=True, group="stored")
    def _load_stored(self, version: int, *, first: bool = False) -> None:
        """With `first` (the app's first load) and no stored row, also whether the book is empty: the app
        then shows the way in (`KeepwarmApp.welcome`). A book with stored rows has contacts; the contact
        queries load only for one without."""
        session = self.app.session
        data: AgendaData | None = None
        empty = False
        try:
            with session.store.read() as conn:
                stored = snapshots.stored_agenda(conn, session.today)
            if first and (stored is None or not stored.items):
                from ...services.queries import is_empty  # lazy for start-up: see above

                empty = is_empty(session)
            if stored is not None:  # the rows' views made here, off the UI thread
                stored = daily.planned(stored, session.settings.agenda.capacity)
                data = AgendaData(
                    until=stored.until.isoformat(),
                    today=stored.on,
                    items=[AgendaRow.from_json(i) for i in stored.items],
                    # Not the JSON the views are made from: at 50,000 contacts its 25,000 items' dicts
                    # held some 30 MB more for as long as the engine's run took.
                    stored=replace(stored, items=[]),
                )
        except Exception:  # noqa: BLE001 - the engine's run below says what is wrong, as without a snapshot
            data = None
        # textual's `T | Awaitable[T]` result leaves mypy no T for a coroutine function.
        self.app.call_from_thread(self._stored_arrived, data, version, empty)  # type: ignore[arg-type]

    async def _stored_arrived(self, data: AgendaData | None, version: int, empty: bool = False) -> None:
        if empty:
            await self.app.welcome()
        if data is None or self.app.gate.version != version or self.loaded_version == version:
            self._load(self.app)  # nothing stored yet (or already fresh): as before, the engine's run alone
            return
        target = self._loading_target()
        if target is not None:
            target.loading = False
        self.loaded_once = True
        self.show(data)  # its first paint starts the engine's run (`_painted`)

    def fetch(self) -> AgendaData:
        gate = self.app.gate
        agenda = gate.agenda(advice=False)
        # The rows as read (a row's warnings are read when it is highlighted, as for a stored row's).
        rows = [AgendaRow.from_json(item.bare_json()) for item in agenda.items]
        # Rows without an action show the best suggestion instead: their advice is needed for the first paint,
        # worked out for all of them at once.
        gate.prepare_advice(
            agenda, [item.contact_id for item, row in zip(agenda.items, rows) if not row.followup.action]
        )
        for item, row in zip(agenda.items, rows):
            if not row.followup.action:
                row.advice = Advice.from_json(gate.advice(item)[0])
        return AgendaData(
            until=agenda.until.isoformat(),
            today=agenda.today,
            items=rows,
            sources={stored_id(item.followup.id): item for item in agenda.items},
            messages=agenda.runtime.messages(),
        )

    def show(self, data: AgendaData, *, again: bool = False) -> None:
        """Put `data`'s rows in the list (`again`: the same data, fitted to a new width).

        All of them at once: the list draws the rows in view only, when it paints."""
        self.data = data
        self._sources = data.sources
        table = self.query_one("#agenda-list", LineList)
        previous = self.current_item()
        keep = previous.followup.id if previous else None
        self.rows, self._counts = _list_rows(data, later=self.later_shown)
        self.refresh_bindings()
        if not again:
            self._natural = self._measure()
        self._fit(table)
        self._show_summary()
        if not again:
            self.call_after_refresh(self._painted, data)
        rows = self.rows
        # The cursor on the follow-up it was on, or on the first item.
        index = next((n for n, (kind, item) in enumerate(rows) if kind == "item" and item.followup.id == keep), None)
        if index is None:
            index = next((n for n, row in enumerate(rows) if is_item(row)), None)
        table.set_rows(rows, self._widths, index)  # posts `Highlighted` for the cursor's row
        if self.is_current and self.focused is None:
            table.focus()  # the loading indicator took the focus away
        if index is None:
            self.query_one(SidePanel).clear("Nothing selected.")
        else:
            self._show_panel(later=True)

    def _measure(self) -> list[int]:
        """Each column's width: its widest cell over all the rows (measured once per load, not per fit)."""
        texts = zip(*(self._plain(row) for row in self.rows))
        # Each distinct text once: thousands of rows share a few reasons, sources and scores.
        return [
            max(cell_len(key), *(len(text) if text.isascii() else cell_len(text) for text in set(column)))
            for key, column in zip(COLUMNS, texts)
        ]

    def _fit(self, table: LineList) -> None:
        """The columns' widths (`_measure`) narrowed to the pane (`fit_columns`)."""
        self._fitted_to = self._pane_width(table)
        self._widths = fit_columns(self._natural, self._fitted_to, table.cell_padding)

    def _pane_width(self, table: LineList) -> int:
        """The cells a row can take: the list's width less its scrollbar's (kept whether shown or not,
        so the rows need not be fitted again when it comes); before the first layout, as the
        stylesheet will make it (screens.tcss: the side panel takes 36% beside it when wide)."""
        width = table.size.width
        if not width:
            width = self.app.size.width
            if not self.has_class("-narrow"):
                width -= round(width * 0.36)
        return max(1, width - table.styles.scrollbar_size_vertical)

    @on(LineList.Resized, "#agenda-list")
    def refit(self) -> None:
        """Rows fitted to another width once the pane is resized (rare: not per paint)."""
        if self.data is not None and self._pane_width(self.query_one("#agenda-list", LineList)) != self._fitted_to:
            self.show(self.data, again=True)

    def _mount_footer(self) -> None:
        if not self.query(Footer):
            self.mount(Footer(compact=True))

    def _failed(self, message: str) -> None:
        self._mount_footer()
        self.app.start_up_done()
        super()._failed(message)

    def _painted(self, data: AgendaData) -> None:
        """Just after the first screenful of `data` is on screen (before the other chunks)."""
        self._mount_footer()
        if data.stored is not None:
            if not self.stored_painted:
                self.stored_painted = True
                self.post_message(self.Painted(stored=True))
            self._advice_then_load(self.current_item(), self.app)
            return
        if not self.fresh_painted:
            self.fresh_painted = True
            self.post_message(self.Painted(stored=False))
            self.app.start_up_done()
            self.app.warm_up()

    @work(thread=True, exclusive=True, group="load")
    def _advice_then_load(self, item: AgendaRow | None, app) -> None:
        """The highlighted stored row's advice from a run over its contact alone, then the engine's full run.

        Plugins and rules load here, in the worker, not before the paint. The full run
        takes seconds at team scale; one contact's takes tens of milliseconds, so the
        row the cursor is on is complete long before the fresh rows arrive. `app` is
        taken on the UI thread (see `DataScreen._load`).
        """
        worker = get_current_worker()
        if item is not None and item.advice is None:
            try:
                found = app.gate.contact_advice(item.contact.id)
            except UserError:
                found = None  # the full run below reports what is wrong
            if found is not None and not worker.is_cancelled:
                self._hand_back(app, self._stored_advice_arrived, item, Advice.from_json(found[0]))
        if not worker.is_cancelled:
            self._hand_back(app, self._load, app)

    def _stored_advice_arrived(self, item: AgendaRow, advice: Advice) -> None:
        if item.advice is None:
            item.advice = advice
        if self.current_item() is item:
            self._show_panel()
        if not self.stored_advice_shown:
            self.stored_advice_shown = True
            self.post_message(self.StoredAdviceShown())

    @property
    def showing_stored(self) -> bool:
        """The rows on screen are the last run's, the engine's own still to come."""
        return self.data is not None and self.data.stored is not None

    def _show_summary(self) -> None:
        data = self.data
        if data is None:  # nothing loaded yet: no summary to show
            return
        today = data.today
        text = Content("  ·  ").join(
            [
                f"{today:%A %d %B %Y}",
                " · ".join(f"{self._counts[b]} {t.lower()}" for b, t in SECTIONS if b != "later" or self._counts[b]),
            ]
        )
        stored = data.stored
        if stored is not None:
            when = stored.evaluated_on
            since = (
                "as the last run left it earlier today"
                if when == today
                else f"as the last run left it on {when:%a %d %b}"
                if when
                else "as last stored"
            )
            new = f"; {stored.unevaluated} not evaluated yet" if stored.unevaluated else ""
            text += Content.from_markup("\n[dim]↻ $since$new, updating…[/]", since=since, new=new)
        elif data.messages:
            text += Content.from_markup(
                "\n[$warning]⚠ $n: see 5 Plugins and 6 Rules[/]", n=plural(len(data.messages), "rule or plugin problem")
            )
        self.query_one("#agenda-summary", Static).update(text)

    def _plain(self, row: Row) -> tuple[str, ...]:
        """The words of a row's five cells (what the columns' widths are measured on)."""
        kind, meta = row
        if kind == "item":
            return self._texts(meta)
        if kind == "gap":
            return ("",) * 5
        if meta == "nothing":
            return (self._nothing(), "", "", "", "")
        if kind == FOLDED:
            return ("", "", "", "press w to list them: today and the days shown are full", "")
        # The title stays as narrow as a date so the first column does not widen for it.
        return (meta, str(self._counts[_BUCKETS[meta]]), "", "", "")

    def _nothing(self) -> str:
        return f"{nothing_due(self.data.until if self.data else '')} Press 2 to browse your contacts."

    def _draw(self, row: Row, widths: Sequence[int]) -> list[Text]:
        """A row's cells as the list draws them (only the rows in view are drawn)."""
        kind, meta = row
        if kind == "item":
            return self._cells(meta, widths)
        plain = self._plain(row)
        if kind == "section" and meta != "nothing":
            return [Text(plain[0], style="bold"), Text(plain[1], style="dim"), *map(Text, plain[2:])]
        if kind == FOLDED:
            return [Text(cell, style="dim") for cell in plain]
        return [Text(cell) for cell in plain]

    @staticmethod
    def _texts(item: AgendaRow) -> tuple[str, str, str, str, str]:
        """The words of an item's five cells (what their widths are measured on)."""
        f, h = item.followup, item.health
        health = "–" if h.score is None else f"● {h.score:>3}"
        return (
            _when(item.due, item.overdue_days, item.planned),
            item.contact.name,
            health,
            f"{f.reason} · {f.source}",
            item.action,
        )

    @classmethod
    def _cells(cls, item: AgendaRow, widths: Sequence[int]) -> list[Text]:
        """The row's cells, those wider than their column cut with "…" (`fit_columns`)."""
        when, who, _, why, action = cls._texts(item)
        f, h = item.followup, item.health
        why = cut_cell(why, widths[3])
        reason = Text(why)
        if len(why) > len(f.reason):  # " · source" (or what is left of it) in dim
            reason.stylize("dim", len(f.reason))
        return [
            Text(when, style=WHEN_STYLE[item.bucket]),
            Text(cut_cell(who, widths[1]), style="bold"),
            band_text(h.score, h.band),
            reason,
            Text(cut_cell(action, widths[4]), style="dim"),
        ]

    # ------------------------------------------------------------ state

    def current_item(self) -> AgendaRow | None:
        row = self.query_one("#agenda-list", LineList).cursor_row
        if row is None or not 0 <= row < len(self.rows):
            return None
        kind, item = self.rows[row]
        return item if kind == "item" else None

    def items(self) -> list[tuple[str, str]]:
        """(bucket, name) per item row and ("section", title) per section, top to bottom."""
        return [
            ("section", str(meta)) if kind == "section" else (meta.bucket, meta.contact.name)
            for kind, meta in self.rows
            if kind not in ("gap", FOLDED)
        ]

    def selected_contact(self) -> tuple[int, str] | None:
        item = self.current_item()
        return (item.contact.id, item.contact.name) if item else None

    def action_toggle_later(self) -> None:
        """List what the daily plan leaves for later under its title, or fold it away again."""
        self.later_shown = not self.later_shown
        if self.data is not None:
            self.show(self.data)

    @on(LineList.Highlighted, "#agenda-list")
    def _highlighted(self) -> None:
        self._show_panel()  # the list steps over the titles: its cursor is on an item

    def _show_panel(self, *, later: bool = False) -> None:
        """With `later` (or while an engine run holds the gate), the advice follows from a worker."""
        item = self.current_item()
        panel = self.query_one(SidePanel)
        if item is not None and item.warnings is None:  # read for the row highlighted, not for every row
            with self.app.session.store.read() as conn:
                item.warnings = warnings(snapshots.details(conn, {"contact": {"id": item.contact.id}})["warnings"])
        if item is None:
            panel.clear("Nothing selected.")
        elif item.followup.id not in self._sources:  # a stored row: the last run's
            if item.advice is not None:  # worked out for it alone (`_advice_then_load`)
                panel.show_item(item, note="Health and warnings as the last run left them; updating.")
            else:
                panel.show_item(
                    item,
                    advice=NO_ADVICE,
                    note="As the last run left it: tips and suggestions follow when the engine is done.",
                )
        elif item.advice is not None or (not later and self._with_advice(item, wait=False)):
            panel.show_item(item)
        else:
            panel.show_item(item, advice=NO_ADVICE)
            self._fetch_advice(item, self._sources[item.followup.id])

    # ----------------------------------------------------------- advice

    def _with_advice(self, item: AgendaRow, *, wait: bool) -> bool:
        """Fill in the item's tips and suggestions on first need; False when they cannot be had yet."""
        if item.advice is not None:
            return True
        source = self._sources.get(item.followup.id)
        if source is None:
            return False  # a stored row: its advice comes with the engine's rows
        found = self.app.gate.advice(source, wait=wait)
        if found is None:
            return False
        self._advice_arrived(item, found)
        return True

    @work(thread=True, exclusive=True, group="advice")
    def _fetch_advice(self, item: AgendaRow, source: AgendaItem) -> None:
        found = self.app.gate.advice(source)
        self.app.call_from_thread(self._advice_arrived, item, found, True)

    def _advice_arrived(self, item: AgendaRow, found: tuple[dict, list[str]], later: bool = False) -> None:
        advice, messages = found
        if item.advice is None:
            item.advice = Advice.from_json(advice)
        # Problems of this load only (a later load may have replaced the rows meanwhile).
        data = self.data
        current = data is not None and any(i is item for i in data.items)
        if data is not None and current and len(messages) != len(data.messages):
            data.messages = messages
            self._show_summary()
        if later and self.current_item() is item:
            self._show_panel()

    @on(LineList.Selected, "#agenda-list")
    def _selected(self) -> None:
        self.action_done()

    # ---------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "export_calendar":
            return self.app.calendar_export_available()
        if action == "undo_dismiss":
            return self.app.can_undo()
        if action == "toggle_later":  # only when the daily capacity left something for later
            return self._counts.get("later", 0) > 0
        return True

    def action_refresh(self) -> None:
        self.reload()

    def action_done(self) -> None:
        item = self.current_item()
        if item is None:
            self.notify("Pick a follow-up first.", severity="warning")
            return
        f = item.followup
        contact = (item.contact.id, item.contact.name)
        promise = self.app.promise_of(contact[0], f.rule_key)
        if promise is not None:  # a promise is done when it is kept, not when someone was called
            self.app.keep_promise(promise.id, contact, f.channel)
            return
        if not f.channel:
            self._with_advice(item, wait=True)
        suggestions = item.advice.suggestions if item.advice else ()
        self.app.open_log(
            contacts=[contact],
            channel=f.channel or (suggestions[0].channel if suggestions else None),
            followup_id=f.id,
            reason=f.reason,
        )

    def action_snooze(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.snooze_followup(item.followup.id, item.contact.name)

    def action_dismiss_item(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.dismiss_followup(item.followup.id, item.contact.name)

    def action_undo_dismiss(self) -> None:
        self.app.action_undo()

    def action_open(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.open_contact(item.contact.id)

    def action_export_calendar(self) -> None:
        self.app.export_calendar()
