"""Issue 19: `keepwarm import interactions` of a large history prints a summary, not a line per row.

The counts, the first problems with their line numbers (capped, with how many more there are),
and a progress bar only when standard error is a terminal; --json still lists every row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from keepwarm.io.imports import import_interactions
from keepwarm.io.report import PROBLEMS_KEPT
from keepwarm.store import Store

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
HEADER = "Date,Contact,Email,Channel,Notes\n"


def _history(tmp_path: Path, good: int, unknown: int = 0) -> Path:
    rows = [f"2026-09-{1 + n % 28:02d} 10:{n % 60:02d},Ada Lovelace,,call,note {n}\n" for n in range(good)]
    rows += [f"2026-10-01 09:00,,stranger{n}@example.org,email,\n" for n in range(unknown)]
    path = tmp_path / "history.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _ada(run) -> None:
    assert run("contact", "add", "Ada Lovelace", "--email", "ada@example.com").exit_code == 0


def test_the_text_report_is_the_counts_not_a_line_per_row(run, tmp_path):
    _ada(run)
    path = _history(tmp_path, 40)
    result = run("import", "interactions", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{path}: interactions CSV, utf-8",
        "interactions: 40 created, 0 updated, 0 unchanged, 0 skipped",
    ]
    assert result.stderr == ""  # no progress bar when standard error is not a terminal
    again = run("import", "interactions", str(path))
    assert again.stdout.splitlines()[-1] == "interactions: 0 created, 0 updated, 40 unchanged, 0 skipped"
    assert len(run("history", "Ada", "--json", "--limit", "100").json()) == 40


def test_the_first_problems_are_listed_with_their_lines_and_the_rest_counted(run, tmp_path):
    _ada(run)
    path = _history(tmp_path, 3, unknown=PROBLEMS_KEPT + 4)
    result = run("import", "interactions", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    problems = [line for line in lines if line.lstrip().startswith("skipped")]
    assert problems[0].split() == ["skipped", "line", "5", "stranger0@example.org:", "no", "contact", "has", "the",
                                   "email", "'stranger0@example.org'", "(import", "or", "add", "the", "contact", "first)"]
    assert [p.split()[2] for p in problems] == [str(5 + n) for n in range(PROBLEMS_KEPT)]
    assert lines[-2] == "  ... and 4 more skipped (--json lists every record)"
    assert lines[-1] == f"interactions: 3 created, 0 updated, 0 unchanged, {PROBLEMS_KEPT + 4} skipped"


def test_without_skip_invalid_the_error_names_the_first_problem_and_counts_all_and_nothing_is_written(run, tmp_path):
    _ada(run)
    path = _history(tmp_path, 3, unknown=PROBLEMS_KEPT + 4)
    result = run("import", "interactions", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"keepwarm: {path}: line 5: no contact has the email 'stranger0@example.org' (import or add the contact "
        f"first) (and {PROBLEMS_KEPT + 3} more problems); nothing was imported (fix the file, or use "
        "--skip-invalid to import the rest)\n"
    )
    assert run("history", "Ada", "--json").json() == []


def test_json_still_lists_every_row(run, tmp_path):
    _ada(run)
    path = _history(tmp_path, 3, unknown=PROBLEMS_KEPT + 4)
    report = run("import", "interactions", str(path), "--skip-invalid", "--json").json()
    assert [e["line"] for e in report["created"]] == [2, 3, 4]
    assert [e["line"] for e in report["skipped"]] == list(range(5, 5 + PROBLEMS_KEPT + 4))


def test_progress_is_reported_in_lines_up_to_the_whole_file(tmp_path):
    store = Store.open(tmp_path / "k.db")
    from keepwarm.model import Contact
    from keepwarm.store import contacts as people

    with store.write() as conn:
        people.insert_contact(conn, Contact(name="Ada Lovelace"), NOW)
    path = _history(tmp_path, 45_000)
    seen: list[tuple[int, int]] = []
    report = import_interactions(store, path, NOW, ZoneInfo("UTC"), detail=False,
                                 progress=lambda done, total: seen.append((done, total)))
    assert report.counts()["created"] == 45_000
    assert report.entries == []  # no record kept without detail
    assert {total for _, total in seen} == {45_001}
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) >= 3 and seen[-1] == (45_001, 45_001)


def test_a_row_the_touch_model_refuses_is_skipped_with_the_models_own_words(run, tmp_path):
    import pydantic

    from keepwarm.io.contacts_apply import explain
    from keepwarm.model import Interaction

    _ada(run)
    path = tmp_path / "bad.csv"
    path.write_text("Date,Email,Channel,Sentiment,Reply hours,Notes\n"
                    "2026-09-01 10:00,ada@example.com,fax,5,-1,ok\n"
                    "2026-09-02 10:00,ada@example.com,call,1,99999999,ok\n"
                    f"2026-09-03 10:00,ada@example.com,call,,,{'n' * 100_001}\n"
                    "2026-09-04 10:00,ada@example.com,call,-2,3.5,fine\n", encoding="utf-8")
    report = run("import", "interactions", str(path), "--skip-invalid", "--json").json()
    sources = {"channel": "Channel", "sentiment": "Sentiment", "response_hours": "Reply hours", "notes": "Notes"}
    expected = []
    for values in ({"channel": "fax", "sentiment": 5, "response_hours": -1.0, "notes": "ok"},
                   {"channel": "call", "sentiment": 1, "response_hours": 99999999.0, "notes": "ok"},
                   {"channel": "call", "notes": "n" * 100_001}):
        try:
            Interaction(contact_id=1, at=NOW, **values)
        except pydantic.ValidationError as exc:
            expected.append(explain(exc, sources))
    assert [(e["line"], e["reason"]) for e in report["skipped"]] == list(zip([2, 3, 4], expected))
    assert "Sentiment" in expected[0] and "Reply hours" in expected[0] and "Channel" in expected[0]
    assert report["counts"]["created"] == 1
