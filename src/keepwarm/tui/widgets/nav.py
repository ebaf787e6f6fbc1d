"""The row of screens under the header: the number keys, and clickable; and how a running sync is getting on."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

SCREENS = (
    ("agenda", "Agenda"),
    ("contacts", "Contacts"),
    ("accounts", "Accounts"),
    ("dashboard", "Dashboard"),
    ("plugins", "Plugins"),
    ("rules", "Rules"),
)


class NavBar(Static):
    def __init__(self, active: str) -> None:
        super().__init__(id="nav")
        self.active = active
        self.screens = Content("")

    def on_mount(self) -> None:
        parts = []
        for number, (mode, title) in enumerate(SCREENS, start=1):
            style = "reverse b" if mode == self.active else "not reverse"
            parts.append(
                Content.from_markup(
                    f"[@click=app.goto('{mode}')][{style}] [$accent]$n[/] $title [/][/]", n=str(number), title=title
                )
            )
        self.screens = Content(" ").join(parts)
        if hasattr(self.app, "sync_line"):
            self.watch(self.app, "sync_line", self._status)  # called at once with the current line
        else:
            self.update(self.screens)

    def _status(self, line: str) -> None:
        """The sync's progress after the screens (`KeepwarmApp.sync_line`, kept up by `tui.syncing`)."""
        self.update(self.screens + Content.from_markup("   [$warning]↻ $line[/]", line=line) if line else self.screens)
