"""The manager's view (`keepwarm.services.team.team_dashboard`): a row per person, their trends and accounts.

Opened from the Dashboard (`t`) or the palette, over it. The highlighted person's touches week by week
(against what their rhythms asked for) and the health of their contacts and accounts are charted under the
table, their accounts listed with the stakeholder roles nobody covers. Names are other people's text: every
cell is plain text, never markup, and the charts make control characters visible.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label

from ...text.controls import visible
from ...text.wording import about
from ..cells import FittedTable
from ..charts import team_health_chart, team_touches_chart
from ..render import band_text, plain
from ..team_views import TeamPerson, TeamView
from ..widgets.nav import NavBar
from .base import DataScreen

PEOPLE_COLUMNS = (
    ("person", "Person"),
    ("touches", "Touches / plan"),
    ("late", "Late follow-ups"),
    ("promises", "Promises on time"),
    ("key", "Key on cadence"),
    ("health", "Health"),
    ("accounts", "Accounts"),
    ("roles", "Key roles covered"),
)
#: On a narrow terminal, the columns that give way in turn (`cells.give_way`), and how narrow each may get.
PEOPLE_GIVE_WAY = ((0, 14), (7, 8), (3, 8), (2, 6), (4, 8), (1, 10), (0, 8))
ACCOUNT_COLUMNS = (
    ("account", "Account"),
    ("health", "Health"),
    ("change", "4 weeks"),
    ("roles", "Roles covered"),
    ("missing", "Key roles missing"),
)
ACCOUNT_GIVE_WAY = ((4, 16), (0, 14), (3, 6))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _change(value: float | None) -> str:
    return "–" if value is None else f"{value:+g}"


def _mean(value: float | None, change: float | None) -> str:
    return "–" if value is None else f"{value:g} ({_change(change)})"


def _person_row(p: TeamPerson) -> list[Text]:
    t, k, c = p.touches, p.key_on_cadence, p.coverage
    return [
        plain(visible(p.name, multiline=False)),
        plain(f"{t.done} of {about(t.plan_to_date)}"),
        Text(str(p.followups_overdue), style="red" if p.followups_overdue else ""),
        plain(f"{_pct(p.promises.share)} of {p.promises.due}"),
        plain(f"{k.on_cadence} of {k.key}"),
        plain(_mean(p.health.mean, p.health.change)),
        plain(_mean(p.account_health.mean, p.account_health.change)),
        plain(f"{c.covered} of {c.key_roles}"),
    ]


class TeamScreen(DataScreen):
    LOADING_TARGET = "#team-body"
    AUTO_FOCUS = "#team-table"
    BINDINGS = [
        Binding("escape", "back", "Back", id="team.back"),
        Binding("r", "refresh", "Refresh", id="team.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: TeamView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("dashboard")
        with VerticalScroll(id="team-body"):
            yield Label("", id="team-period")
            yield FittedTable(PEOPLE_COLUMNS, PEOPLE_GIVE_WAY, id="team-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="team-person", classes="section-title")
            yield Horizontal(id="team-charts")
            yield FittedTable(ACCOUNT_COLUMNS, ACCOUNT_GIVE_WAY, id="team-accounts", cursor_type="none")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Team"

    def fetch(self) -> TeamView:
        from ...services import team  # lazy for start-up: the team's reads load with the screen's first fetch

        return TeamView.from_json(
            self.app.gate.run(team.team_dashboard, self.app.session, results=self.app.gate.results())
        )

    def show(self, data: TeamView) -> None:
        self.data = data
        weeks = len(data.weeks)
        self.query_one("#team-period", Label).update(
            f"Week of {data.week_start:%d %b} up to {data.on:%a %d %b} · trends over {weeks} weeks"
        )
        table = self.query_one("#team-table", FittedTable)
        row = table.cursor_row if table.row_count else 0
        table.fill([_person_row(p) for p in data.people], [str(n) for n in range(len(data.people))])
        if data.people:
            table.move_cursor(row=min(row, len(data.people) - 1), animate=False)
            self.show_person(min(row, len(data.people) - 1))

    @on(DataTable.RowHighlighted, "#team-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.data is not None and event.row_key.value is not None:
            self.show_person(int(event.row_key.value))

    def show_person(self, index: int) -> None:
        assert self.data is not None
        person = self.data.people[index]
        self.query_one("#team-person", Label).update(
            Text(f"{visible(person.name, multiline=False)}: the last {len(self.data.weeks)} weeks")
        )
        from ..widgets.charts import show_chart  # lazy for start-up: plotext loads with the first chart

        box = self.query_one("#team-charts", Horizontal)
        show_chart(box, "chart-team-touches", team_touches_chart(person, self.data.weeks))
        show_chart(box, "chart-team-health", team_health_chart(person, self.data.weeks))
        self.query_one("#team-accounts", FittedTable).fill(
            [
                [
                    plain(visible(a.name, multiline=False)),
                    band_text(a.health, a.band),
                    plain(_change(a.change)),
                    plain(f"{a.roles_covered} of {a.roles}"),
                    plain(", ".join(r.replace("_", " ") for r in a.key_roles_missing) or "none"),
                ]
                for a in person.accounts
            ],
            [str(a.id) for a in person.accounts],
        )

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.reload()
