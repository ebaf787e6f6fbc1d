"""The loaded plugins: where each comes from, which hooks it answers, what went wrong."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from ... import queries
from ...wording import plural
from ..render import plain
from ..widgets.nav import NavBar
from .base import DataScreen


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
            yield DataTable(id="plugins-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="plugins-problems", classes="problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Plugins"
        table = self.query_one("#plugins-table", DataTable)
        for key, label in (("name", "Plugin"), ("source", "Source"), ("version", "Version"),
                           ("section", "Rules section"), ("hooks", "Hooks / state"), ("origin", "From")):
            table.add_column(label, key=key)

    def fetch(self) -> dict:
        return self.app.gate.run(lambda: queries.plugins_view(self.app.session.runtime))

    def show(self, data: dict) -> None:
        table = self.query_one("#plugins-table", DataTable)
        table.clear()
        active = 0
        for p in data["plugins"]:
            if p["error"]:
                state = Text("error: " + p["error"], style="red")
            elif p["disabled"]:
                state = Text("off: " + p["disabled"], style="yellow")
            else:
                active += 1
                state = plain(", ".join(h.removeprefix("keepwarm_") for h in p["hooks"]))
            table.add_row(plain(p["name"]), plain(p["source"]), plain(p["version"]), plain(p["section"] or "–"),
                          state, plain(p["origin"]), key=p["name"])
        failed = sum(1 for p in data["plugins"] if p["error"])
        self.query_one("#plugins-summary", Static).update(Content.from_markup(
            "$a active of $n" + (" · [$error]$f failed to load[/]" if failed else ""),
            a=str(active), n=plural(len(data["plugins"]), "plugin"), f=str(failed),
        ))
        problems = self.query_one("#plugins-problems", Static)
        if data["messages"]:
            problems.update(Content("\n").join(
                [Content.from_markup("[b $error]Problems[/]")] + [Content(m) for m in data["messages"]]))
            problems.display = True
        else:
            problems.display = False

    def action_reload(self) -> None:
        self.app.reload_rules()
