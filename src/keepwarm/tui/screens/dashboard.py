"""The relationship KPIs (`keepwarm.services.dashboard.kpis`), overall or for one owner."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Label, Select, Static

from ...services import dashboard
from ...text.wording import about, plural
from ..cells import FittedTable
from ..charts import mean_health_chart, touches_chart
from ..render import BAND_STYLE, plain
from ..screen_views import HealthBands, Kpis, KpiSection, Touches
from ..widgets.nav import NavBar
from .base import DataScreen

EVERYONE = "__everyone__"
TREND_COLUMNS = (
    ("month", "Month"),
    ("touches", "Touches"),
    ("inbound", "Inbound"),
    ("unprompted", "Unprompted"),
    ("health", "Mean health"),
    ("assessed", "Assessed"),
)
#: On a narrow terminal, the columns that give way in turn (`cells.give_way`): the labels before the numbers.
TREND_GIVE_WAY = ((4, 6), (3, 6), (5, 6), (2, 5), (1, 5), (4, 1), (3, 1), (5, 1))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _card(title: str, big: str, lines: list[Content]) -> Content:
    head = Content.from_markup("[dim]$t[/]\n[b]$b[/]", t=title, b=big)
    return Content("\n").join([head, *lines])


def _bar(health: HealthBands, width: int = 24) -> Content:
    total = sum(health.count(b) for b in dashboard.BANDS)
    if not total:
        return Content("")
    parts = []
    for band in dashboard.BANDS:
        cells = round(health.count(band) / total * width)
        if cells:
            parts.append(Content.styled("█" * cells, BAND_STYLE[band]))
    return Content("").join(parts)


def _touches_card(key: str, name: str, t: Touches) -> Content:
    return _card(
        f"Touches {name}",
        f"{t.done} of {about(t.plan_to_date)} planned so far",
        [
            Content.from_markup(
                "[dim]$r of plan · $p planned for the whole $n[/]",
                r=_pct(dashboard.plan_share(t.done, t.plan_to_date)),
                p=about(t.plan),
                n=key,
            )
        ],
    )


class DashboardScreen(DataScreen):
    LOADING_TARGET = "#dashboard-body"
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="dashboard.refresh"),
        Binding(
            "t",
            "app.team",
            "Team",
            id="dashboard.team",
            show=False,
            tooltip="The manager's view: each person's touches against plan, promises, key stakeholders, accounts",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: Kpis | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("dashboard")
        with VerticalScroll(id="dashboard-body"):
            with Horizontal(id="dash-top"):
                yield Label("", id="dash-period")
                yield Select([("everyone", EVERYONE)], value=EVERYONE, id="owner", compact=True, allow_blank=False)
            with Grid(id="kpi-cards"):
                for key in ("week", "month", "key", "overdue", "inbound", "health"):
                    yield Static("", id=f"kpi-{key}", classes="card kpi")
            yield Label("Last six months", classes="section-title")
            yield Horizontal(id="trend-charts")
            yield FittedTable(TREND_COLUMNS, TREND_GIVE_WAY, id="trend-table", cursor_type="none", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Dashboard"
        self.query_one("#owner", Select).display = False

    def fetch(self) -> Kpis:
        return Kpis.from_json(self.app.gate.run(dashboard.kpis, self.app.session, results=self.app.gate.results()))

    def show(self, data: Kpis) -> None:
        self.data = data
        owner = self.query_one("#owner", Select)
        if len(data.owners) > 1:
            current = owner.value
            owner.set_options([("everyone", EVERYONE)] + [(o, o) for o in data.owners])
            owner.value = current if current in data.owners else EVERYONE
            owner.display = True
        else:
            owner.display = False
        week, month = data.week_start, data.month_start
        self.query_one("#dash-period", Label).update(f"Week of {week:%d %b} · {month:%B %Y}")
        self.render_section()

    @on(Select.Changed, "#owner")
    def _owner(self) -> None:
        if self.data is not None:
            self.render_section()

    def section(self) -> KpiSection:
        assert self.data is not None
        owner = self.query_one("#owner", Select).value
        if owner in (EVERYONE, Select.NULL) or not self.data.by_owner:
            return self.data.overall
        return self.data.by_owner[str(owner)]

    def render_section(self) -> None:
        s = self.section()
        for key, name, t in (("week", "this week", s.touches_week), ("month", "this month", s.touches_month)):
            self.query_one(f"#kpi-{key}", Static).update(_touches_card(key, name, t))
        self.query_one("#kpi-key", Static).update(_key_card(s.key_on_cadence))
        self.query_one("#kpi-overdue", Static).update(_overdue_card(s))
        self.query_one("#kpi-inbound", Static).update(_inbound_card(s.inbound))
        self.query_one("#kpi-health", Static).update(_health_card(s.health))
        trend = s.trend
        from ..widgets.charts import show_chart  # lazy for start-up: plotext loads with the first chart

        box = self.query_one("#trend-charts", Horizontal)
        show_chart(box, "chart-touches", touches_chart(trend))
        show_chart(box, "chart-health", mean_health_chart(trend))
        self.query_one("#trend-table", FittedTable).fill(
            [
                [
                    plain(m.month),
                    plain(m.touches),
                    plain(m.inbound),
                    plain(_pct(m.unprompted_share)),
                    plain("–" if m.mean_health is None else f"{m.mean_health:g}"),
                    plain("–" if m.mean_assessment is None else f"{m.mean_assessment:.2f}"),
                ]
                for m in trend
            ],
            [None] * len(trend),
        )

    def action_refresh(self) -> None:
        self.reload()


def _key_card(k):
    behind = ", ".join(p.name for p in k.behind[:4]) + (" …" if len(k.behind) > 4 else "")
    return _card(
        "Key stakeholders on cadence",
        f"{k.on_cadence} of {k.key} ({_pct(k.share)})",
        [Content.from_markup("[dim]behind: $b[/]", b=behind)] if behind else [],
    )


def _overdue_card(s):
    p = s.overdue_promises
    return _card(
        "Overdue",
        plural(s.overdue_followups, "follow-up"),
        [Content.from_markup("promises: [b]$m[/] of mine, $t of theirs", m=str(p.mine), t=str(p.theirs))],
    )


def _inbound_card(b):
    return _card(
        f"They reached out (last {plural(b.window_days, 'day')})",
        f"{_pct(b.share)} inbound",
        [
            Content.from_markup(
                "[dim]$i of $t · unprompted $u[/]",
                i=str(b.inbound),
                t=plural(b.touches, "touch"),
                u=_pct(b.unprompted_share),
            )
        ],
    )


def _health_card(h):
    mean = "–" if h.mean is None else f"{h.mean:g}"
    return _card(
        "Health",
        f"mean {mean}",
        [
            _bar(h),
            Content.from_markup(
                "[$success]warm $w[/] · [$warning]cooling $c[/] · [$error]cold $k[/]",
                w=str(h.count("warm")),
                c=str(h.count("cooling")),
                k=str(h.count("cold")),
            ),
        ],
    )
