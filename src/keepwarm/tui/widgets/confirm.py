"""A yes/no question in a dialog, and a pick-one list: asked before a loss, or to offer a next step.

The question is the user's to answer: `y`/enter on "yes", `n`/esc for no.
Nothing is pre-selected that a key typed a moment earlier could answer.
"""

from __future__ import annotations

from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from ..keys import TypingWhenShown
from .pick_list import PickList


class ConfirmScreen(TypingWhenShown, ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", id="confirm.escape", show=False),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No", detail: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes, self.no, self.detail = yes, no, detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Label(self.question, classes="form-title", id="confirm-question", markup=False)
            if self.detail:
                yield Label(self.detail, id="confirm-detail", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self.yes}  y", id="yes", variant="primary", compact=True)
                yield Button(f"{self.no}  n", id="no", compact=True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)


class PickScreen(TypingWhenShown, ModalScreen[int | None]):
    """One of several (id, text) choices; the id picked, or None on esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]

    def __init__(self, title: str, choices: list[tuple[int, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pick-dialog"):
            yield Label(self.title_text, classes="form-title", markup=False)
            yield PickList(*(Option(text, id=str(key)) for key, text in self.choices), id="pick-list")

    def on_mount(self) -> None:
        self.query_one("#pick-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(cast(str, event.option.id)))  # every option is added with its id

    def action_cancel(self) -> None:
        self.dismiss(None)
