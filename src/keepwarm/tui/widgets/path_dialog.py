"""Ask for a file path (where to export, what to import), with the problem shown by the field."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ..keys import ClosesOnce
from .fields import Field


class PathScreen(ClosesOnce, ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="path.cancel")]

    def __init__(self, title: str, default: str, *, must_exist: bool, hint: str = "", action: str = "OK") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.default = default
        self.must_exist = must_exist
        self.hint = hint
        self.action_label = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="path-dialog"):
            yield Label(self.title_text, classes="form-title", markup=False)
            yield Field("File", Input(self.default, id="in-path", compact=True), name="path", hint=self.hint)
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self.action_label}  enter", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#in-path", Input).focus()

    def problem(self, text: str) -> str | None:
        if not text.strip():
            return "give a file name"
        path = Path(text.strip()).expanduser()
        if self.must_exist:
            return None if path.is_file() else f"{path}: no such file"
        if path.is_dir():
            return f"{path}: is a folder (expected a file name)"
        return None if path.parent.is_dir() else f"{path.parent}: no such folder"

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.query_one(Field).set_error(self.problem(event.value))

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        text = self.query_one("#in-path", Input).value
        problem = self.problem(text)
        self.query_one(Field).set_error(problem)
        if problem is None:
            self.dismiss(Path(text.strip()).expanduser())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
