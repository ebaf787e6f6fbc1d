"""Log an interaction: a dialog reachable with `l` from every screen.

Prefilled with the selected contact (and, from the agenda, the follow-up being
marked done and its suggested channel). It checks as you type through
`forms.check_touch`; the caller writes the result in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea
from textual.worker import get_current_worker

from ...errors import UserError
from ...model import Channel, Direction, Outcome, Purpose
from ...services import forms, operations
from ...text.wording import plural
from ..keys import TypingWhenShown
from ..render import words
from .confirm import ConfirmScreen
from .fields import Field

if TYPE_CHECKING:
    from textual import getters

    from ..app import KeepwarmApp


def _options(enum) -> list[tuple[str, str]]:
    return [(words(m.value), m.value) for m in enum]


SENTIMENTS = [("+2 very good", "2"), ("+1 good", "1"), ("0 neutral", "0"), ("-1 strained", "-1"), ("-2 bad", "-2")]


@dataclass
class LogRequest:
    """What the dialog starts with."""

    contacts: list[tuple[int, str]]
    channel: str | None = None
    followup_id: int | None = None
    reason: str = ""


@dataclass
class LogResult:
    fields: dict
    followup_id: int | None
    names: str


class LogScreen(TypingWhenShown, ModalScreen[LogResult | None]):
    if TYPE_CHECKING:  # the app this runs in, as the type checker sees `self.app`
        app = getters.app(KeepwarmApp)
    BINDINGS = [
        Binding("ctrl+s", "save", "Log it", id="log.save"),
        Binding("escape", "cancel", "Cancel", id="log.cancel"),
    ]

    def __init__(self, request: LogRequest) -> None:
        super().__init__(classes="dialog-screen")
        self.request = request
        self.contact_ids = [cid for cid, _ in request.contacts]
        self.contact_error: str | None = None
        self.resolving = False
        self.touched: set[str] = set()
        self.reveal_all = False
        self.checked: forms.Checked | None = None

    def compose(self) -> ComposeResult:
        names = ", ".join(name if "," not in name else str(cid) for cid, name in self.request.contacts)
        title = "Log an interaction" + (f" — {self.request.reason}" if self.request.reason else "")
        with Vertical(classes="dialog", id="log-dialog"):
            yield Label(title, classes="form-title", markup=False)
            with VerticalScroll(classes="form-body"):
                yield Field(
                    "With",
                    Input(names, id="in-contacts", compact=True, placeholder="names or ids, commas between"),
                    name="contacts",
                    hint="names or ids, separated by commas",
                )
                yield Field(
                    "Channel",
                    Select(
                        _options(Channel),
                        value=self.request.channel or "call",
                        allow_blank=False,
                        id="in-channel",
                        compact=True,
                    ),
                    name="channel",
                )
                yield Field(
                    "Direction",
                    Select(_options(Direction), value="outbound", allow_blank=False, id="in-direction", compact=True),
                    name="direction",
                    hint="inbound when they reached out first",
                )
                yield Field(
                    "Purpose",
                    Select(_options(Purpose), value="check_in", allow_blank=False, id="in-purpose", compact=True),
                    name="purpose",
                )
                yield Field(
                    "Outcome",
                    Select(_options(Outcome), value="completed", allow_blank=False, id="in-outcome", compact=True),
                    name="outcome",
                )
                yield Field(
                    "When",
                    Input("now", id="in-when", compact=True),
                    name="when",
                    hint="now, yesterday 15:00, 2026-11-20",
                )
                yield Field(
                    "Mood", Select(SENTIMENTS, id="in-sentiment", compact=True, prompt="– not noted"), name="sentiment"
                )
                yield Field(
                    "They replied",
                    Select([("yes", "yes"), ("no", "no")], id="in-responded", compact=True, prompt="– not noted"),
                    name="responded",
                )
                yield Field(
                    "Notes", TextArea(id="in-notes", compact=True), name="notes", hint="what you heard, in your words"
                )
            with Horizontal(classes="form-buttons"):
                yield Button("Log it  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)
                yield Label("", id="form-status")

    def on_mount(self) -> None:
        self.initial = self._typed()
        self.check()
        self.query_one("#in-channel" if self.contact_ids else "#in-contacts").focus()

    def _typed(self) -> dict:
        """What the user can change in the form, to tell whether Esc would lose anything."""
        values = self.values()
        values["contact_ids"] = self.query_one("#in-contacts", Input).value
        return values

    def values(self) -> dict:
        def pick(selector: str):
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else value

        return {
            "contact_ids": self.contact_ids,
            "channel": pick("#in-channel"),
            "direction": pick("#in-direction"),
            "purpose": pick("#in-purpose"),
            "outcome": pick("#in-outcome"),
            "when": self.query_one("#in-when", Input).value,
            "sentiment": pick("#in-sentiment"),
            "responded": pick("#in-responded"),
            "notes": self.query_one("#in-notes", TextArea).text,
        }

    def check(self) -> forms.Checked:
        session = self.app.session
        self.checked = forms.check_touch(self.values(), session.now, session.tz)
        errors = dict(self.checked.errors)
        if self.contact_error:
            errors["contacts"] = self.contact_error
        shown = {k: v for k, v in errors.items() if self.reveal_all or k in self.touched}
        for field in self.query(Field):
            field.set_error(shown.get(field.field_name))
        self.query_one("#form-status", Label).update("" if not shown else f"{plural(len(shown), 'field')} to fix")
        return self.checked

    @on(Input.Changed, "#in-contacts")
    def _contacts_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.touched.add("contacts")
        self.resolving = True
        self._resolve(event.value)

    @work(thread=True, exclusive=True, group="resolve")
    def _resolve(self, text: str) -> None:
        try:
            ids, error = operations.resolve_contacts(self.app.session, text), None
        except UserError as exc:
            ids, error = [], exc.message.removeprefix("contact: ").removeprefix("contacts: ")
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._resolved, ids, error)

    def _resolved(self, ids: list[int], error: str | None) -> None:
        self.contact_ids, self.contact_error, self.resolving = ids, error, False
        self.check()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        control = event.control
        if control is not None and control.id == "in-contacts":
            return
        if control is not None and control.id and control.id.startswith("in-"):
            self.touched.add(control.id[3:])
        self.check()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.reveal_all = True
        checked = self.check()
        if not checked.ok or self.contact_error or self.resolving:
            if not self.resolving:
                first = next((f for f in self.query(Field) if f.error), None)
                if first is not None:
                    first.control.focus()
            return
        # A checked log form that is ok holds the keyword arguments of the log (forms.check_touch).
        fields = cast(dict, checked.value)
        self.dismiss(LogResult(fields, self.request.followup_id, self.query_one("#in-contacts", Input).value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self._typed() == self.initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard this log?", yes="Discard", no="Keep editing"), callback=answered)
