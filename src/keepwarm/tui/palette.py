"""The command palette (ctrl+p): keepwarm's actions, and every contact by name."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual import on
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Button, Input, OptionList

from ..services import queries
from .keys import ClosesOnce
from .screen_views import IndexEntry
from .views import view_of

if TYPE_CHECKING:
    from .app import KeepwarmApp
    from .screens.contact_detail import ContactScreen


class KeepwarmPalette(ClosesOnce, CommandPalette):
    """Textual's palette, answering once: a fast double Enter selected the command twice, ran it
    twice (two forms) and dismissed the palette twice, which popped the screen below it and ended
    the app. Once it has closed, the selections and submits still queued for it are dropped
    (`prevent_default` keeps them from the palette's own handlers)."""

    @on(Input.Submitted)
    @on(Button.Pressed)
    @on(OptionList.OptionSelected)
    def _answered_already(self, event) -> None:
        if self._answered:
            event.stop()
            event.prevent_default()


class KeepwarmCommands(Provider):
    @property
    def keepwarm(self) -> KeepwarmApp:
        # Textual's Provider sees any App; these commands are only ever KeepwarmApp's (its COMMANDS).
        return cast("KeepwarmApp", self.app)

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.keepwarm
        out: list[tuple[str, str, Callable[[], object]]] = [
            ("Go to agenda", "who to reach out to today", partial(app.goto, "agenda")),
            ("Go to contacts", "search and filter everyone", partial(app.goto, "contacts")),
            ("Go to accounts", "stakeholder maps", partial(app.goto, "accounts")),
            ("Go to dashboard", "touches against plan, health, trend", partial(app.goto, "dashboard")),
            (
                "Team: the manager's view",
                "per person: touches against plan, promises kept, key stakeholders, accounts (t on the dashboard)",
                app.action_team,
            ),
            ("Go to plugins", "loaded plugins and their problems", partial(app.goto, "plugins")),
            ("Go to rules", "effective rules and where they come from", partial(app.goto, "rules")),
            ("Log an interaction", "with the selected contact (l)", app.action_log),
            ("Add a promise", "yours or theirs, with the selected contact (p on a contact)", app.action_add_promise),
            (
                "Keep a promise",
                "mark an open promise of the selected contact kept (k on a contact)",
                app.action_keep_promise,
            ),
            ("Edit a promise", "change what, who or when (P on a contact)", app.action_edit_promise),
            ("Add a follow-up", "plan a touch with the selected contact (F on a contact)", app.action_add_followup),
            (
                "Assess a relationship",
                "rate the selected contact 1-5 on six dimensions (A on a contact)",
                app.action_assess,
            ),
            ("Add a contact", "a new person (a)", app.action_add_contact),
            ("Search everything", "contacts, touches, promises and notes, as you type (/)", app.action_search),
            ("Filter contacts", "the contacts screen's own filter box (ctrl+f there)", app.action_filter_contacts),
            ("Reload rules and plugins", "after editing your TOML", app.reload_rules),
            ("Sync mail and calendars", "read your sources into touches (y)", app.action_sync),
            (
                "People who are not contacts yet",
                "those you talk to most, from synced mail and meetings (n on the agenda)",
                app.action_unknown_people,
            ),
            (
                "Address book conflicts",
                "cards changed on both sides or deleted on one: keep mine or theirs (Y)",
                app.action_card_conflicts,
            ),
        ]
        out += self._contact_actions()
        if app.can_undo():
            out.append(("Undo the last change", "made in the app in this session (u)", app.action_undo))
        if app.calendar_export_available():
            out.append(("Export follow-ups to .ics", "for your calendar app", app.export_calendar))
        if app.demo_home is not None:
            out.append(("Back to my book", f"leave the demo book for {app.demo_home}", app.action_own_book))
        elif app.example_available():
            out.append(
                (
                    "Open the demo book",
                    "the example data, in its own database (yours is not touched)",
                    app.open_demo_book,
                )
            )
        return out

    def _contact_actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        """What the contact screen the palette was opened on offers (nothing elsewhere)."""
        shown = self.screen  # the screen the palette was opened on
        if not (hasattr(shown, "action_merge") and getattr(shown, "contact_id", None) is not None):
            return []  # not a contact's screen
        on_screen = cast("ContactScreen", shown)
        return [
            ("Set their rhythm", "every 3 weeks, monthly: in place of the rules (c)", on_screen.action_rhythm),
            ("Snooze them", "nothing due for this person before a day (s)", on_screen.action_snooze),
            ("Add a note", "something to remember about them, not a touch (n)", on_screen.action_add_note),
            ("Edit a note", "change or delete one of their notes (N)", on_screen.action_edit_note),
            (
                "Link them to someone",
                "who they report to, were introduced by, their partner... (L)",
                on_screen.action_link,
            ),
            ("Remove a link", "one of their links, after asking (X)", on_screen.action_unlink),
            ("Merge a duplicate into this contact", "the same person entered twice (M)", on_screen.action_merge),
            ("Delete this contact", "and their history, after asking (D)", on_screen.action_delete),
        ]

    async def startup(self) -> None:
        found = await asyncio.to_thread(queries.contact_index, self.keepwarm.session)
        self.contacts = [view_of(IndexEntry, person) for person in found]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._actions():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        for person in self.contacts:
            text = person.name
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self.keepwarm.open_contact, person.id),
                    text=f"Open {text}",
                    help=person.account or "contact",
                )
