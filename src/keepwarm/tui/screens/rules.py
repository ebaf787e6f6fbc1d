"""The effective rules, where each value comes from, and what is wrong with the user's TOML.

Edit a file in your rules folder, then press `r`: the runtime is rebuilt
(`session.reload_runtime()`) in a worker and every screen recomputes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Header, Static

from ...home import paths
from ...services import queries
from ...text.wording import plural
from ..cells import FittedTable
from ..render import plain, short_path
from ..screen_views import RulesView
from ..widgets.nav import NavBar
from .base import DataScreen

COLUMNS = (("key", "Setting"), ("origin", "From"), ("value", "Value"))
#: On a narrow terminal, the columns that give way in turn (`cells.give_way`), and how narrow each may get.
GIVE_WAY = ((2, 24), (0, 24), (1, 12), (2, 1), (0, 1), (1, 1))


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return str(value)


class RulesScreen(DataScreen):
    LOADING_TARGET = "#rules-body"
    BINDINGS = [
        Binding("r", "reload", "Reload rules", id="rules.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("rules")
        with Vertical(id="rules-body"):
            yield Static("", id="rules-problems", classes="problems")
            yield Static("", id="rules-summary")
            yield FittedTable(COLUMNS, GIVE_WAY, id="rules-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Rules"

    def fetch(self) -> RulesView:
        data = self.app.gate.run(lambda: queries.rules_view(self.app.session.runtime))
        return RulesView.from_json(data, str(paths.user_rules_dir()))

    def show(self, data: RulesView) -> None:
        self.data = data
        folder = data.folder
        problems = self.query_one("#rules-problems", Static)
        if data.problems:
            problems.update(
                Content("\n").join(
                    [
                        Content.from_markup(
                            "[b $error]$n in the rules; the sections they touch use defaults "
                            "or switch their plugin off[/]",
                            n=plural(len(data.problems), "problem"),
                        )
                    ]
                    + [Content(text.replace(folder, short_path(folder))) for text in data.problems]
                )
            )
            problems.display = True
        else:
            problems.display = False
        user = sum(1 for f in data.files if f.startswith(folder))
        self.query_one("#rules-summary", Static).update(
            Content.from_markup(
                "[dim]$n read ($u yours). Edit your rules in[/] $folder [dim]then press[/] r",
                n=f"{len(data.files)} file{'' if len(data.files) == 1 else 's'}",
                u=str(user),
                folder=short_path(folder),
            )
        )
        rows, keys = [], []
        for row in data.rows:
            origin = row.origin
            if origin.startswith(folder):
                origin = "yours: " + origin[len(folder) :].lstrip("/")
            elif origin != "default":
                origin = "shipped: " + origin.rsplit("/", 1)[-1]
            if row.invalid:
                rows.append(
                    [
                        Text(row.key, style="red"),
                        Text(f"{origin}: invalid, default used", style="red"),
                        plain(_value(row.value)),
                    ]
                )
            else:
                rows.append([plain(row.key), plain(origin), plain(_value(row.value))])
            keys.append(row.key)
        self.query_one("#rules-table", FittedTable).fill(rows, keys)

    def action_reload(self) -> None:
        self.app.reload_rules()
