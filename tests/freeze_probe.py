"""Which of the freezer's methods were entered, and with what, while it froze a value (the freeze tests)."""

from __future__ import annotations

import sys

from keepwarm.engine.readonly import Freezer


def entered(freeze: Freezer, value: object) -> list[tuple[str, object]]:
    """Each (method, first argument) by which the freezer was entered while freezing `value`."""
    seen: list[tuple[str, object]] = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.endswith("readonly.py"):
            args = frame.f_code.co_varnames[: frame.f_code.co_argcount]
            if len(args) >= 2 and args[0] == "self" and frame.f_locals.get("self") is freeze:
                seen.append((frame.f_code.co_name, frame.f_locals[args[1]]))

    sys.setprofile(profile)
    try:
        freeze(value)
    finally:
        sys.setprofile(None)
    return seen
