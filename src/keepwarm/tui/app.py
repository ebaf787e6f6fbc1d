"""KeepwarmApp: the screens, the keys that work everywhere, and the writes they start.

Each top-level screen is a Textual mode (1-6 switch between them). Writes run
in thread workers through the core (`keepwarm.services.operations`), then bump the
data version so every screen recomputes when it is next shown.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import ModalScreen

from ..errors import UserError
from ..home.paths import default_db_path, demo_db_path
from ..home.session import Session
from ..hosting.budget import abandon_all
from ..store.location import ServerBook
from ..store.watch import ChangeWatcher
from ..text.wording import plural
from . import pause_collector, resume_collector
from .screens.agenda import AgendaScreen
from .screens.base import DataScreen
from .syncing import Syncing
from .workers import EngineGate

if TYPE_CHECKING:
    from ..model import Contact
    from .screens.contact_detail import ContactScreen
    from .screens.contacts import ContactsScreen
    from .screens.welcome import WelcomeScreen
    from .widgets.contact_form import AddInto
    from .widgets.log_form import LogResult

MODES = ("agenda", "contacts", "accounts", "dashboard", "plugins", "rules")


def _loaded(module: str, name: str):
    """A class of the TUI's, imported on first use: the agenda paints before the other screens are loaded."""
    return getattr(importlib.import_module(f"keepwarm.tui.{module}"), name)


def _screen(module: str, name: str):
    return lambda: _loaded(f"screens.{module}", name)()


def _operations():
    from ..services import operations  # lazy for start-up: the writes' core functions load with the first write

    return operations


def _queries():
    from ..services import queries  # lazy for start-up: the agenda's first paint reads no contact list

    return queries


def _palette_commands():
    """The palette's provider, loaded when the palette first opens (Textual takes a callable in `COMMANDS`)."""
    return _loaded("palette", "KeepwarmCommands")


def _demo_home(session: Session, own_book: Path | ServerBook | None) -> Path | ServerBook | None:
    """The user's own database when the session's is the demo book, else None."""
    if not isinstance(session.db_path, Path):
        return None  # a book on a server is never the demo book
    try:
        is_demo = session.db_path.resolve() == demo_db_path().resolve()
    except OSError:
        is_demo = False
    if not is_demo:
        return None

    if own_book is None or (isinstance(own_book, Path) and own_book.resolve() == session.db_path.resolve()):
        return default_db_path()
    return own_book


def _showing(screen, module: str, name: str) -> bool:
    """isinstance(screen, that class), without importing it: no screen is one if its module was never loaded.

    The type checker cannot follow a class found by name: callers cast the screen to it after a yes.
    """
    found = sys.modules.get(f"keepwarm.tui.{module}")
    return found is not None and isinstance(screen, getattr(found, name))


