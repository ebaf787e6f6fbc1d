"""The address books' cards waiting for you (`Y`, or the palette): each one's fields side by side, settled
with `m` (keep mine: keepwarm's side) or `t` (keep theirs: the book's).

The rows and the comparison come from `sources.card_conflicts.compared`, the
same waits `keepwarm source conflicts` lists; a choice goes through
`card_conflicts.settle`, what `keepwarm source resolve` runs. Keeping theirs of
a conflict or of a card deleted in the book writes only the contact's rows, so
the app's `u` can take it back; the other choices write the book (or bring a
contact back) and the notice says `u` cannot. Every text comes from a card or
a contact: sanitized by the core, shown as plain text, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from ...errors import UserError
from ...sources import card_conflicts
from ...text.wording import plural
from ..cells import FittedTable
from ..render import plain
from ..widgets.confirm import PickScreen
from ..widgets.nav import NavBar
from .base import DataScreen

if TYPE_CHECKING:
    from ...sources.card_conflicts import Compared

COLUMNS = (("source", "Book"), ("name", "Name"), ("why", "Waiting"), ("fields", "Fields"))
GIVE_WAY = ((3, 10), (1, 12), (0, 6))
DIFF_COLUMNS = (("field", "Field"), ("mine", "Mine (keepwarm)"), ("theirs", "Theirs (the address book)"))
DIFF_GIVE_WAY = ((2, 12), (1, 12))

EMPTY = (
    "Nothing waits: every card of your address books is in step with its contact. A card changed on both "
    "sides, or deleted on one, shows here after a sync (y)."
)
#: What keeping each side does, by what waits (the words of `keepwarm source resolve --help`).
EFFECT = {
    "conflict": ("writes the contact into the card", "writes the card into the contact"),
    "gone_there": ("writes the card again", "keeps the contact here only"),
    "gone_here": ("deletes the card too", "brings the contact back"),
}


class CardConflictsScreen(DataScreen):
    LOADING_TARGET = "#waits-body"
    AUTO_FOCUS = "#waits-table"
    BINDINGS = [
        Binding("m", "keep('mine')", "Keep mine", id="waits.mine"),
        Binding("t", "keep('theirs')", "Keep theirs", id="waits.theirs"),
        Binding("escape", "back", "Back", id="waits.back"),
        Binding("r", "refresh", "Refresh", id="waits.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[Compared] = []
        #: The card being settled (source, uid): a second m or t before its answer is not sent twice.
        self.settling: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("")
        with Vertical(id="waits-body"):
            yield Static("", id="waits-summary")
            yield FittedTable(COLUMNS, GIVE_WAY, id="waits-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="waits-effect")
            diff = FittedTable(DIFF_COLUMNS, DIFF_GIVE_WAY, id="waits-diff", cursor_type="none", show_cursor=False)
            diff.can_focus = False
            yield diff
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Address book conflicts"

    # ------------------------------------------------------------- data

    def fetch(self) -> list[Compared]:
        return card_conflicts.compared(self.app.session)

    def show(self, waits: list[Compared]) -> None:
        table = self.query_one("#waits-table", FittedTable)
        keep = table.cursor_row
        self.waits = list(waits)
        rows = [
            [
                plain(w.source),
                plain(w.row["name"]),
                plain(card_conflicts.WHY.get(w.why, w.why)),
                plain(", ".join(w.row["fields"]) or "–"),
            ]
            for w in self.waits
        ]
        table.fill(rows, [str(n) for n in range(len(rows))])
        for widget in ("#waits-table", "#waits-effect", "#waits-diff"):
            self.query_one(widget).display = bool(rows)
        summary = self.query_one("#waits-summary", Static)
        if not rows:
            summary.update(Content(EMPTY))
            return
        summary.update(
            Content.from_markup(
                "$head  ·  [b]m[/] keeps mine (keepwarm's), [b]t[/] keeps theirs (the book's)",
                head=f"{plural(len(rows), 'card')} waiting for you",
            )
        )
        table.move_cursor(row=min(keep or 0, len(rows) - 1), animate=False)
        self._show_differences()
        if self.is_current and self.focused is None:
            table.focus()

    @on(DataTable.RowHighlighted, "#waits-table")
    def _highlighted(self) -> None:
        self._show_differences()

    def _show_differences(self) -> None:
        wait = self.selected()
        effect = self.query_one("#waits-effect", Static)
        diff = self.query_one("#waits-diff", FittedTable)
        diff.clear()
        if wait is None:
            effect.update("")
            return
        mine, theirs = EFFECT.get(wait.why, ("", ""))
        said = f"{wait.row['name']} ({wait.source}, card {wait.row['file']}): m {mine}; t {theirs}."
        if wait.problem:
            said += f" The card could not be read for the comparison: {wait.problem}"
        effect.update(Content(said))
        rows = [[plain(d.field), plain(d.mine or "–"), plain(d.theirs or "–")] for d in wait.differences]
        diff.fill(rows, [None] * len(rows))

    def selected(self) -> Compared | None:
        table = self.query_one("#waits-table", DataTable)
        row = table.cursor_row
        if not self.waits or row is None or not 0 <= row < len(self.waits):
            return None
        return self.waits[row]

    # ---------------------------------------------------------- actions

    @on(DataTable.RowSelected, "#waits-table")
    def _row_selected(self) -> None:
        wait = self.selected()
        if wait is None:
            return
        mine, theirs = EFFECT.get(wait.why, ("", ""))

        def picked(choice: int | None) -> None:
            if choice is not None:
                self.action_keep(("mine", "theirs")[choice])

        choices = [(0, f"Keep mine: {mine}"), (1, f"Keep theirs: {theirs}")]
        self.app.push_screen(PickScreen(f"{wait.row['name']}: which side to keep?", choices), callback=picked)

    def action_keep(self, keep: str) -> None:
        wait = self.selected()
        if wait is None:
            self.notify("Nothing waits: every card is in step with its contact.", severity="warning")
            return
        if self.settling is not None:
            return
        self.settling = (wait.source, wait.uid)
        self._settle(wait, keep)

    @work(thread=True, group="write")
    def _settle(self, wait: Compared, keep: str) -> None:
        app, session = self.app, self.app.session
        who = wait.row["name"]
        what = f"Kept {'keepwarm' if keep == 'mine' else 'the book'}'s side of {who} ({wait.source})."
        args = (card_conflicts.settle, session, wait.source, wait.uid, keep)
        undoable = card_conflicts.only_here(wait.why, keep) and wait.contact_id is not None
        try:
            if undoable:
                done = app.undoable([wait.contact_id], what, *args)
            else:
                done = app.gate.run(*args)
        except UserError as exc:
            app.call_from_thread(self._not_settled, exc.message)
            return
        app.call_from_thread(self._settled, wait, done["action"], undoable)

    def _not_settled(self, message: str) -> None:
        self.settling = None
        self.notify(message, title="Not settled", severity="error", markup=False)

    def _settled(self, wait: Compared, action: str, undoable: bool) -> None:
        self.settling = None
        if undoable:
            after = "Press u to undo."
        elif action == "contact brought back":
            after = "u cannot take this back: delete the contact if you do not want it."
        else:
            after = "The address book was written: u cannot take that back."
        self.notify(f"{wait.source}: {wait.row['name']}: {action}. {after}", markup=False)
        self.waits = [w for w in self.waits if w is not wait]
        self.app.data_changed()  # this screen reloads with the others: the list updates
        self.refresh_bindings()

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.reload()
