"""All contacts: search as you type, filter, sort; enter opens one.

The rows (with last touch and health) come from `queries.contact_rows` in a
worker; each keystroke or filter change re-runs `queries.filter_rows` and
`queries.sort_rows` on them in memory.
"""

from __future__ import annotations

from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Select

from ...services import queries
from ..cells import FittedTable
from ..render import band_text, plain, words
from ..screen_views import ContactRow
from ..views import view_of
from ..widgets.nav import NavBar
from .base import DataScreen

FILTERS = (
    ("account", "account"),
    ("tag", "tag"),
    ("role", "role"),
    ("style", "style"),
    ("stage", "stage"),
    ("band", "health"),
)
SHOWN_AT_MOST = 500
SORT_LABELS = {"name": "name", "last_touch": "last touch", "health": "health"}
# The columns that matter most come first, so a narrow terminal cuts the least useful ones.
COLUMNS = (
    ("name", "Name"),
    ("health", "Health"),
    ("last_touch", "Last touch"),
    ("warnings", "!"),
    ("account", "Account"),
    ("role", "Role"),
    ("stage", "Stage"),
)
#: On a narrow terminal, the columns that give way in turn (`cells.give_way`), and how narrow each may get.
GIVE_WAY = ((4, 12), (5, 12), (0, 16), (6, 8), (4, 1), (5, 1), (6, 1), (0, 8))


