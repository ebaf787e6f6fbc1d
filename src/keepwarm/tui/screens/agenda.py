"""The start screen: who to reach out to (overdue, today, this week), why, and how.

Rows come from `build_agenda` (through the app's engine gate); the side panel
shows the highlighted item's tips, warnings with their evidence, and
suggestions. Done, snooze and dismiss call the same core functions as the CLI;
done on a promise's row keeps the promise (`keepwarm promise done`) and offers
to log the touch; `u` brings back what `x` dismissed in this session.

A row needs only the follow-up, the contact and the health, so the list
appears without the advice of thousands of items: an item's tips and
suggestions are worked out (once, by the evaluation) when it is highlighted --
in a worker right after the rows are painted, on the spot as the cursor moves
-- or before the first paint for a row whose follow-up names no action (the
row shows the best suggestion instead). Plugin problems met on the way are
added to the count under the date as they appear.

The list is a DataTable, which draws only the rows in view, so a backlog of
thousands stays instant; section titles are rows the cursor steps over. The
rows go in a screenful first (the one the cursor is on), the rest in chunks
after the paint, with every column as wide as its widest cell from the start.

Stale while revalidating: when an engine run has stored its conclusions
(`store.snapshots`), the screen paints the agenda rebuilt from them at once,
says so under the date, and starts its own engine run; the fresh rows then
replace the stored ones, the cursor staying on the same follow-up. A stored row
acts like a fresh one (done, snooze, dismiss, open call the same functions);
its advice is not shown until the engine has worked it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from ...errors import UserError
from ...model import stored_id
from ...store import snapshots
from ...wording import nothing_due, plural
from ..cells import cut_cell, give_way
from ..render import band_text, due_text
from ..views import NO_ADVICE, Advice, AgendaRow, warnings
from ..widgets.nav import NavBar
from ..widgets.side_panel import SidePanel
from .base import DataScreen

if TYPE_CHECKING:
    from textual import getters

    from ...engine.agenda import AgendaItem  # the engine loads in the worker, after the first paint
    from ..app import KeepwarmApp

SECTIONS = (("overdue", "Overdue"), ("today", "Today"), ("upcoming", "This week"))
WHEN_STYLE = {"overdue": "bold red", "today": "bold yellow", "upcoming": ""}
COLUMNS = ("when", "who", "health", "why", "do")
#: Rows added before the first paint (beyond the cursor's), then per chunk after it.
FIRST_ROWS, CHUNK_ROWS = 80, 2000
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
def _when(due: str, overdue_days: int) -> str:
    """The first cell's words: thousands of rows share a few dozen due dates."""
    return due_text(dt.date.fromisoformat(due), overdue_days)


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


#: A table row: (what it is, its cells -- None for an item's, made as it is added --, its row key).
TableRow = tuple[tuple[str, Any], list[Text] | None, str]


def _table_rows(data: AgendaData) -> tuple[list[TableRow], dict[str, int]]:
    """The table's rows, section by section with a gap between, and how many items each section has."""
    rows: list[TableRow] = []
    counts = {}
    for bucket, title in SECTIONS:
        items = [i for i in data.items if i.bucket == bucket]
        counts[bucket] = len(items)
        if not items:
            continue
        if rows:
            rows.append((("gap", ""), [Text("")] * 5, f"gap-{len(rows)}"))
        # The title stays as narrow as a date so the first column does not widen for it.
        rows.append(
            (
                ("section", title),
                [Text(title, style="bold"), Text(f"{len(items)}", style="dim"), Text(""), Text(""), Text("")],
                f"section-{len(rows)}",
            )
        )
        for item in items:
            rows.append((("item", item), None, str(item.followup.id)))  # cells: as they are added
    if not data.items:
        rows.append(
            (
                ("section", "nothing"),
                [
                    Text(f"{nothing_due(data.until)} Press 2 to browse your contacts."),
                    Text(""),
                    Text(""),
                    Text(""),
                    Text(""),
                ],
                "section-0",
            )
        )
    return rows, counts


