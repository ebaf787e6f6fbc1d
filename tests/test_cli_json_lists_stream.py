"""`--json` lists are encoded a record at a time (issue 19: every command under 400 MB at 50,000 contacts).

`contact list`, `account list`, `history`, `followup list` and `promise list`
hand `emit_json` a generator of plain dicts, which it writes one element to a
line as each is made, instead of a list of every record's dict built first
(34 MB more for `contact list --json` at 50,000 contacts). The text is the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from keepwarm.cli import activity, contacts


@pytest.fixture
def handed(monkeypatch):
    """What each command passed to `emit_json`: a list, or an iterator."""
    seen: list[str] = []
    for module in (activity, contacts):
        real = module.emit_json

        def spy(data, real=real):
            seen.append("iterator" if isinstance(data, Iterator) else type(data).__name__)
            real(data)

        monkeypatch.setattr(module, "emit_json", spy)
    return seen


def test_json_lists_are_written_a_record_at_a_time_with_the_same_text(run, handed):
    for args in (
        ("contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--account", "Analytical"),
        ("contact", "add", "Grace Hopper", "--account", "Analytical"),
        ("log", "Ada", "--channel", "call", "--notes", "Asked about the engine"),
        ("followup", "add", "Grace", "send the COBOL notes", "--due", "2026-12-01"),
        ("promise", "add", "Ada", "the Bernoulli table", "--due", "2026-12-05"),
    ):
        assert run(*args).exit_code == 0
    handed.clear()
    out = {}
    for name, args in {
        "contacts": ("contact", "list", "--json"),
        "accounts": ("account", "list", "--json"),
        "history": ("history", "Ada", "--json"),
        "followups": ("followup", "list", "--json"),
        "promises": ("promise", "list", "--json"),
    }.items():
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        out[name] = json.loads(result.stdout)
        assert result.stdout.startswith("[\n  {") and result.stdout.endswith("}\n]\n")  # one element a line
    assert handed == ["iterator"] * 5
    assert [c["name"] for c in out["contacts"]] == ["Ada Lovelace", "Grace Hopper"]
    assert out["accounts"][0]["name"] == "Analytical" and out["accounts"][0]["contacts"] == 2
    assert [i["notes"] for i in out["history"]] == ["Asked about the engine"]
    assert ("send the COBOL notes", "Grace Hopper") in [(f["reason"], f["contact"]) for f in out["followups"]]
    assert [(p["text"], p["contact"]) for p in out["promises"]] == [("the Bernoulli table", "Ada Lovelace")]
