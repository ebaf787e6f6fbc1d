"""The start screen: who to reach out to (overdue, today, this week), why, and how.

Rows come from `build_agenda` (through the app's engine gate); the side panel
shows the highlighted item's tips, warnings with their evidence, and
suggestions. Done, snooze and dismiss call the same core functions as the CLI.

A row needs only the follow-up, the contact and the health, so the list
appears without the advice of thousands of items: an item's tips and
suggestions are worked out (once, by the evaluation) when it is highlighted --
in a worker right after the rows are painted, on the spot as the cursor moves
-- or before the first paint for a row whose follow-up names no action (the
row shows the best suggestion instead). Plugin problems met on the way are
added to the count under the date as they appear.

The list is a DataTable, which draws only the rows in view, so a backlog of
thousands stays instant; section titles are rows the cursor steps over.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from ...engine.agenda import AgendaItem
from ..render import BAND_RICH, due_text
from ..widgets.nav import NavBar
from ..widgets.side_panel import SidePanel
from .base import DataScreen

SECTIONS = (("overdue", "Overdue"), ("today", "Today"), ("upcoming", "This week"))
WHEN_STYLE = {"overdue": "bold red", "today": "bold yellow", "upcoming": ""}


class AgendaList(DataTable):
    """The agenda's table. Its rows can arrive before its first layout, when the cursor is
    scrolled into view against a height of zero and the first section's title (row 0) goes out
    of sight for good; on every resize, the first item brings its title back."""

    def on_resize(self, event: events.Resize) -> None:
        if self.cursor_row == 1:
            self.scroll_home(animate=False, immediate=True)


class AgendaScreen(DataScreen):
    LOADING_TARGET = "#agenda-body"
    AUTO_FOCUS = "#agenda-list"
    BINDINGS = [
        Binding("d", "done", "Done", id="agenda.done"),
        Binding("s", "snooze", "Snooze", id="agenda.snooze"),
        Binding("x", "dismiss_item", "Dismiss", id="agenda.dismiss"),
        Binding("o", "open", "Open", id="agenda.open"),
        Binding("c", "export_calendar", "Export", id="agenda.export", tooltip="Write the follow-ups to an .ics file for your calendar"),
        Binding("r", "refresh", "Refresh", id="agenda.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict | None = None
        #: One entry per table row: ("section", title) / ("gap", "") / ("item", the item's JSON).
        self.rows: list[tuple[str, object]] = []
        self._last_row = 0
        #: Each item's source, by follow-up id: where its advice comes from on first need.
        self._sources: dict[int, AgendaItem] = {}
        self._counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("agenda")
        with Horizontal(id="agenda-body"):
            with Vertical(id="agenda-main"):
                yield Static("", id="agenda-summary")
                yield AgendaList(id="agenda-list", cursor_type="row", show_header=False)
            yield SidePanel(id="agenda-panel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Agenda"

    # ------------------------------------------------------------- data

    def fetch(self) -> dict:
        gate = self.app.gate
        agenda = gate.agenda(advice=False)
        data = agenda.to_json(advice=False)
        data["today"] = agenda.evaluation.today.isoformat()
        data["sources"] = {item.followup.id: item for item in agenda.items}
        # Rows without an action show the best suggestion instead: their advice is needed for the first paint.
        for item, out in zip(agenda.items, data["items"]):
            if not out["followup"]["action"]:
                out.update(gate.advice(item)[0])
        data["messages"] = agenda.evaluation.runtime.messages()
        return data

    def show(self, data: dict) -> None:
        self.data = data
        self._sources = data["sources"]
        table = self.query_one("#agenda-list", DataTable)
        previous = self.current_item()
        keep = previous["followup"]["id"] if previous else None
        # Columns are rebuilt too: a DataTable keeps the widest width it ever saw.
        table.clear(columns=True)
        for key in ("when", "who", "health", "why", "do"):
            table.add_column(key, key=key)
        self.rows = []
        counts = {}
        for bucket, title in SECTIONS:
            items = [i for i in data["items"] if i["bucket"] == bucket]
            counts[bucket] = len(items)
            if not items:
                continue
            if self.rows:
                self._add(table, ("gap", ""), [Text("")] * 5)
            # The title stays as narrow as a date so the first column does not widen for it.
            self._add(table, ("section", title), [Text(title, style="bold"), Text(f"{len(items)}", style="dim"),
                                                  Text(""), Text(""), Text("")])
            for item in items:
                self._add(table, ("item", item), self._cells(item), key=str(item["followup"]["id"]))

        self._counts = counts
        self._show_summary()

        if not data["items"]:
            self._add(table, ("section", "nothing"), [
                Text(f"Nothing due until {data['until']}. Press 2 to browse your contacts."),
                Text(""), Text(""), Text(""), Text("")])
            self.query_one(SidePanel).clear("Nothing selected.")
            return
        index = next((n for n, (kind, item) in enumerate(self.rows)
                      if kind == "item" and item["followup"]["id"] == keep), None)
        if index is None:
            index = next(n for n, (kind, _) in enumerate(self.rows) if kind == "item")
        self._last_row = index
        table.move_cursor(row=index, animate=False)
        self._show_panel(later=True)

    def _show_summary(self) -> None:
        data = self.data
        today = dt.date.fromisoformat(data["today"])
        text = Content("  ·  ").join([f"{today:%A %d %B %Y}",
                                      " · ".join(f"{self._counts[b]} {t.lower()}" for b, t in SECTIONS)])
        if data["messages"]:
            text += Content.from_markup("\n[$warning]⚠ $n rule or plugin problems: see 5 Plugins and 6 Rules[/]",
                                        n=str(len(data["messages"])))
        self.query_one("#agenda-summary", Static).update(text)

    def _add(self, table: DataTable, meta: tuple[str, object], cells: list, key: str | None = None) -> None:
        self.rows.append(meta)
        table.add_row(*cells, key=key or f"{meta[0]}-{len(self.rows)}")

    @staticmethod
    def _cells(item: dict) -> list[Text]:
        f, c, h = item["followup"], item["contact"], item["health"]
        due = dt.date.fromisoformat(item["due"])
        action = f["action"] or (item["suggestions"][0]["text"] if item.get("suggestions") else "")
        return [
            Text(due_text(due, item["overdue_days"]), style=WHEN_STYLE[item["bucket"]]),
            Text(c["name"], style="bold"),
            Text.assemble(("● ", BAND_RICH.get(h["band"], "")), (f"{h['score']:>3}", "")),
            Text.assemble(f["reason"], (f" · {f['source']}", "dim")),
            Text(action, style="dim"),
        ]

    # ------------------------------------------------------------ state

    def current_item(self) -> dict | None:
        table = self.query_one("#agenda-list", DataTable)
        row = table.cursor_row
        if row is None or not 0 <= row < len(self.rows):
            return None
        kind, item = self.rows[row]
        return item if kind == "item" else None

    def items(self) -> list[tuple[str, str]]:
        """(bucket, name) per item row and ("section", title) per section, top to bottom."""
        return [("section", str(meta)) if kind == "section" else (meta["bucket"], meta["contact"]["name"])
                for kind, meta in self.rows if kind != "gap"]

    def selected_contact(self) -> tuple[int, str] | None:
        item = self.current_item()
        return (item["contact"]["id"], item["contact"]["name"]) if item else None

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
        elif "tips" in item or (not later and self._with_advice(item, wait=False)):
            panel.show_item(item)
        else:
            panel.show_item({**item, "tips": [], "suggestions": []})
            self._fetch_advice(item, self._sources[item["followup"]["id"]])

    # ----------------------------------------------------------- advice

    def _with_advice(self, item: dict, *, wait: bool) -> bool:
        """Fill in the item's tips and suggestions on first need; False when they cannot be had yet."""
        if "tips" in item:
            return True
        found = self.app.gate.advice(self._sources[item["followup"]["id"]], wait=wait)
        if found is None:
            return False
        self._advice_arrived(item, found)
        return True

    @work(thread=True, exclusive=True, group="advice")
    def _fetch_advice(self, item: dict, source: AgendaItem) -> None:
        found = self.app.gate.advice(source)
        self.app.call_from_thread(self._advice_arrived, item, found, True)

    def _advice_arrived(self, item: dict, found: tuple[dict, list[str]], later: bool = False) -> None:
        advice, messages = found
        if "tips" not in item:
            item.update(advice)
        # Problems of this load only (a later load may have replaced the rows meanwhile).
        current = self.data is not None and any(i is item for i in self.data["items"])
        if current and len(messages) != len(self.data["messages"]):
            self.data["messages"] = messages
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
        return True

    def action_refresh(self) -> None:
        self.reload()

    def action_done(self) -> None:
        item = self.current_item()
        if item is None:
            self.notify("Pick a follow-up first.", severity="warning")
            return
        f = item["followup"]
        if not f.get("channel"):
            self._with_advice(item, wait=True)
        self.app.open_log(
            contacts=[(item["contact"]["id"], item["contact"]["name"])],
            channel=f.get("channel") or (item["suggestions"][0].get("channel") if item["suggestions"] else None),
            followup_id=f["id"],
            reason=f["reason"],
        )

    def action_snooze(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.snooze_followup(item["followup"]["id"], item["contact"]["name"])

    def action_dismiss_item(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.dismiss_followup(item["followup"]["id"], item["contact"]["name"])

    def action_open(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.open_contact(item["contact"]["id"])

    def action_export_calendar(self) -> None:
        self.app.export_calendar()
