"""The command line writes through the same core functions as the app (keepwarm.services.operations).

So a promise added or cancelled on the command line is followed by the cadence
at once, as in the app: its reminder is there (or gone) without waiting for
the next agenda run.
"""

from __future__ import annotations


def _reminders(run) -> list[str]:
    return [f["rule_key"] for f in run("followup", "list", "--json").json() if f["rule_key"].startswith("promise_due.")]


def test_a_promise_added_or_cancelled_on_the_command_line_moves_its_reminder_at_once(run):
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    added = run("promise", "add", "Ada", "send the deck", "--due", "2026-11-24")
    assert added.exit_code == 0
    promise_id = added.stdout.split()[2].rstrip(",")
    assert _reminders(run) == [f"promise_due.{promise_id}"]
    assert run("promise", "cancel", promise_id).exit_code == 0
    assert _reminders(run) == []


def test_the_command_line_and_the_app_share_the_writes(run):
    import inspect

    from keepwarm.cli import activity, contacts

    for module in (activity, contacts):
        assert "store.write()" not in inspect.getsource(module), (
            f"{module.__name__} writes through keepwarm.services.operations, as the app does"
        )
