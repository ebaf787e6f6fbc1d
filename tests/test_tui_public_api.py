"""The TUI uses Textual through its public API: no class of it replaces a private name of Textual's.

A method or attribute whose name starts with `_` on a Textual class is Textual's own
(issue 19: "no overrides of Textual's private methods"): replacing one ties the app to
one release of Textual's insides, and it breaks silently when they change.

What counts, decided name by name:
- every name starting with one underscore that a keepwarm class (or a keepwarm mixin
  in its MRO) defines and a Textual class in the same MRO also has: methods,
  properties, class attributes alike;
- `_on_*` and `_watch_*` included. Textual calls `_watch_x` through `getattr`, so a
  subclass's one replaces Textual's own watcher; `_on_x` handlers run once per class
  of the MRO, so one would not shadow Textual's, but the names are Textual's and the
  public `on_x` / `watch_x` do the same job for an app. A keepwarm `_on_x` or `_x`
  that no Textual class has is its own private name, not an override;
- left out: dunder names (Python's, not Textual's), and the names Textual's own
  machinery writes into every subclass it sees (`_css_type_name`, `_merged_bindings`,
  `_decorated_handlers`, ...): found on an empty subclass, they are not ours.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil


def _tui_classes():
    import keepwarm.tui

    for found in pkgutil.walk_packages(keepwarm.tui.__path__, "keepwarm.tui."):
        module = importlib.import_module(found.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                yield cls


def _textual(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "textual"


def _machinery(cls: type) -> set[str]:
    """The names Textual writes into any subclass of `cls` (an empty one shows them)."""
    return set(vars(type("Probe", (cls,), {"__module__": __name__})))


def private_overrides(classes) -> set[str]:
    found = set()
    for cls in classes:
        textual = [base for base in cls.__mro__ if _textual(base)]
        if not textual:
            continue
        written_by_textual = _machinery(textual[0])
        for own in (base for base in cls.__mro__ if base.__module__.startswith("keepwarm")):
            for name in vars(own):
                if not name.startswith("_") or name.startswith("__") or name in written_by_textual:
                    continue
                if any(name in vars(base) for base in textual):
                    found.add(f"{own.__name__}.{name}")
    return found


def test_no_tui_class_replaces_a_private_name_of_textual():
    assert private_overrides(_tui_classes()) == set()


def test_the_check_finds_a_private_method_a_watcher_and_a_handler_but_not_public_or_own_names():
    from textual.widgets import DataTable, Static

    class Mixin:  # a keepwarm mixin: checked in the classes it is mixed into
        def _render_content(self):
            return None

    Mixin.__module__ = "keepwarm.tui.probe"

    class Measuring(DataTable):
        def _update_dimensions(self, new_rows):  # what the agenda's table did
            return None

        def _on_click(self, event):
            return None

        def _watch_loading(self, loading):  # Textual's own watcher of `loading`
            return None

        def watch_cursor_coordinate(self, old, new):  # public: fine
            return None

        def _own_helper(self):  # no Textual class has it: fine
            return None

    class Mixed(Mixin, Static):
        pass

    for cls in (Measuring, Mixed):
        cls.__module__ = "keepwarm.tui.probe"
    assert private_overrides([Measuring, Mixed]) == {
        "Measuring._update_dimensions",
        "Measuring._on_click",
        "Measuring._watch_loading",
        "Mixin._render_content",
    }
