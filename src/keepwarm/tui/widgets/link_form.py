"""Link the contact shown to someone they know (`keepwarm link A B --as KIND`, in a dialog).

The other person is named as the merge's picker names them (a name or #id),
the kind as `--as` reads it (reports to, introduced by, partner, former
colleague, mentor of, or words of your own, kept as a label). Checked as you
type by `services.links.check_link`, the CLI's own reading; the sentence the
link will say is shown before saving. The contact screen writes it.
"""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, Input, Label, Static

from ...model import LinkKind
from ...services import forms, links
from ...store import contacts as people
from .fields import Field
from .form_dialog import CheckedDialog


class LinkScreen(CheckedDialog):
    """Hands back (other id, LinkKind, label), or None on esc."""

    DEFAULT_CSS = """
    #link-dialog { width: 72; }
    #link-says { margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="link.save"),
        Binding("escape", "cancel", "Cancel", id="link.cancel"),
    ]
    FIRST = "#in-other"
    DISCARD = "Discard this link?"

    def __init__(self, session, contact_id: int, who: str) -> None:
        super().__init__({"other": "", "kind": ""})
        self.session, self.contact_id, self.who = session, contact_id, who

    def validate(self, values: dict) -> forms.Checked:
        checked = links.check_link(self.session, values, self.contact_id)
        self._say(checked)
        return checked

    def _say(self, checked: forms.Checked) -> None:
        """The sentence the link will say, once both fields check out."""
        text = ""
        if checked.ok and checked.value is not None:
            other_id, kind, label = cast("tuple[int, LinkKind, str]", checked.value)
            with self.session.store.read() as conn:
                other = people.get_contact(conn, other_id).name
            text = f"{self.who} {links.store.says(kind, label, first=True)} {other}"
        try:
            self.query_one("#link-says", Static).update(text)
        except NoMatches:  # not composed yet
            pass

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="link-dialog"):
            yield Label(f"Link {self.who} to someone they know", classes="form-title", markup=False)
            yield Field(
                "Who",
                Input("", id="in-other", compact=True, placeholder="a name or #id"),
                name="other",
                hint="the other person, in your book",
            )
            yield Field(
                "As",
                Input("", id="in-kind", compact=True, placeholder="reports to"),
                name="kind",
                hint=f"{self.who.split()[0] if self.who.split() else 'they'} ... the other: reports to, introduced by, "
                "partner, former colleague, mentor of, or your own words",
            )
            yield Static("", id="link-says", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)
