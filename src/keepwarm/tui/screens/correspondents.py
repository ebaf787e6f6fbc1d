"""People you talk to who are not contacts yet: the addresses on synced mail and meetings, most talked to first.

The rows come from `sources.correspondents.unknown` (what `keepwarm
correspondents` lists); `a` adds the highlighted person as a contact with the
name and address the headers gave (`correspondents.add`, after a small form to
confirm the name), which turns what was captured with them into touches; `i`
ignores the address for good (`correspondents.ignore`). Names and addresses
come from other people's mail: every cell is plain text with its control
characters shown (`text.visible`), never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from ...errors import UserError
from ...sources import correspondents
from ...text.controls import visible
from ...text.wording import plural
from ..cells import FittedTable
from ..render import plain
from ..syncing import FIRST_SOURCE
from ..widgets.correspondent_form import NewContactScreen
from ..widgets.nav import NavBar
from .base import DataScreen
from .welcome import WelcomeScreen

if TYPE_CHECKING:
    from ...sources.correspondents import Correspondent

COLUMNS = (
    ("address", "Address"),
    ("name", "Name"),
    ("inbound", "In"),
    ("outbound", "Out"),
    ("meetings", "Meetings"),
    ("last", "Last"),
)
#: On a narrow terminal, the columns that give way in turn (`cells.give_way`), and how narrow each may get.
GIVE_WAY = ((1, 12), (0, 20), (5, 10), (1, 1), (0, 8))

#: The most people listed (the ones talked to most); adding or ignoring one brings the next in.
LISTED = 100

EMPTY = (
    "Nobody here yet. This list fills from your mail and calendars: connect a source ({first}) and press y "
    "to sync. The people who write to you, whom you write to or meet, and who are not contacts yet then show "
    "here, the ones you talk to most first."
)


def one_line(text: str) -> str:
    return visible(text, multiline=False)


def count(n: int) -> Text:
    return Text(f"{n:,}" if n else "–", style="" if n else "dim", justify="right")


class CorrespondentsScreen(DataScreen):
    LOADING_TARGET = "#people-body"
    AUTO_FOCUS = "#people-table"
    BINDINGS = [
        Binding("a", "add_person", "Add as contact", id="people.add"),
        Binding("i", "ignore_person", "Ignore for good", id="people.ignore"),
        Binding("escape", "back", "Back", id="people.back"),
        Binding("r", "refresh", "Refresh", id="people.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: list[Correspondent] = []
        #: Whether a person was added from here (the welcome screen below, if any, then has a book to leave for).
        self.added = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("")
        with Vertical(id="people-body"):
            yield Static("", id="people-summary")
            yield FittedTable(COLUMNS, GIVE_WAY, id="people-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "People you talk to who are not contacts yet"

    # ------------------------------------------------------------- data

    def fetch(self) -> list[Correspondent]:
        return correspondents.unknown(self.app.session, limit=LISTED)

    def show(self, people: list[Correspondent]) -> None:
        table = self.query_one("#people-table", FittedTable)
        keep = table.cursor_row
        self.people = list(people)
        zone = self.app.session.tz
        rows = [
            [
                plain(one_line(p.address)),
                plain(one_line(p.name or "")),
                count(p.inbound),
                count(p.outbound),
                count(p.meetings),
                plain(p.last_at.astimezone(zone).date().isoformat() if p.last_at else ""),
            ]
            for p in self.people
        ]
        table.fill(rows, [str(n) for n in range(len(rows))])
        table.display = bool(rows)
        summary = self.query_one("#people-summary", Static)
        if not rows:
            summary.update(Content(EMPTY.format(first=FIRST_SOURCE)))
            return
        head = (
            f"The {LISTED} you talk to most"
            if len(rows) >= LISTED
            else f"{plural(len(rows), 'person', 'people')}, most talked to first"
        )
        summary.update(
            Content.from_markup(
                "$head  ·  [b]a[/] adds the highlighted one as a contact, [b]i[/] ignores them for good", head=head
            )
        )
        table.move_cursor(row=min(keep or 0, len(rows) - 1), animate=False)
        if self.is_current and self.focused is None:
            table.focus()

    def selected(self) -> Correspondent | None:
        table = self.query_one("#people-table", DataTable)
        row = table.cursor_row
        if not self.people or row is None or not 0 <= row < len(self.people):
            return None
        return self.people[row]

    def _gone(self, person: Correspondent) -> None:
        """Their row leaves at once; the reload that follows the write confirms it."""
        if any(p is person for p in self.people):
            self.show([p for p in self.people if p is not person])

    # ---------------------------------------------------------- actions

    @on(DataTable.RowSelected, "#people-table")
    def _row_selected(self) -> None:
        self.action_add_person()

    def action_add_person(self) -> None:
        person = self.selected()
        if person is None:
            self.notify("Nobody to add: the list is empty.", severity="warning")
            return

        def closed(name: str | None) -> None:
            if name is not None:
                self._add(person, name)

        self.app.push_screen(NewContactScreen(person.address, person.name or ""), callback=closed)

    @work(thread=True, group="write")
    def _add(self, person: Correspondent, name: str) -> None:
        try:
            self.app.gate.run(correspondents.add, self.app.session, person.address, name)
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not added", severity="error", markup=False)
            return
        self.app.call_from_thread(self._added, person, name)

    def _added(self, person: Correspondent, name: str) -> None:
        self.added = True
        self._gone(person)
        touches = person.messages + person.meetings
        self.notify(
            f"Added {one_line(name)} ({one_line(person.address)}) as a contact: "
            f"{plural(touches, 'message or meeting', 'messages and meetings')} with them are touches now.",
            markup=False,
        )
        self.app.data_changed()

    def action_ignore_person(self) -> None:
        person = self.selected()
        if person is None:
            self.notify("Nobody to ignore: the list is empty.", severity="warning")
            return
        self._ignore(person)

    @work(thread=True, group="write")
    def _ignore(self, person: Correspondent) -> None:
        try:
            self.app.gate.run(correspondents.ignore, self.app.session, person.address)
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not ignored", severity="error", markup=False)
            return
        self.app.call_from_thread(self._ignored, person)

    def _ignored(self, person: Correspondent) -> None:
        self._gone(person)
        self.notify(
            f"Ignored {one_line(person.address)} for good: not listed again, whatever the next syncs find.",
            markup=False,
        )
        self.app.data_changed()

    def action_back(self) -> None:
        stack = self.app.screen_stack
        if self.added and len(stack) > 1:
            if isinstance(stack[-2], WelcomeScreen):  # opened from the palette on an empty book: it has people now
                self.app.call_later(self.app.leave_welcome_if_filled)
        self.dismiss()

    def action_refresh(self) -> None:
        self.reload()
