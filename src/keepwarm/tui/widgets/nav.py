"""The row of screens under the header: the number keys, and clickable."""

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

    def on_mount(self) -> None:
        parts = []
        for number, (mode, title) in enumerate(SCREENS, start=1):
            style = "reverse b" if mode == self.active else "not reverse"
            parts.append(
                Content.from_markup(
                    f"[@click=app.goto('{mode}')][{style}] [$accent]$n[/] $title [/][/]", n=str(number), title=title
                )
            )
        self.update(Content(" ").join(parts))