class ContactsScreen(DataScreen):
    LOADING_TARGET = "#contacts-body"
    AUTO_FOCUS = "#contacts-table"
    BINDINGS = [
        Binding("enter", "open", "Open", id="contacts.open", show=False),
        Binding("s", "sort", "Sort", id="contacts.sort"),
        Binding("S", "reverse", "Reverse", id="contacts.reverse"),
        Binding("f", "filters", "Filters", id="contacts.filters"),
        Binding("ctrl+f", "focus_search", "Filter by name", id="contacts.filter_text", show=False),
        Binding("escape", "clear", "Clear", id="contacts.clear"),
        Binding("r", "refresh", "Refresh", id="contacts.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: The core's rows, which `queries.filter_rows` and `sort_rows` search and order, and each as shown, by id.
        self.rows: list[dict] = []
        self.views: dict[int, ContactRow] = {}
        self.shown: list[ContactRow] = []
        self.sort_by = "name"
        self.descending = False
        self._debounce: Timer | None = None
        self._choices_key: tuple = ()
        self.rows_shown_once = False
        self._cut: dict[int, list] = {}  # each row's cells cut to the columns of the last fit, by contact id
        self.search_requested = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("contacts")
        with Vertical(id="contacts-body"):
            with Horizontal(id="contacts-bar"):
                yield Input(placeholder="Search names, accounts, titles, tags", id="search", compact=True)
                yield Label("", id="contacts-count")
            with Grid(id="contacts-filters"):
                for name, label in FILTERS:
                    yield Select([], prompt=f"any {label}", id=f"filter-{name}", compact=True)
                yield Checkbox("warnings", id="filter-warnings", compact=True)
            yield FittedTable(COLUMNS, GIVE_WAY, id="contacts-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Contacts"

    # ------------------------------------------------------------- data

    def fetch(self) -> tuple[list[dict], dict[int, ContactRow]]:
        rows = queries.contact_rows(self.app.session, self.app.gate.results())
        shown = (view_of(ContactRow, row) for row in rows)
        return rows, {row.id: row for row in shown}

    def show(self, data: tuple[list[dict], dict[int, ContactRow]]) -> None:
        rows, self.views = data
        self.rows = rows
        choices = queries.filter_choices(rows)
        key = tuple((k, tuple(v)) for k, v in choices.items())
        if key != self._choices_key:
            self._choices_key = key
            for name, _ in FILTERS:
                select = self.query_one(f"#filter-{name}", Select)
                current = select.value
                select.set_options([(words(v), v) for v in choices[name]])
                if current is not Select.NULL and current in choices[name]:
                    select.value = current
        self._fit()
        first = not self.rows_shown_once
        self.rows_shown_once = True
        self.apply()
        if first and not self.search_requested:
            self.query_one("#contacts-table", DataTable).focus()

    def _fit(self) -> None:
        """The columns fitted to every loaded row, once per load: a search keystroke only adds rows cut already."""
        self._cut = {}
        self.query_one("#contacts-table", FittedTable).fit(
            [
                (
                    row.name,
                    "–" if row.health is None else f"● {row.health:>3}",
                    row.last_touch or "never",
                    str(row.warnings or ""),
                    row.account or "",
                    words(row.role),
                    words(row.stage),
                )
                for row in self.views.values()
            ]
        )

    @on(FittedTable.Refit, "#contacts-table")
    def _refit(self) -> None:
        self._fit()
        self.apply()

    def _cells(self, table: FittedTable, row: ContactRow) -> list:
        """A row's cells, cut to their columns on first use and kept until the next load or resize."""
        cells = self._cut.get(row.id)
        if cells is None:
            cells = self._cut[row.id] = table.cut_row(
                (
                    plain(row.name),
                    band_text(row.health, row.band),
                    plain(row.last_touch or "never"),
                    plain(row.warnings or ""),
                    plain(row.account or ""),
                    plain(words(row.role)),
                    plain(words(row.stage)),
                )
            )
        return cells

    def filters(self) -> dict:
        out: dict = {"search": self.query_one("#search", Input).value}
        for name, _ in FILTERS:
            value = self.query_one(f"#filter-{name}", Select).value
            out[name] = None if value is Select.NULL else value
        out["has_warnings"] = self.query_one("#filter-warnings", Checkbox).value
        return out

    def apply(self) -> None:
        """Filter and sort the loaded rows into the table, keeping the cursor on the same person."""
        table = self.query_one("#contacts-table", FittedTable)
        keep = self.selected_contact()
        matches = queries.sort_rows(queries.filter_rows(self.rows, **self.filters()), self.sort_by, self.descending)
        # A table of thousands of rows takes seconds to build; the first screenfuls are what a search needs.
        views = self.views
        self.shown = [views[match["id"]] for match in matches[:SHOWN_AT_MOST]]
        table.clear()
        for row in self.shown:
            table.add_row(*self._cells(table, row), key=str(row.id))
        arrow = "↓" if not self.descending else "↑"
        more = f" (first {len(self.shown)}: type to narrow)" if len(matches) > len(self.shown) else ""
        self.query_one("#contacts-count", Label).update(
            f"{len(matches)} of {len(self.rows)}{more} · sort {SORT_LABELS[self.sort_by]} {arrow}"
        )
        if keep is not None:
            index = next((n for n, r in enumerate(self.shown) if r.id == keep[0]), None)
            if index is not None:
                table.move_cursor(row=index, animate=False)

    # ------------------------------------------------------------ state

    def selected_contact(self) -> tuple[int, str] | None:
        table = self.query_one("#contacts-table", DataTable)
        if not self.shown or table.cursor_row is None or not 0 <= table.cursor_row < len(self.shown):
            return None
        row = self.shown[table.cursor_row]
        return row.id, row.name

    def focus_search(self) -> None:
        self.search_requested = True
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        # Large address books: wait for a pause in typing before refiltering.
        delay = 0.0 if len(self.rows) < 300 else 0.15
        if delay:
            self._debounce = self.set_timer(delay, self.apply)
        else:
            self.apply()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#contacts-table", DataTable).focus()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filter(self) -> None:
        if self.rows:
            self.apply()

    @on(DataTable.RowSelected, "#contacts-table")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        self.app.open_contact(int(cast(str, event.row_key.value)))  # every row is added with its id as key

    @on(DataTable.HeaderSelected, "#contacts-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = {"last_touch": "last_touch", "health": "health"}.get(str(event.column_key.value), "name")
        if key == self.sort_by:
            self.descending = not self.descending
        else:
            self.sort_by, self.descending = key, False
        self.apply()

    # ---------------------------------------------------------- actions

    def action_open(self) -> None:
        picked = self.selected_contact()
        if picked:
            self.app.open_contact(picked[0])

    def action_sort(self) -> None:
        order = list(SORT_LABELS)
        self.sort_by = order[(order.index(self.sort_by) + 1) % len(order)]
        self.descending = False
        self.apply()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.apply()

    def action_focus_search(self) -> None:
        self.focus_search()

    def action_filters(self) -> None:
        self.query_one("#filter-account", Select).focus()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        active = search.value or any(v for k, v in self.filters().items() if k != "search")
        search.value = ""
        for name, _ in FILTERS:
            self.query_one(f"#filter-{name}", Select).clear()
        self.query_one("#filter-warnings", Checkbox).value = False
        if active:
            self.apply()
        self.query_one("#contacts-table", DataTable).focus()

    def action_refresh(self) -> None:
        self.reload()