class AgendaList(DataTable):
    """The agenda's table. Its rows can arrive before its first layout, when the cursor is
    scrolled into view against a height of zero and the first section's title (row 0) goes out
    of sight for good; on every resize, the first item brings its title back."""

    if TYPE_CHECKING:  # the app this runs in, as the type checker sees `self.app`
        app = getters.app(KeepwarmApp)

    # A list of people, not a spreadsheet: Home and End go to the first and last item. DataTable's
    # own Home moved sideways (nothing to see with a row cursor), and its ctrl+Home landed on the
    # title "Overdue", from which the cursor stepped back to where it was.
    BINDINGS = [
        Binding("home,ctrl+home", "first_item", "First item", show=False),  # no id: listed with the moves
        Binding("end,ctrl+end", "last_item", "Last item", show=False),
    ]

    @property
    def _rows(self) -> list[tuple[str, Any]]:
        return cast("AgendaScreen", self.screen).rows  # the list is shown on the agenda only

    def action_first_item(self) -> None:
        self._to_item(range(len(self._rows)))

    def action_last_item(self) -> None:
        self._to_item(range(len(self._rows) - 1, -1, -1))

    def _to_item(self, order: range) -> None:
        rows = self._rows
        row = next((row for row in order if rows[row][0] == "item"), None)
        if row is not None and row < self.row_count:
            self.move_cursor(row=row, animate=False)
            if row == 1 or row == self.row_count - 1:  # bring the first item's title, or the last item, into view
                self.scroll_to(y=0 if row == 1 else self.max_scroll_y, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if self.cursor_row == 1:
            self.scroll_home(animate=False, immediate=True)
        screen = self.screen
        if isinstance(screen, AgendaScreen):
            screen.refit()

    def _update_dimensions(self, new_rows) -> None:
        """Nothing to measure: every column gets its width up front (`AgendaScreen.show`), every row is one line.

        DataTable measures each new row's cells for the columns that size to their
        content, at idle: for the 10,000 rows of a team's agenda (painted twice, stored
        then fresh) that was two thirds of the UI thread's work while the engine ran,
        taking the engine's share of the interpreter. With a column that sizes itself,
        or a row label, DataTable does as it always does.

        The one override of a private Textual method left in the app: DataTable has no
        public way to skip the measuring, and it cannot be made cheap from the cells
        (`textual.render.measure` builds console options for every cell: 1.4 of the 3.5 s
        that 10,000 five-cell rows cost on the 2-core machine, Textual 8.2). Without it, the
        way out is a list drawn line by line (`ScrollView.render_line`) instead of a DataTable.
        """
        if self._needs_measuring(new_rows) or any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        self.virtual_size = Size(width, self._total_row_height + (self.header_height if self.show_header else 0))

    def _needs_measuring(self, new_rows) -> bool:
        """A row with a label or an automatic height: DataTable's own measuring sizes them."""
        rows = self.rows
        return any(
            (row := rows.get(key)) is not None and (row.label is not None or row.auto_height) for key in new_rows
        )


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
        Binding("u", "undo_dismiss", "Undo dismiss", id="agenda.undo"),
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
        #: One entry per table row: ("section", title) / ("gap", "") / ("item", the item's row).
        self.rows: list[tuple[str, Any]] = []
        self._last_row = 0
        #: Each item's source, by follow-up id: where its advice comes from on first need.
        self._sources: dict[int, AgendaItem] = {}
        self._counts: dict[str, int] = {}
        #: Bumped by every `show`: chunks still queued for an older one stop.
        self._fill = 0
        #: (rows, first, fill) of the rows still to add after the first screenful.
        self._rest: tuple[list, int, int] | None = None
        #: Whether the stored rows, then the fresh ones, have been on screen (each also posts `Painted`).
        self.stored_painted = False
        self.fresh_painted = False
        #: Whether the highlighted stored row's own advice was in (before the fresh rows; posts `StoredAdviceShown`).
        self.stored_advice_shown = False
        #: The width of the columns the rows' cells are cut to, and the pane width they were fitted to.
        self._widths: list[int] = []
        self._fitted_to = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("agenda")
        with Horizontal(id="agenda-body"):
            with Vertical(id="agenda-main"):
                yield Static("", id="agenda-summary")
                yield AgendaList(id="agenda-list", cursor_type="row", show_header=False)
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
        self._load_stored(self.app.gate.version)

    def _still_loading(self) -> None:
        if not self.loaded_once:
            target = self._loading_target()
            if target is not None:
                target.loading = True

    @work(thread=True, exclusive=True, group="stored")
    def _load_stored(self, version: int) -> None:
        session = self.app.session
        data: AgendaData | None = None
        try:
            with session.store.read() as conn:
                stored = snapshots.stored_agenda(conn, session.today)
            if stored is not None:  # the rows' views made here, off the UI thread
                data = AgendaData(
                    until=stored.until.isoformat(),
                    today=stored.on,
                    items=[AgendaRow.from_json(i) for i in stored.items],
                    stored=stored,
                )
        except Exception:  # noqa: BLE001 - the engine's run below says what is wrong, as without a snapshot
            data = None
        self.app.call_from_thread(self._stored_arrived, data, version)

    def _stored_arrived(self, data: AgendaData | None, version: int) -> None:
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
        out = agenda.to_json(advice=False)
        rows = [AgendaRow.from_json(item) for item in out["items"]]
        # Rows without an action show the best suggestion instead: their advice is needed for the first paint.
        for item, row in zip(agenda.items, rows):
            if not row.followup.action:
                row.advice = Advice.from_json(gate.advice(item)[0])
        return AgendaData(
            until=out["until"],
            today=agenda.evaluation.today,
            items=rows,
            sources={stored_id(item.followup.id): item for item in agenda.items},
            messages=agenda.evaluation.runtime.messages(),
        )

    def show(self, data: AgendaData, *, again: bool = False) -> None:
        """Put `data`'s rows in the table (`again`: the same data, fitted to a new width)."""
        self.data = data
        self._sources = data.sources
        table = self.query_one("#agenda-list", DataTable)
        previous = self.current_item()
        keep = previous.followup.id if previous else None
        rows, self._counts = _table_rows(data)
        self._set_columns(table, rows)
        self.rows = [meta for meta, _, _ in rows]
        self._show_summary()

        self._fill += 1
        if not again:
            self.call_after_refresh(self._painted, data)
        if not data.items:
            self._add_rows(table, rows)
            self.query_one(SidePanel).clear("Nothing selected.")
            return
        self._add_first_rows(table, rows, keep)
        if data.stored is None:
            self._fill_rest()  # stored rows: once the highlighted one has its advice (`_advice_then_load`)

    def _set_columns(self, table: DataTable, rows: list[TableRow]) -> None:
        """Columns rebuilt too (a DataTable keeps the widest width it ever saw), each as wide as its widest
        cell over all the rows, so that the chunks added after the first paint do not move them."""
        table.clear(columns=True)
        texts = zip(
            *(self._texts(meta[1]) if cells is None else [cell.plain for cell in cells] for meta, cells, _ in rows)
        )
        widths = [
            max(cell_len(key), max(map(len, column)) if "".join(column).isascii() else max(map(cell_len, column)))
            for key, column in zip(COLUMNS, texts)
        ]
        self._fitted_to = self._pane_width(table)
        self._widths = fit_columns(widths, self._fitted_to, table.cell_padding)
        for key, width in zip(COLUMNS, self._widths):
            table.add_column(key, key=key, width=width)

    def _add_first_rows(self, table: DataTable, rows: list[TableRow], keep: int | None) -> None:
        """The screenful around the cursor, left on the follow-up it was on (`keep`) or on the first item."""
        index = next(
            (n for n, (kind, item) in enumerate(self.rows) if kind == "item" and item.followup.id == keep), None
        )
        if index is None:
            index = next(n for n, (kind, _) in enumerate(self.rows) if kind == "item")
        first = index + FIRST_ROWS
        self._add_rows(table, rows[:first])
        self._last_row = index
        table.move_cursor(row=index, animate=False)
        if self.is_current and self.focused is None:
            table.focus()  # the loading indicator took the focus away
        self._show_panel(later=True)
        self._rest = (rows, first, self._fill) if first < len(rows) else None

    def _pane_width(self, table: DataTable) -> int:
        """The cells a row can take: the table's width less its scrollbar's (kept whether shown or not,
        so the rows need not be fitted again when it comes); before the first layout, as the
        stylesheet will make it (screens.tcss: the side panel takes 36% beside it when wide)."""
        width = table.size.width
        if not width:
            width = self.app.size.width
            if not self.has_class("-narrow"):
                width -= round(width * 0.36)
        return max(1, width - table.styles.scrollbar_size_vertical)

    def refit(self) -> None:
        """Rows fitted to another width once the pane is resized (rare: not per paint)."""
        if self.data is not None and self._pane_width(self.query_one("#agenda-list", DataTable)) != self._fitted_to:
            self.show(self.data, again=True)

    def _fill_rest(self) -> None:
        """The rows after the first screenful, in chunks after the paint."""
        if self._rest is not None:
            rows, first, fill = self._rest
            self._rest = None
            self.call_after_refresh(self._add_chunk, rows, first, fill)

    def _add_rows(self, table: DataTable, rows: list) -> None:
        widths = self._widths
        for meta, cells, key in rows:
            table.add_row(*(self._cells(meta[1], widths) if cells is None else cells), key=key)

    def _add_chunk(self, rows: list, start: int, fill: int) -> None:
        if fill != self._fill:
            return  # newer rows replaced these meanwhile
        self._add_rows(self.query_one("#agenda-list", DataTable), rows[start : start + CHUNK_ROWS])
        if start + CHUNK_ROWS < len(rows):
            self.call_after_refresh(self._add_chunk, rows, start + CHUNK_ROWS, fill)

    def _mount_footer(self) -> None:
        if not self.query(Footer):
            self.mount(Footer(compact=True))

    def _failed(self, message: str) -> None:
        self._mount_footer()
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
        self._hand_back(app, self._fill_rest)  # the rows out of sight, held back so that the advice came first
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
            [f"{today:%A %d %B %Y}", " · ".join(f"{self._counts[b]} {t.lower()}" for b, t in SECTIONS)]
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

    @staticmethod
    def _texts(item: AgendaRow) -> tuple[str, str, str, str, str]:
        """The words of an item's five cells (what their widths are measured on)."""
        f, h = item.followup, item.health
        health = "–" if h.score is None else f"● {h.score:>3}"
        return (_when(item.due, item.overdue_days), item.contact.name, health, f"{f.reason} · {f.source}", item.action)

    @classmethod
    def _cells(cls, item: AgendaRow, widths: list[int]) -> list[Text]:
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
        table = self.query_one("#agenda-list", DataTable)
        row = table.cursor_row
        if row is None or not 0 <= row < len(self.rows):
            return None
        kind, item = self.rows[row]
        return item if kind == "item" else None

    def items(self) -> list[tuple[str, str]]:
        """(bucket, name) per item row and ("section", title) per section, top to bottom."""
        return [
            ("section", str(meta)) if kind == "section" else (meta.bucket, meta.contact.name)
            for kind, meta in self.rows
            if kind != "gap"
        ]

    def selected_contact(self) -> tuple[int, str] | None:
        item = self.current_item()
        return (item.contact.id, item.contact.name) if item else None

    @on(DataTable.RowHighlighted, "#agenda-list")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = event.cursor_row
        if 0 <= row < len(self.rows) and self.rows[row][0] != "item":
            # Step over section titles in the direction the cursor was going.
            step = 1 if row >= self._last_row else -1
            target = row
            while 0 <= target < len(self.rows) and self.rows[target][0] != "item":
                target += step
            if not 0 <= target < len(self.rows):
                target = self._last_row
            if target != row and 0 <= target < len(self.rows) and self.rows[target][0] == "item":
                event.data_table.move_cursor(row=target, animate=False)
                return
        self._last_row = row
        self._show_panel()

    def _show_panel(self, *, later: bool = False) -> None:
        """With `later` (or while an engine run holds the gate), the advice follows from a worker."""
        item = self.current_item()
        panel = self.query_one(SidePanel)
        if item is None:
            panel.clear("Nothing selected.")
        elif item.followup.id not in self._sources:  # a stored row: the last run's
            if item.warnings is None:
                with self.app.session.store.read() as conn:
                    item.warnings = warnings(snapshots.details(conn, {"contact": {"id": item.contact.id}})["warnings"])
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

    @on(DataTable.RowSelected, "#agenda-list")
    def _selected(self) -> None:
        self.action_done()

    # ---------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "export_calendar":
            return self.app.calendar_export_available()
        if action == "undo_dismiss":
            return bool(self.app.dismissed)
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
        self.app.undo_dismiss()

    def action_open(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.open_contact(item.contact.id)

    def action_export_calendar(self) -> None:
        self.app.export_calendar()
