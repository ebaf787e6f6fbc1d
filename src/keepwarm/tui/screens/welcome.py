"""The first screen on an empty database: the demo book, an import, or a first contact.

The example data goes into the demo book (`keepwarm demo`), its own database:
the user's stays empty, theirs alone. It also asks how many people a day the user
means to reach (the daily capacity, `[agenda] capacity` in config.toml): kept when
they take one of the three ways in, before an import spreads its people by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from ...errors import UserError
from ...services import operations
from ..keys import OwnKeysFirst
from ..render import short_path
from ..widgets.fields import Field

if TYPE_CHECKING:
    from textual import getters

    from ..app import KeepwarmApp

IMPORT_HELP = (
    "From the command line:\n"
    "  keepwarm import vcard contacts.vcf\n"
    "  keepwarm import csv contacts.csv\n"
    "then press r here, or start keepwarm again."
)


class WelcomeScreen(OwnKeysFirst, Screen):
    if TYPE_CHECKING:  # the app this runs in, as the type checker sees `self.app`
        app = getters.app(KeepwarmApp)
    BINDINGS = [
        Binding("e", "example", "Demo book", id="welcome.example", tooltip="Try keepwarm on made-up people"),
        Binding("i", "import", "Import", id="welcome.import"),
        Binding("a", "first_contact", "First contact", id="welcome.add"),
        Binding("r", "recheck", "Check again", id="welcome.recheck", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(id="welcome-center"):
            with Vertical(id="welcome-box", classes="dialog"):
                yield Label("Welcome to keepwarm", classes="form-title")
                yield Static(
                    Content.from_markup(
                        "Every morning keepwarm tells you [b]who[/] to reach out to and why, [b]how[/] to talk to them, "
                        "and [b]what[/] builds trust now: the best few each day, the rest spread over the days after.\n\n"
                        "[dim]Your database is empty:[/] $db",
                        db=short_path(self.app.session.db_path),
                    ),
                    id="welcome-text",
                )
                yield Field(
                    "People a day",
                    Input(
                        str(self.app.session.settings.agenda.capacity),
                        id="in-capacity",
                        compact=True,
                        type="integer",
                    ),
                    name="capacity",
                    hint="Today shows the best this many; the rest wait for the days after (0: no limit).",
                )
                yield Button(
                    "e  Try the demo book (example data, kept apart from yours)",
                    id="example",
                    compact=True,
                    variant="primary",
                    disabled=operations.example_loader() is None,
                )
                yield Button("i  Import contacts", id="import", compact=True)
                yield Button("a  Add my first contact", id="first", compact=True)
                with Vertical(id="import-panel"):
                    yield Static(IMPORT_HELP, id="import-help", markup=False)
                    if self.app.importer() is not None:
                        yield Field(
                            "File",
                            Input(placeholder="path to a .vcf or .csv file", id="in-import-path", compact=True),
                            name="import_path",
                            hint="vCard (.vcf) or CSV with a header row",
                        )
                        with Horizontal(classes="form-buttons"):
                            yield Button("Import the file", id="import-go", compact=True, variant="primary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Welcome"
        self.query_one("#import-panel").display = False
        first = self.query_one("#example", Button)
        (first if not first.disabled else self.query_one("#first", Button)).focus()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "example":
            return operations.example_loader() is not None
        return True

    def capacity_kept(self) -> bool:
        """Keep the daily capacity as typed (the settings file written if it changed); False, with the problem
        shown under it, when it is not a number of people a day."""
        field = self.query_one("#field-capacity", Field)
        try:
            from ...services.preferences import set_capacity  # lazy for start-up: the settings writer

            set_capacity(self.app.session, self.query_one("#in-capacity", Input).value)
        except UserError as exc:
            field.set_error(exc.message)
            self.query_one("#in-capacity", Input).focus()
            return False
        field.set_error(None)
        return True

    @on(Button.Pressed, "#example")
    def action_example(self) -> None:
        if not self.capacity_kept():
            return
        self.busy(True)
        self.app.open_demo_book()

    def busy(self, on: bool) -> None:
        """Show the loading indicator over the choices while example data or an import goes in."""
        self.query_one("#welcome-box").loading = on

    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        panel = self.query_one("#import-panel")
        panel.display = True
        try:
            self.query_one("#in-import-path", Input).focus()
        except Exception:
            pass

    @on(Button.Pressed, "#first")
    def action_first_contact(self) -> None:
        if self.capacity_kept():
            self.app.action_add_contact()

    @on(Button.Pressed, "#import-go")
    @on(Input.Submitted, "#in-import-path")
    def _import(self) -> None:
        path = self.query_one("#in-import-path", Input).value.strip()
        field = self.query_one("#field-import_path", Field)
        if not path:
            field.set_error("give the path of the file to import")
            return
        field.set_error(None)
        if not self.capacity_kept():
            return
        self.busy(True)
        self.app.import_file(path)

    async def action_recheck(self) -> None:
        await self.app.leave_welcome_if_filled()

    def show_import_error(self, message: str) -> None:
        self.busy(False)
        try:
            self.query_one("#field-import_path", Field).set_error(message)
        except Exception:
            self.notify(message, severity="error")
            return
        # The loading indicator took the focus away: give it back to the path, to correct it.
        self.query_one("#in-import-path", Input).focus()
