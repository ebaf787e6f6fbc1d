"""Accounts and their stakeholder maps: who covers which role, how warm, what is missing.

The list comes from `queries.account_rows`; the highlighted account's map from
`queries.account_view` (which is `detail.account_detail` plus the map by role).
"""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...errors import UserError
from ...services import queries
from ..cells import FittedTable
from ..charts import health_chart
from ..render import BAND_STYLE, SEVERITY, band_content, band_text, evidence, heading, plain, words
from ..screen_views import AccountRow, AccountView, Stakeholder
from ..views import Warning, view_of
from ..widgets.nav import NavBar
from ..widgets.pick_list import PickList
from .base import DataScreen

STATUS_TEXT = {
    "empty": ("nobody", "red"),
    "cold": ("cold", "red"),
    "cooling": ("cooling", "yellow"),
    "warm": ("warm", "green"),
    "unknown": ("?", ""),
}


COLUMNS = (
    ("role", "Role"),
    ("status", "Role is"),
    ("who", "Who"),
    ("health", "Health"),
    ("last", "Last touch"),
    ("title", "Title"),
)
#: On a narrow terminal, the columns that give way in turn (`cells.give_way`), and how narrow each may get.
GIVE_WAY = ((5, 8), (5, 1), (2, 12), (0, 12), (2, 8), (0, 6))


def _title(view: AccountView) -> Content:
    a = view.account
    title = Content.from_markup("[b]$n[/]", n=a.name)
    if view.health is not None:
        title += Content("  ") + band_content(view.health.score, view.health.band)
    if a.industry:
        title += Content.from_markup("  [dim]$i[/]", i=a.industry)
    return title


def _person_cells(role: str, status: Text, person: Stakeholder) -> list[Text]:
    return [
        plain(role),
        status,
        plain(person.name),
        band_text(person.health, person.band),
        plain(person.last_touch[:10] if person.last_touch else "never"),
        plain(person.title or ""),
    ]


def _map_rows(view: AccountView):
    """The stakeholder map's rows: (cells, row key, contact id or 0 for a role nobody covers)."""
    for entry in view.map:
        label, colour = STATUS_TEXT[entry.status]
        role = words(entry.role) if entry.role else "(no role)"
        if not entry.people:
            if entry.role is not None:
                yield (
                    [plain(role), Text(label, style=colour), Text("—", style="dim"), plain(""), plain(""), plain("")],
                    f"empty-{entry.role}",
                    0,
                )
            continue
        for n, person in enumerate(entry.people):
            first = n == 0
            yield (
                _person_cells(role if first else "", Text(label, style=colour) if first else Text(""), person),
                f"p-{person.id}",
                person.id,
            )


def _gaps(view: AccountView) -> Content:
    gaps = []
    if view.roles_uncovered:
        gaps.append(
            Content.from_markup("[$error]Nobody covers:[/] $r", r=", ".join(words(r) for r in view.roles_uncovered))
        )
    if view.roles_cold:
        gaps.append(Content.from_markup("[$error]Gone cold:[/] $r", r=", ".join(words(r) for r in view.roles_cold)))
    return Content("\n").join(gaps)


def _warnings(found: tuple[Warning, ...]) -> Content:
    if not found:
        return Content("\n").join([])
    lines = [heading("Account warnings")]
    for w in found:
        _, style = SEVERITY.get(w.severity, SEVERITY[2])
        lines.append(Content.from_markup(f"[{style}]! $m[/]", m=w.message))
        if w.evidence:
            lines.append(Content.from_markup("  [dim]$e[/]", e=evidence(w.evidence)))
    return Content("\n").join(lines)


def _notes(view: AccountView) -> Content:
    a = view.account
    notes = [
        (label, value)
        for label, value in (
            ("Culture", a.culture),
            ("Decisions", a.decision_making),
            ("Risk", a.risk_tolerance),
            ("Budget cycle", a.budget_cycle),
            ("Notes", a.notes),
        )
        if value
    ]
    if not notes:
        return Content("")
    return Content("\n").join(
        [heading("About them")] + [Content.from_markup("[dim]$k[/] $v", k=f"{k:<13}", v=v) for k, v in notes]
    )