class KeepwarmApp(Syncing, App[None]):
    TITLE = "keepwarm"
    CSS_PATH = ["app.tcss", "screens.tcss"]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (150, "-xwide")]
    MODES = {
        "agenda": AgendaScreen,
        "contacts": _screen("contacts", "ContactsScreen"),
        "accounts": _screen("accounts", "AccountsScreen"),
        "dashboard": _screen("dashboard", "DashboardScreen"),
        "plugins": _screen("plugins", "PluginsScreen"),
        "rules": _screen("rules", "RulesScreen"),
    }
    COMMANDS = App.COMMANDS | {_palette_commands}
    BINDINGS = [
        Binding("l", "log", "Log", id="app.log"),
        Binding("a", "add_contact", "Add", id="app.add"),
        Binding(
            "slash",
            "search",
            "Find",
            id="app.search",
            key_display="/",
            tooltip="Search everything: contacts, touches, promises and notes",
        ),
        Binding("question_mark", "help", "Keys", id="app.help", key_display="?"),
        Binding("b", "own_book", "My book", id="app.own_book", tooltip="Leave the demo book for your own"),
        Binding("y", "sync", "Sync", id="app.sync", show=False, tooltip="Read your mail and calendar sources"),
        Binding(
            "Y",
            "card_conflicts",
            "Address book conflicts",
            id="app.card_conflicts",
            show=False,
            tooltip="The cards of your address books waiting for you: keep mine or theirs",
        ),
        Binding("q", "quit", "Quit", id="app.quit", show=False),
        # Textual moves focus on Tab once the focused field has taken the key from its own queue, after the keys
        # typed behind it: "\tAcme" typed fast (or pasted by a tool) put "Acme" in the field being left. A
        # priority binding moves it as the app reads the key, so what follows lands in the next field.
        Binding("tab", "app.focus_next", "Next field", id="app.focus_next", show=False, priority=True),
        Binding(
            "shift+tab", "app.focus_previous", "Previous field", id="app.focus_previous", show=False, priority=True
        ),
        Binding("u", "undo", "Undo", id="app.undo", show=False, tooltip="Take back the last change made in the app"),
        *(
            Binding(str(n), f"goto('{mode}')", f"Go to {mode}", id=f"app.goto.{mode}", show=False)
            for n, mode in enumerate(MODES, start=1)
        ),
    ]

    #: How often (in seconds) the app looks for what other processes wrote.
    WATCH_SECONDS = 2.0

    def __init__(self, session: Session, *, own_book: Path | ServerBook | None = None) -> None:
        super().__init__()
        self.session = session
        #: The user's own database while this app shows the demo book (None in the user's own book).
        self.demo_home: Path | ServerBook | None = _demo_home(session, own_book)
        #: The database to open when this app exits to change books (`tui.run` opens it).
        self.next_book: Path | ServerBook | None = None
        self.gate = EngineGate(session)
        self.watcher: ChangeWatcher | None = None
        self._calendar_export: bool | None = None
        #: The changes made in this session, the last on top: `u` takes them back one by one (services/undo.py).
        self._journal = None
        #: Whether this app holds the garbage collector off until its start-up is done (`start_up_done`).
        self._collector_paused = False

    def on_load(self) -> None:
        self._collector_paused = pause_collector()

    def start_up_done(self) -> None:
        """The agenda's own rows are on screen (or could not be had): the garbage collector back on."""
        if self._collector_paused:
            self._collector_paused = False
            resume_collector()

    async def on_mount(self) -> None:
        self.watcher = self.gate.watcher = ChangeWatcher(self.session.store.path)
        self.set_interval(self.WATCH_SECONDS, self.check_outside_changes)
        if self.demo_home is not None:
            self.title = "keepwarm · DEMO BOOK (example data)"
            self.notify(
                f"This is the demo book, made-up people in {self.session.db_path.name}; your own book is "
                f"untouched. Press b to go back to it.",
                title="Demo book",
                timeout=12,
            )
        await self.switch_mode("agenda")  # its first load says whether the book is empty (`welcome`)

    async def welcome(self) -> None:
        """The way in, over the agenda, for a book without contacts (told by the agenda's first load)."""
        if not _showing(self.screen, "screens.welcome", "WelcomeScreen"):
            await self.push_screen(_loaded("screens.welcome", "WelcomeScreen")())

    def on_unmount(self) -> None:
        self.start_up_done()
        if self.watcher is not None:
            self.watcher.close()
        self.stop_sync()
        self.gate.close()
        abandon_all()  # quitting never waits on a plugin: workers stuck in one are let go (their threads are daemons)

    async def check_outside_changes(self) -> bool:
        """Show what a second terminal or a cron job wrote meanwhile; True when there was something."""
        if self.watcher is None:
            return False
        # The engine's own writes are absorbed under the gate's lock; while it runs, look next time.
        if not self.gate.lock.acquire(blocking=False):
            return False
        try:
            if not self.watcher.changed():
                return False
        finally:
            self.gate.lock.release()
        if _showing(self.screen, "screens.welcome", "WelcomeScreen"):
            if not _queries().is_empty(self.session):
                await self.leave_welcome_if_filled()
        elif getattr(self.screen, "editing", False):
            self.gate.changed()  # the contact being edited in place reloads after its save
        else:
            self.data_changed()
        return True

    # ------------------------------------------------------------ guards

    async def on_event(self, event: events.Event) -> None:
        # A key typed while a form was opening (a second `e`, a fast `a a`) was meant for what was on
        # screen then: it never lands in the form's first field. Forms stamp `keys_from` when shown.
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and event.time < getattr(self.screen, "keys_from", float("-inf"))
        ):
            return
        # A key that reached the screen below a dialog before the dialog opened comes back up to the app once the
        # dialog is on top (Textual resolves a key's binding as it bubbles up): the search takes such letters.
        if isinstance(event, events.Key) and event.is_forwarded:
            take = getattr(self.screen, "take_stray_key", None)
            if take is not None and take(event):
                return
        await super().on_event(event)

    def action_command_palette(self) -> None:
        """Textual's palette, made to answer once (`palette.KeepwarmPalette`)."""
        # textual types is_open's app as App[object], and App is invariant in its result type: no App[None] fits.
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(_loaded("palette", "KeepwarmPalette")(id="--command-palette"))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "own_book" and self.demo_home is None:
            return False
        if _showing(self.screen, "screens.welcome", "WelcomeScreen") and action in (
            "goto",
            "log",
            "search",
            "filter_contacts",
            "team",
        ):
            return False
        # A form is open (a dialog, or a contact being edited in place): its keys are for typing.
        busy = isinstance(self.screen, ModalScreen) or getattr(self.screen, "editing", False)
        if busy and action in (
            "goto",
            "log",
            "search",
            "filter_contacts",
            "add_contact",
            "quit",
            "own_book",
            "sync",
            "unknown_people",
            "card_conflicts",
            "team",
        ):
            return False
        return True

    # ------------------------------------------------------------ moving

    async def goto(self, mode: str) -> None:
        while len(self.screen_stack) > 1 and (
            _showing(self.screen, "screens.contact_detail", "ContactScreen")
            or _showing(self.screen, "screens.correspondents", "CorrespondentsScreen")
            or _showing(self.screen, "screens.card_conflicts", "CardConflictsScreen")
            or _showing(self.screen, "screens.team", "TeamScreen")
        ):
            await self.pop_screen()
        if self.current_mode != mode:
            await self.switch_mode(mode)

    async def action_goto(self, mode: str) -> None:
        await self.goto(mode)

    def action_search(self) -> None:
        """Search everything (`/`), over the screen shown."""
        if not _showing(self.screen, "screens.search", "SearchScreen"):
            self.push_screen(_loaded("screens.search", "SearchScreen")())

    async def action_filter_contacts(self) -> None:
        """The contacts screen with its own filter box focused (ctrl+f there)."""
        await self.goto("contacts")
        screen = self.screen
        if _showing(screen, "screens.contacts", "ContactsScreen"):
            cast("ContactsScreen", screen).focus_search()

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_unknown_people(self) -> None:
        """The people you talk to who are not contacts yet (`n` on the agenda), over the agenda."""
        if _showing(self.screen, "screens.correspondents", "CorrespondentsScreen"):
            return
        await self.goto("agenda")
        await self.push_screen(_loaded("screens.correspondents", "CorrespondentsScreen")())

    async def action_team(self) -> None:
        """The manager's view (`t` on the dashboard), over the dashboard."""
        if _showing(self.screen, "screens.team", "TeamScreen"):
            return
        await self.goto("dashboard")
        await self.push_screen(_loaded("screens.team", "TeamScreen")())

    def action_card_conflicts(self) -> None:
        """The address books' cards waiting for you (`Y`), over the screen shown."""
        if not _showing(self.screen, "screens.card_conflicts", "CardConflictsScreen"):
            self.push_screen(_loaded("screens.card_conflicts", "CardConflictsScreen")())

    def open_contact(self, contact_id: int) -> None:
        screen = self.screen
        if (
            _showing(screen, "screens.contact_detail", "ContactScreen")
            and cast("ContactScreen", screen).contact_id == contact_id
        ):
            return  # open already: a second Enter on the contacts list, queued behind the first, stacked it twice
        self.push_screen(_loaded("screens.contact_detail", "ContactScreen")(contact_id))

    # ----------------------------------------------------------- writing

    def data_changed(self) -> None:
        """A write landed: every screen recomputes, the visible one now."""
        if self.watcher is not None:
            self.watcher.changed()  # our own write: nothing more to pick up for it
        self.gate.changed()
        if isinstance(self.screen, DataScreen):
            self.screen.reload()

    @property
    def journal(self):
        """The session's changes that `u` can take back (made on the first write: start-up loads no write layer)."""
        if self._journal is None:
            from ..services.undo import Journal  # lazy for start-up, as the writes' core functions

            self._journal = Journal()
        return self._journal

    def can_undo(self) -> bool:
        return self._journal is not None and len(self._journal) > 0

    def undoable(self, targets, what, func, *args, **kwargs):
        """A write of the app's (`func`, a core function the CLI calls too) through the engine's gate, the rows
        of the contacts it touches (`targets`: ids, or (table, id) of the rows it acts on) kept for `u`."""
        return self.gate.run(self.journal.record, self.session, targets, what, func, *args, **kwargs)

    def undoable_new(self, what, func, *args, **kwargs) -> int:
        """A write of the app's that adds a contact (`func` returns their id), kept for `u` as `undoable` is."""
        return self.gate.run(self.journal.record_new, self.session, what, func, *args, **kwargs)

    def action_undo(self) -> None:
        if getattr(self.screen, "editing", False):  # a form open in place (a contact's edit): u is for typing
            return
        if not self.can_undo():
            self.notify(self.journal.nothing_left(), severity="warning")
            return
        self._write_undo()

    @work(thread=True, group="write")
    def _write_undo(self) -> None:
        try:
            what = self.gate.run(self.journal.undo, self.session)
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message, "Not undone")
            return
        self.call_from_thread(self._undone, what)

    def _undone(self, what: str) -> None:
        self._done(f"Undid: {what}.")
        self.screen.refresh_bindings()

    def _failed(self, message: str, title: str = "Not saved") -> None:
        self.notify(message, title=title, severity="error")

    def _done(self, message: str) -> None:
        self.notify(message)
        self.data_changed()

    def action_log(self) -> None:
        picked = getattr(self.screen, "selected_contact", lambda: None)()
        self.open_log(contacts=[picked] if picked else [])

    def open_log(
        self,
        contacts: list[tuple[int, str]],
        channel: str | None = None,
        followup_id: int | None = None,
        reason: str = "",
    ) -> None:
        request = _loaded("widgets.log_form", "LogRequest")(
            contacts=contacts, channel=channel, followup_id=followup_id, reason=reason
        )
        self.push_screen(_loaded("widgets.log_form", "LogScreen")(request), callback=self._log_closed)

    def _log_closed(self, result: LogResult | None) -> None:
        if result is not None:
            self._write_log(result)

    @work(thread=True, group="write")
    def _write_log(self, result: LogResult) -> None:
        try:
            said = f"Logged {result.fields['channel']} with {result.names}."
            self.undoable(
                result.fields["contact_ids"],
                said,
                _operations().log_touch,
                self.session,
                result.fields,
                followup_id=result.followup_id,
            )
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        self.call_from_thread(self._done, said)

    def snooze_followup(self, followup_id: int, who: str) -> None:
        def closed(until) -> None:
            if until is not None:
                self._write_snooze(followup_id, until, who)

        self.push_screen(_loaded("widgets.snooze", "SnoozeScreen")(who, self.session.today), callback=closed)

    @work(thread=True, group="write")
    def _write_snooze(self, followup_id: int, until, who: str) -> None:
        try:
            said = f"Snoozed {who} until {until:%a %d %b}."
            self.undoable([("followups", followup_id)], said, _operations().snooze, self.session, followup_id, until)
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        self.call_from_thread(self._done, said)

    @work(thread=True, group="write")
    def dismiss_followup(self, followup_id: int, who: str) -> None:
        try:
            said = f"Dismissed the follow-up with {who}."
            self.undoable([("followups", followup_id)], said, _operations().dismiss, self.session, followup_id)
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        self.call_from_thread(self._dismissed, said)

    def _dismissed(self, said: str) -> None:
        self._done(f"{said} Press u to undo.")
        self.screen.refresh_bindings()

    # ------------------------------------------------------------ promises

    def promise_of(self, contact_id: int, rule_key: str | None):
        """The open promise an agenda row reminds of (a read by key, only for a promise's row), or None."""
        from ..services.actions import PROMISE_KEY  # lazy for start-up: the write layer loads with the first write

        if not rule_key or not rule_key.startswith(PROMISE_KEY):
            return None
        return _operations().promise_of_followup(self.session, contact_id, rule_key)

    def keep_promise(self, promise_id: int, contact: tuple[int, str], channel: str | None = None) -> None:
        self._write_keep(promise_id, contact, channel)

    @work(thread=True, group="write")
    def _write_keep(self, promise_id: int, contact: tuple[int, str], channel: str | None) -> None:
        try:
            kept = self.undoable(
                [contact[0]],
                lambda k: f"Kept the promise to {contact[1]}: {k.text}",
                _operations().keep_promise,
                self.session,
                promise_id,
            )
            person = _operations().get_contact(self.session, contact[0])
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        from ..store.contacts import describe  # lazy for start-up, as the write itself

        who = describe({"id": contact[0], "name": person.name, "account": person.account})
        self.call_from_thread(self._promise_kept, kept.text, contact, who, channel)

    def _promise_kept(self, text: str, contact: tuple[int, str], who: str, channel: str | None) -> None:
        self._done(f"Kept the promise to {contact[1]}: {text}")

        def answered(log: bool | None) -> None:
            if log:
                self.open_log(contacts=[contact], channel=channel, reason=f"kept: {text}")

        self.push_screen(
            _loaded("widgets.confirm", "ConfirmScreen")(
                f"Log a touch with {who} too?",
                yes="Log it",
                no="Skip",
                detail="Telling them it is done is a touch; logging it keeps their history true.",
            ),
            callback=answered,
        )

    def _pick_promise(self, contact: tuple[int, str], verb: str, then) -> None:
        """The contact's open promise to act on: the only one, or the one picked from a list."""
        found = _operations().open_promises(self.session, contact[0])
        if not found:
            self.notify(f"No open promise with {contact[1]}: press p on their screen to add one.", severity="warning")
            return
        if len(found) == 1:
            then(found[0])
            return
        by_id = {p.id: p for p in found}

        def picked(promise_id: int | None) -> None:
            if promise_id is not None:
                then(by_id[promise_id])

        choices = [
            (
                p.id,
                f"{'I' if p.by.value == 'me' else 'They'} promised: {p.text}"
                + (f" · due {p.due.isoformat()}" if p.due else ""),
            )
            for p in found
        ]
        self.push_screen(
            _loaded("widgets.confirm", "PickScreen")(f"Which promise with {contact[1]} to {verb}?", choices),
            callback=picked,
        )

    def _selected(self) -> tuple[int, str] | None:
        picked = getattr(self.screen, "selected_contact", lambda: None)()
        if picked is None:
            self.notify("Pick a contact first.", severity="warning")
        return picked

    def action_keep_promise(self) -> None:
        contact = self._selected()
        if contact is not None:
            self._pick_promise(contact, "mark kept", lambda p: self.keep_promise(p.id, contact))

    def action_add_promise(self) -> None:
        contact = self._selected()
        if contact is not None:
            self.open_promise(contact)

    def action_edit_promise(self) -> None:
        contact = self._selected()
        if contact is not None:
            self._pick_promise(contact, "edit", lambda p: self.open_promise(contact, p))

    def open_promise(self, contact: tuple[int, str], promise=None) -> None:
        def closed(value) -> None:
            if value is not None:
                self._write_promise(value, promise.id if promise is not None else None, contact[1])

        self.push_screen(
            _loaded("widgets.promise_form", "PromiseScreen")(contact[0], contact[1], self.session.today, promise),
            callback=closed,
        )

    @work(thread=True, group="write")
    def _write_promise(self, promise, promise_id: int | None, who: str) -> None:
        try:
            said = f"{'Changed the' if promise_id else 'Added a'} promise with {who}."
            self.undoable([promise.contact_id], said, _operations().save_promise, self.session, promise, promise_id)
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        self.call_from_thread(self._done, said)

    # ------------------------------------------------- follow-ups, assessments

    def action_add_followup(self) -> None:
        """Plan a follow-up with the selected contact (`F` on a contact, `keepwarm followup add`)."""
        contact = self._selected()
        if contact is None:
            return

        def closed(item) -> None:
            if item is not None:
                at = f"{item.due.isoformat()}" + (f" {item.due_time:%H:%M}" if item.due_time else "")
                self._write_item("add_followup", item, f"Added a follow-up with {contact[1]}, due {at}.")

        form = _loaded("widgets.followup_form", "FollowUpScreen")(*contact, self.session.now, self.session.tz)
        self.push_screen(form, callback=closed)

    def action_assess(self) -> None:
        """Rate the relationship with the selected contact (`A` on a contact, `keepwarm assess`)."""
        contact = self._selected()
        if contact is None:
            return

        def closed(item) -> None:
            if item is not None:
                self._write_item("assess", item, f"Assessed {contact[1]}: mean {item.mean():.1f} of 5.")

        self.push_screen(_loaded("widgets.assess_form", "AssessScreen")(*contact, self.session.today), callback=closed)

    @work(thread=True, group="write")
    def _write_item(self, operation: str, item, done: str) -> None:
        """A dialog's record written through the CLI's core function of that name (`operations.<operation>`)."""
        try:
            self.undoable([item.contact_id], done, getattr(_operations(), operation), self.session, item)
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        self.call_from_thread(self._done, done)

    def action_add_contact(self) -> None:
        def closed(contact: Contact | int | AddInto | None) -> None:
            if isinstance(contact, int):
                self.open_contact(contact)  # the one already in the book, rather than a namesake
            elif isinstance(contact, tuple):  # AddInto: the details go to the one already in the book
                self._write_into(*contact)
            elif contact is not None:
                self._write_contact(contact)

        self.push_screen(_loaded("widgets.contact_form", "ContactFormScreen")(), callback=closed)

    @work(thread=True, group="write")
    def _write_contact(self, contact: Contact) -> None:
        try:
            contact_id = self.undoable_new(f"Added {contact.name}.", _operations().save_contact, self.session, contact)
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        # textual's `T | Awaitable[T]` result leaves mypy no T for a coroutine function.
        self.call_from_thread(self._contact_added, contact_id, contact.name)  # type: ignore[arg-type]

    @work(thread=True, group="write")
    def _write_into(self, contact_id: int, contact: Contact) -> None:
        from ..services.merge import add_details  # lazy for start-up: loaded with the first write, as operations

        try:
            added = self.undoable(
                [contact_id],
                lambda done: f"Added details to {done.contact.name}.",
                add_details,
                self.session,
                contact_id,
                contact,
            )
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message)
            return
        told = "; ".join(line.strip() for line in added.lines())
        self.call_from_thread(self._details_added, contact_id, f"{added.contact.name}: {told}.")

    def _details_added(self, contact_id: int, message: str) -> None:
        self.notify(message, title="Added to the contact in your book")
        self.data_changed()
        self.open_contact(contact_id)

    async def _contact_added(self, contact_id: int, name: str) -> None:
        self.notify(f"Added {name}.")
        if _showing(self.screen, "screens.welcome", "WelcomeScreen"):
            await self.pop_screen()
        self.data_changed()
        self.open_contact(contact_id)

    # ------------------------------------------------------- rules, data

    @work(thread=True, exclusive=True, group="reload")
    def reload_rules(self) -> None:
        self.gate.reload_rules()
        problems = len(self.session.runtime.messages())
        self.call_from_thread(self._reloaded, problems)

    def _reloaded(self, problems: int) -> None:
        self.notify(
            "Rules and plugins reloaded" + (f": {plural(problems, 'problem')}." if problems else ", all fine."),
            severity="warning" if problems else "information",
        )
        if isinstance(self.screen, DataScreen):
            self.screen.reload()

    def example_available(self) -> bool:
        return _operations().example_loader() is not None

    @work(thread=True, exclusive=True, group="example")
    def open_demo_book(self) -> None:
        """The example data in the demo book (as `keepwarm demo`), never in the user's database, then open it."""
        try:
            path = _operations().demo_book(self.session)
        except UserError as exc:
            self.call_from_thread(self._example_failed, exc.message)
            return
        self.call_from_thread(self.change_book, path)

    def _example_failed(self, message: str) -> None:
        if _showing(self.screen, "screens.welcome", "WelcomeScreen"):
            cast("WelcomeScreen", self.screen).busy(False)
        self._failed(message, "Example data not loaded")

    def change_book(self, path: Path | ServerBook) -> None:
        """Leave this database for another: the app closes and `tui.run` opens that one, nothing shared."""
        self.next_book = path
        self.exit()

    def action_own_book(self) -> None:
        if self.demo_home is not None:
            self.change_book(self.demo_home)

    async def _filled(self, message: str) -> None:
        self.notify(message)
        await self.leave_welcome_if_filled()

    async def leave_welcome_if_filled(self) -> None:
        if _queries().is_empty(self.session):
            if _showing(self.screen, "screens.welcome", "WelcomeScreen"):
                cast("WelcomeScreen", self.screen).busy(False)
            self.notify("Still empty.", severity="warning")
            return
        if _showing(self.screen, "screens.welcome", "WelcomeScreen"):
            await self.pop_screen()
        self.data_changed()

    def importer(self):
        """The contact importer's entry point, when the import module is installed."""
        return _operations().importer()

    @work(thread=True, exclusive=True, group="import")
    def import_file(self, path: str) -> None:
        try:
            summary = self.gate.run(_operations().import_file, self.session, Path(path).expanduser())
        except UserError as exc:
            self.call_from_thread(self._import_failed, exc.message)
            return
        # textual's `T | Awaitable[T]` result leaves mypy no T for a coroutine function.
        self.call_from_thread(self._filled, summary)  # type: ignore[arg-type]

    def _import_failed(self, message: str) -> None:
        if _showing(self.screen, "screens.welcome", "WelcomeScreen"):
            cast("WelcomeScreen", self.screen).show_import_error(message)
        else:
            self._failed(message, "Not imported")

    # ------------------------------------------------------------ calendar

    def calendar_export_available(self) -> bool:
        """Asked by the footer at every key: until the export has been loaded once (by `warm_up`, after
        the first paint), whether its module is there at all; then whether it loaded."""
        if self._calendar_export is None:
            if "keepwarm.calendar.export" not in sys.modules:
                return importlib.util.find_spec("keepwarm.calendar.export") is not None
            self._calendar_export = _operations().calendar_exporter() is not None
        return self._calendar_export

    @work(thread=True, exclusive=True, group="warm-up")
    def warm_up(self) -> None:
        """What the first paint did without: the calendar export (and `ics`), loaded in the background."""
        loaded = _operations().calendar_exporter() is not None
        self.call_from_thread(self._warmed_up, loaded)

    def _warmed_up(self, loaded: bool) -> None:
        self._calendar_export = loaded
        self.screen.refresh_bindings()

    def export_calendar(self) -> None:
        def closed(path: Path | None) -> None:
            if path is not None:
                self._write_calendar(path)

        self.push_screen(
            _loaded("widgets.path_dialog", "PathScreen")(
                "Export the follow-ups to an iCalendar file",
                "~/keepwarm-followups.ics",
                must_exist=False,
                action="Export",
                hint="import it into your calendar app; exporting again updates the events",
            ),
            callback=closed,
        )

    @work(thread=True, exclusive=True, group="export")
    def _write_calendar(self, path: Path) -> None:
        try:
            message = self.gate.run(_operations().export_calendar, self.session, path)
        except UserError as exc:
            self.call_from_thread(self._failed, exc.message, "Not exported")
            return
        self.call_from_thread(self.notify, message)
