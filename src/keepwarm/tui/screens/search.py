"""`/`: search everything, as you type; Enter opens the contact of the result picked.

Each keystroke asks the core (`services.search.find`, the function `keepwarm
search` calls) in a thread worker; a newer keystroke cancels the older one's
worker (`exclusive`), and results that arrive for a text no longer in the box
are dropped. The results are the core's `Found`, whose text has every control
character made visible already: the screen only styles the pieces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...errors import UserError
from ...services.search import Found, find
from ...text.wording import plural
from ..keys import ClosesOnce
from ..widgets.pick_list import PickList

if TYPE_CHECKING:
    from textual import getters

    from ..app import KeepwarmApp

#: The most results the list shows.
SHOWN = 50


def result_line(found: Found) -> Content:
    """One result: its kind, whose it is, its day, and the match in context with the matched words marked."""
    head = [(f"{found.label:<8}", "$text-muted"), (found.contact, "bold")]
    if found.day:
        head.append((f"  {found.day.isoformat()}", "$text-muted"))
    context = [(text, "reverse" if matched else "") for text, matched in found.pieces]
    return Content.assemble(*head, "\n  ", *context)


class SearchScreen(ClosesOnce, ModalScreen[None]):
    """Search contacts, touches, promises and notes; Enter opens whose it is.

    Unlike a form, it takes the keys typed while it opens: `/lov` typed in one go is a search for "lov" (a
    form drops them, as they were meant for the screen before it). Those that arrive before its field has
    the focus are typed into the field (`take_stray_key`).
    """

    if TYPE_CHECKING:
        app = getters.app(KeepwarmApp)

    BINDINGS = [
        Binding("escape", "close", "Close", id="search.close"),
        Binding("down", "to_results", "Results", id="search.results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self.results: list[Found] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="search-dialog"):
            yield Label("Search everything", classes="form-title")
            yield Input(id="search-text", compact=True, placeholder="a name, an e-mail, a tag, words of a note…")
            yield Label("Type to search contacts, touches, promises and notes.", id="search-count")
            yield PickList(id="search-results", compact=True)

    def on_mount(self) -> None:
        self.query_one("#search-text", Input).focus()

    def take_stray_key(self, event: events.Key) -> bool:
        """A letter typed before the field had it (`/lov` in one go), or while the results have the focus,
        typed into the field: the app hands over the keys that no one below took."""
        if not (event.is_printable and event.character):
            return False
        field = self.query_one("#search-text", Input)
        field.focus()
        field.insert_text_at_cursor(event.character)
        return True

    @on(Input.Changed, "#search-text")
    def _typed(self, event: Input.Changed) -> None:
        self.look_up(event.value)

    @work(thread=True, exclusive=True, group="search")
    def look_up(self, text: str) -> None:
        try:
            found: list[Found] | str = find(self.app.session, text, limit=SHOWN) if text.strip() else []
        except UserError as exc:  # an index that cannot be read: said in the dialog, with the fix
            found = exc.message
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, text, found)

    def _show(self, text: str, found: list[Found] | str) -> None:
        if text != self.query_one("#search-text", Input).value:
            return  # a later keystroke's results are on their way
        if isinstance(found, str):
            self.results = []
            self.query_one("#search-results", PickList).clear_options()
            self.query_one("#search-count", Label).update(found)
            return
        self.results = found
        results = self.query_one("#search-results", PickList)
        results.clear_options()
        results.add_options(Option(result_line(f), id=str(n)) for n, f in enumerate(found))
        if found:
            results.highlighted = 0
        count = self.query_one("#search-count", Label)
        if not text.strip():
            count.update("Type to search contacts, touches, promises and notes.")
        elif not found:
            count.update("Nothing found.")
        else:
            more = " (the best; type more to narrow)" if len(found) == SHOWN else ""
            count.update(f"{plural(len(found), 'result')}{more} · Enter opens the contact")

    @on(Input.Submitted, "#search-text")
    def _first(self) -> None:
        results = self.query_one("#search-results", PickList)
        if self.results:
            self._open(self.results[results.highlighted or 0])

    @on(OptionList.OptionSelected, "#search-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._open(self.results[event.option_index])

    def _open(self, found: Found) -> None:
        app = self.app
        self.dismiss(None)
        app.open_contact(found.contact_id)

    def action_to_results(self) -> None:
        if self.results:
            self.query_one("#search-results", PickList).focus()

    def action_close(self) -> None:
        self.dismiss(None)