class AccountsScreen(DataScreen):
    LOADING_TARGET = "#accounts-body"
    BINDINGS = [
        Binding("o", "open", "Open contact", id="accounts.open"),
        Binding("r", "refresh", "Refresh", id="accounts.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[AccountRow] = []
        self.current: AccountView | None = None
        self._shown_version = -1
        self.people: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("accounts")
        with Horizontal(id="accounts-body"):
            yield PickList(id="account-list")
            with VerticalScroll(id="account-view"):
                yield Static("", id="account-title")
                yield FittedTable(COLUMNS, GIVE_WAY, id="account-map", cursor_type="row")
                yield Vertical(id="account-health-chart", classes="chart-card")
                yield Static("", id="account-gaps")
                yield Static("", id="account-warnings")
                yield Static("", id="account-notes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Accounts"

    # ------------------------------------------------------------- data

    def fetch(self) -> list[AccountRow]:
        return [view_of(AccountRow, a) for a in queries.account_rows(self.app.session, self.app.gate.results())]

    def show(self, accounts: list[AccountRow]) -> None:
        self.accounts = accounts
        listing = self.query_one("#account-list", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        for a in accounts:
            style = BAND_STYLE.get(a.band or "", "$text-muted")
            score = "–" if a.health is None else str(a.health)
            listing.add_option(
                Option(
                    Content.from_markup(
                        f"[{style}]●[/] [b]$n[/]\n  [dim]$c · health $s[/]",
                        n=a.name,
                        c=f"{a.contacts} {'person' if a.contacts == 1 else 'people'}",
                        s=score,
                    ),
                    id=str(a.id),
                )
            )
        if not accounts:
            self.query_one("#account-title", Static).update(
                Content.from_markup("[dim]No accounts yet. Give a contact an account (a, or e on a contact).[/]")
            )
            return
        listing.highlighted = keep if keep is not None and keep < len(accounts) else 0
        listing.focus()
        self._load_account()

    @on(OptionList.OptionHighlighted, "#account-list")
    def _highlighted(self) -> None:
        self._load_account()

    def _load_account(self) -> None:
        listing = self.query_one("#account-list", OptionList)
        if listing.highlighted is None or not self.accounts:
            return
        account_id = int(cast(str, listing.get_option_at_index(listing.highlighted).id))  # options carry ids
        if (
            self.current is not None
            and self.current.account.id == account_id
            and self._shown_version == self.app.gate.version
        ):
            return
        self._fetch_account(account_id)

    @work(thread=True, exclusive=True, group="account")
    def _fetch_account(self, account_id: int) -> None:
        gate = self.app.gate
        try:
            version = gate.version
            view = AccountView.from_json(
                gate.run(lambda: queries.account_view(self.app.session, account_id, gate.results()))
            )
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self.show_account, view, version)

    def show_account(self, view: AccountView, version: int = -1) -> None:
        self.current = view
        self._shown_version = version
        self.query_one("#account-title", Static).update(_title(view))
        rows, keys = [], []
        self.people = []
        for row, key, person in _map_rows(view):
            rows.append(row)
            keys.append(key)
            self.people.append(person)
        self.query_one("#account-map", FittedTable).fill(rows, keys)
        self.query_one("#account-gaps", Static).update(_gaps(view))
        self.query_one("#account-warnings", Static).update(_warnings(view.warnings))
        self.query_one("#account-notes", Static).update(_notes(view))
        box = self.query_one("#account-health-chart", Vertical)
        box.display = bool(view.health_history)  # an account with no one in it has no health
        if view.health_history:
            from ..widgets.charts import show_chart  # lazy for start-up: plotext loads with the first chart

            show_chart(box, "account-chart", health_chart(view.account.name, view.health_history))

    # ------------------------------------------------------------ state

    def selected_contact(self) -> tuple[int, str] | None:
        table = self.query_one("#account-map", DataTable)
        if self.current is None or not self.people or table.cursor_row is None:
            return None
        if not 0 <= table.cursor_row < len(self.people) or not self.people[table.cursor_row]:
            return None
        cid = self.people[table.cursor_row]
        name = next((s.name for s in self.current.stakeholders if s.id == cid), str(cid))
        return cid, name

    @on(DataTable.RowSelected, "#account-map")
    def _open_row(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        picked = self.selected_contact()
        if picked:
            self.app.open_contact(picked[0])

    def action_refresh(self) -> None:
        self.reload()
