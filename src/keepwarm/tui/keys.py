"""When a form starts taking keys: those typed before it was on screen were meant for what was there.

A form takes the keys stamped after its first paint; the keys pressed before
the user could see it (a second `e` while the first one's form was coming) are
dropped rather than typed into its first field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import _time  # the clock Textual stamps every key event with
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.screen import Screen

    # To the type checker the mixins below are the screens they are mixed into; at run time they add to their bases.
    _Screen = Screen[Any]
else:
    _Screen = object


def typing_starts_now(screen) -> None:
    """From the next paint on, the screen takes keys; the app (`KeepwarmApp.on_event`) drops older ones."""
    screen.keys_from = float("inf")

    def shown() -> None:
        screen.keys_from = _time.get_time()

    screen.call_after_refresh(shown)


#: `j` and `k` move a list's cursor down and up, as in vi, less and mutt. Every list of the app's binds them
#: itself (`LineList`, `FittedTable`, `PickList`), so they apply only while a list has focus: typed in a field
#: they are letters, and a screen's own `k` (Kept, on a contact's screen, which has no list) is left alone.
#: No ids: the `?` panel lists them beside the arrow keys of the same move, with Textual's moves.
LIST_MOVES: list[BindingType] = [
    Binding("j", "cursor_down", "Cursor down", show=False),
    Binding("k", "cursor_up", "Cursor up", show=False),
]


class ClosesOnce(_Screen):
    """A dialog answers once: a second Enter or ctrl+s queued before it closed is ignored.

    Both key presses of a fast double press reach the dialog before it leaves
    the screen, and Textual's `Screen.dismiss` runs the result callback again
    and pops whatever screen is on top by then: the snooze was written twice,
    the touch logged twice, and the agenda itself popped (a ScreenStackError
    that ended the app).
    """

    _answered = False

    def dismiss(self, result=None) -> AwaitComplete:
        if self._answered or self.app.screen is not self:
            return AwaitComplete()
        self._answered = True
        return super().dismiss(result)


class TypingWhenShown(ClosesOnce):
    """A dialog takes no key until it is on screen (mixed into the form and question screens)."""

    keys_from = float("inf")

    def on_mount(self) -> None:  # Textual calls this besides the dialog's own on_mount (handlers run per class)
        typing_starts_now(self)


class OwnKeysFirst:
    """The `?` panel (and the footer) list keepwarm's own keys before the generic ones of Textual's widgets.

    Textual orders them from the focused widget outwards, so the agenda's list
    put the table's cursor keys above Done, Snooze and Log. Every binding of
    keepwarm's has an id (`agenda.done`, `app.log`); Textual's have none.
    Of keepwarm's, those the footer shows come first: the app's priority
    keys (Tab between fields) would otherwise head the list.
    """

    @property
    def active_bindings(self):
        found = super().active_bindings
        return dict(sorted(found.items(), key=lambda item: (item[1].binding.id is None, not item[1].binding.show)))
