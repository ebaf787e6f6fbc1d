"""The contact form: every field, checked through the Contact model as you type.

Used in place on the contact screen (edit) and in a dialog (add). It only
checks and hands the validated record up in a message; the screen that owns it
writes it, whole, in a worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, TextArea

from ...model import Channel, Contact, Motivation, Role, SocialStyle, Stage, Tier
from ...services import forms, operations
from ...store.contacts import describe
from ...text.wording import plural
from ..keys import TypingWhenShown
from ..render import words
from .confirm import ConfirmScreen, PickScreen
from .fields import Field

if TYPE_CHECKING:
    from textual import getters

    from ..app import KeepwarmApp


def _options(enum) -> list[tuple[str, str]]:
    return [(words(m.value), m.value) for m in enum]


def _input(value: object, name: str) -> Input:
    """A text field that keeps its text when focused: a key typed on arrival adds to it, never replaces it."""
    return Input(str(value), id=f"in-{name}", compact=True, select_on_focus=False)


TEXT = (
    ("name", "Name", ""),
    ("account", "Account", "created when new"),
    ("title", "Title", ""),
)
MORE_TEXT = (
    ("emails", "Emails", "separate several with commas"),
    ("phones", "Phones", "separate several with commas"),
    ("best_time", "Best time", "e.g. mornings, Tue/Thu"),
    ("motivations", "Motivations", ", ".join(m.value for m in Motivation)),
    ("interests", "Interests", "e.g. college football, sailing"),
    ("birthday", "Birthday", "1985-03-14, or 03-14 without a year"),
    ("work_anniversary", "Work anniv.", "the day they started, e.g. 2019-09-01"),
    ("other_dates", "Other dates", "label=date; label=date"),
    ("tags", "Tags", "separate several with commas"),
    ("owner", "Owner", "who on the team keeps this relationship"),
)


class ContactForm(Vertical):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    class Saved(Message):
        def __init__(self, form: "ContactForm", contact: Contact, contact_id: int | None) -> None:
            super().__init__()
            self.form = form
            self.contact = contact
            self.contact_id = contact_id

    class Cancelled(Message):
        def __init__(self, form: "ContactForm") -> None:
            super().__init__()
            self.form = form

    def __init__(
        self, contact: Contact | None = None, *, id: str | None = None, title: str = "", focus: bool = True
    ) -> None:
        super().__init__(id=id, classes="contact-form")
        self.base = contact
        self.title = title or (f"Edit {contact.name}" if contact else "New contact")
        self.checked: forms.Checked | None = None
        self.initial: dict[str, object] = {}
        #: False when built ahead, hidden, for an `e` to come: the screen focuses it when it shows it.
        self.focus_on_mount = focus
        self._ready = False
        # Problems show for fields the user has touched, and for all after a save attempt.
        self.touched: set[str] = set()
        self.reveal_all = False

    def compose(self) -> ComposeResult:
        values = forms.contact_to_form(self.base)
        yield Label(self.title, classes="form-title")
        with VerticalScroll(classes="form-body"):
            for name, label, hint in TEXT:
                yield Field(label, _input(values[name], name), name=name, hint=hint)
            for name, label, enum, blank in (
                ("role", "Role", Role, True),
                ("style", "Social style", SocialStyle, False),
                ("tier", "Tier", Tier, False),
                ("stage", "Stage", Stage, False),
                ("preferred_channel", "Channel", Channel, True),
            ):
                current = values[name] if values[name] is not None else Select.NULL
                yield Field(
                    label,
                    Select(_options(enum), value=current, allow_blank=blank, id=f"in-{name}", compact=True, prompt="–"),
                    name=name,
                )
            yield Field(
                "Do not contact",
                Checkbox("never propose touches", bool(values["do_not_contact"]), id="in-do_not_contact", compact=True),
                name="do_not_contact",
            )
            for name, label, hint in MORE_TEXT:
                yield Field(label, _input(values[name], name), name=name, hint=hint)
            yield Field("Notes", TextArea(str(values["notes"]), id="in-notes", compact=True), name="notes")
        with Horizontal(classes="form-buttons"):
            yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
            yield Button("Cancel  esc", id="cancel", compact=True)
            yield Label("", id="form-status")

    def on_mount(self) -> None:
        self.initial = self.values()  # as the controls hold them, so that "changed" compares like with like
        self._ready = True
        self.check()
        if self.focus_on_mount:
            self.query_one("#in-name", Input).focus()

    # ------------------------------------------------------------ values

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, *_ in (*TEXT, *MORE_TEXT):
            out[name] = self.query_one(f"#in-{name}", Input).value
        for name in ("role", "style", "tier", "stage", "preferred_channel"):
            value = self.query_one(f"#in-{name}", Select).value
            out[name] = None if value is Select.NULL else value
        out["do_not_contact"] = self.query_one("#in-do_not_contact", Checkbox).value
        out["notes"] = self.query_one("#in-notes", TextArea).text
        return out

    @property
    def changed(self) -> bool:
        """Whether anything differs from what the form opened with (Esc then asks before discarding)."""
        now = self.values()
        return any(now[name] != self.initial.get(name) for name in now)

    def check(self) -> forms.Checked:
        self.checked = forms.check_contact(self.values(), self.base)
        shown = {k: v for k, v in self.checked.errors.items() if self.reveal_all or k in self.touched}
        for field in self.query(Field):
            field.set_error(shown.get(field.field_name))
        count = len(shown)
        self.query_one("#form-status", Label).update("" if not count else f"{plural(count, 'field')} to fix")
        return self.checked

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        event.stop()
        if self._ready:
            control = event.control
            if control is not None and control.id and control.id.startswith("in-"):
                name = control.id[3:]
                if name not in self.touched and self.values()[name] == self.initial.get(name):
                    return  # the control saying what it was built with: nothing typed yet
                self.touched.add(name)
            self.check()

    # ----------------------------------------------------------- actions

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.reveal_all = True
        checked = self.check()
        if not checked.ok:
            first = next(f for f in self.query(Field) if f.field_name in checked.errors)
            first.control.focus()
            self.notify(f"{first.label}: {checked.errors[first.field_name]}", severity="error")
            return
        contact = cast(Contact, checked.value)  # a checked contact form that is ok holds its Contact
        self.post_message(self.Saved(self, contact, self.base.id if self.base else None))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.changed:
            self.post_message(self.Cancelled(self))
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.post_message(self.Cancelled(self))

        name = (
            describe({"id": self.base.id, "name": self.base.name, "account": self.base.account})
            if self.base is not None and self.base.id is not None
            else "the new contact"
        )
        self.app.push_screen(
            ConfirmScreen(f"Discard your changes to {name}?", yes="Discard", no="Keep editing"), callback=answered
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


class AddInto(NamedTuple):
    """The user chose to add the form's details to a contact already in the book (`merge.add_details`)."""

    contact_id: int
    contact: Contact


