"""The loaded plugins: where each comes from, which hooks it answers, what went wrong."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from ...hosting import budget
from ...services import queries
from ...text.wording import plural
from ..cells import FittedTable
from ..render import plain
from ..screen_views import PluginsView
from ..widgets.nav import NavBar
from .base import DataScreen

COLUMNS = (
    ("name", "Plugin"),
    ("source", "Source"),
    ("version", "Version"),
    ("section", "Rules section"),
    ("hooks", "Hooks / state"),
    ("origin", "From"),
)
#: On a narrow terminal, the columns that give way in turn (`cells.give_way`), and how narrow each may get.
GIVE_WAY = ((5, 16), (3, 10), (5, 1), (4, 24), (1, 8), (0, 14), (4, 8), (2, 5))


class PluginsScreen(DataScreen):
    LOADING_TARGET = "#plugins-body"
    BINDINGS = [
        Binding("r", "reload", "Reload plugins and rules", id="plugins.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("plugins")
        with Vertical(id="plugins-body"):
            yield Static("", id="plugins-summary")
            yield FittedTable(COLUMNS, GIVE_WAY, id="plugins-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="plugins-problems", classes="problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Plugins"

    #: Seconds between looks at the plugins while one of them is inside a call.
    POLL_SECONDS = 0.5

    def fetch(self) -> PluginsView:
        """The plugin list without queueing behind the engine: a run stuck in a slow plugin holds the gate for up
        to its budget, and this screen is where the user goes to see which plugin that is. Only a runtime that is
        not loaded yet is loaded through the gate (loading has its own budget)."""
        session = self.app.session
        runtime = session.__dict__.get("runtime")
        if runtime is None:
            runtime = self.app.gate.run(lambda: session.runtime)
        return PluginsView.from_json(queries.plugins_view(runtime), budget.in_progress(runtime.host))

    def show(self, data: PluginsView) -> None:
        rows, keys = [], []
        active = 0
        for p in data.plugins:
            if p.error:
                state = Text("error: " + p.error, style="red")
            elif p.name in data.running:
                active += 1
                state = Text("running: " + data.running[p.name].removeprefix("keepwarm_"), style="yellow")
            elif p.disabled:
                state = Text("off: " + p.disabled, style="yellow")
            else:
                active += 1
                state = plain(", ".join(h.removeprefix("keepwarm_") for h in p.hooks))
            rows.append(
                [plain(p.name), plain(p.source), plain(p.version), plain(p.section or "–"), state, plain(p.origin)]
            )
            keys.append(p.name)
        self.query_one("#plugins-table", FittedTable).fill(rows, keys)
        failed = sum(1 for p in data.plugins if p.error)
        self.query_one("#plugins-summary", Static).update(
            Content.from_markup(
                "$a active of $n" + (" · [$error]$f failed to load[/]" if failed else ""),
                a=str(active),
                n=plural(len(data.plugins), "plugin"),
                f=str(failed),
            )
        )
        problems = self.query_one("#plugins-problems", Static)
        if data.messages:
            problems.update(
                Content("\n").join([Content.from_markup("[b $error]Problems[/]")] + [Content(m) for m in data.messages])
            )
            problems.display = True
        else:
            problems.display = False

        if data.running and self._poll is None:
            self._poll = self.set_interval(self.POLL_SECONDS, self._look_again)
        elif not data.running and self._poll is not None:
            self._poll.stop()
            self._poll = None

    _poll: Timer | None = None

    def _look_again(self) -> None:
        """A plugin was inside a call: look again, to show it done or too slow as soon as it is."""
        if self.is_current:
            self._load(self.app)

    def action_reload(self) -> None:
        self.app.reload_rules()