class ContactFormScreen(TypingWhenShown, ModalScreen[Contact | int | AddInto | None]):
    """The contact form in a dialog, for adding someone from any screen (`a`).

    Dismissed with the new record, with the id of an existing contact the user
    chose to open instead (someone already has this name or e-mail), with the
    details to add to that contact (`AddInto`), or None.
    """

    if TYPE_CHECKING:  # the app this runs in, as the type checker sees `self.app`
        app = getters.app(KeepwarmApp)

    def __init__(self, contact: Contact | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.contact = contact

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="contact-dialog"):
            yield ContactForm(self.contact, id="add-form")

    @on(ContactForm.Saved)
    def _saved(self, event: ContactForm.Saved) -> None:
        event.stop()
        if self.app.screen is not self:  # a second ctrl+s, queued while the first one's question opened
            return
        found = [] if self.contact is not None else operations.same_person(self.app.session, event.contact)
        if not found:
            self.dismiss(event.contact)
            return
        new = event.contact
        lines = [f"{describe(p)}: {p['why']}" for p in found]
        self.query_one("#form-status", Label).update(f"exists already: {'; '.join(lines)}")

        answers: list[Contact | int | AddInto] = []
        choices: list[tuple[int, str]] = []
        for p in found:
            answers.append(p["id"])
            choices.append((len(choices), f"Open {describe(p)} ({p['why']})"))
            answers.append(AddInto(p["id"], new))
            choices.append((len(choices), f"Add these details to {describe(p)}"))
        answers.append(new)
        choices.append((len(choices), f"Add {new.name} as a new contact all the same"))

        def chosen(choice: int | None) -> None:
            if choice is not None:
                self.dismiss(answers[choice])

        self.app.push_screen(PickScreen(f"{new.name} may be in your book already", choices), callback=chosen)

    @on(ContactForm.Cancelled)
    def _cancelled(self, event: ContactForm.Cancelled) -> None:
        event.stop()
        self.dismiss(None)
