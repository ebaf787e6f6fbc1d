"""Issue 17, point 8: the rows of one interactions file are never merged with each other. Two rows
with the same contact, minute, channel and direction are two touches (neither's notes replace the
other's); importing the same file again still changes nothing, and a corrected row updates only
the touch it brought in."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures_io"

HEADER = "Date,Contact,Channel,Direction,Purpose,Sentiment,Notes\n"
ROWS = [
    "2026-09-01 10:30,Lucía Fernández,call,out,check_in,1,Asked about the autumn tender.\n",
    "2026-09-01 10:30,Lucía Fernández,call,out,business,-1,Competitor Norteña quoted 8% lower.\n",
    "2026-09-01 10:30,Lucía Fernández,call,out,business,-1,Competitor Norteña quoted 8% lower.\n",
    "2026-09-01 10:30,Kwame Mensah,call,out,check_in,,Left a message.\n",
]


def imported(run, path) -> dict:
    result = run("import", "interactions", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def backup(run) -> str:
    result = run("export", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def history(run, who: str) -> list[tuple]:
    touches = run("history", who, "--json").json()
    return sorted((t["at"], t["channel"], t["purpose"], t["sentiment"], t["notes"]) for t in touches)


def _file(tmp_path, rows, name="touches.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _contacts(run) -> None:
    assert run("import", "csv", str(FIXTURES / "google_contacts.csv")).exit_code == 0


def test_rows_sharing_contact_minute_channel_and_direction_are_each_a_touch(run, tmp_path):
    _contacts(run)
    report = imported(run, _file(tmp_path, ROWS))
    assert report["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    assert [e["line"] for e in report["created"]] == [2, 3, 4, 5]
    assert len({e["id"] for e in report["created"]}) == 4
    assert history(run, "Lucía") == [
        ("2026-09-01T10:30:00Z", "call", "business", -1, "Competitor Norteña quoted 8% lower."),
        ("2026-09-01T10:30:00Z", "call", "business", -1, "Competitor Norteña quoted 8% lower."),
        ("2026-09-01T10:30:00Z", "call", "check_in", 1, "Asked about the autumn tender."),
    ]


def test_importing_the_same_file_again_changes_nothing_in_any_row_order(run, tmp_path):
    _contacts(run)
    imported(run, _file(tmp_path, ROWS))
    before = backup(run)
    again = imported(run, _file(tmp_path, ROWS))
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0}
    assert len({e["id"] for e in again["unchanged"]}) == 4
    shuffled = imported(run, _file(tmp_path, list(reversed(ROWS)), "shuffled.csv"))
    assert shuffled["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0}
    assert backup(run) == before


def test_a_corrected_row_updates_its_own_touch_and_no_other(run, tmp_path):
    _contacts(run)
    first = imported(run, _file(tmp_path, ROWS))
    fixed = list(ROWS)
    fixed[0] = fixed[0].replace("autumn tender.", "autumn tender; call back in May.")
    report = imported(run, _file(tmp_path, fixed, "fixed.csv"))
    assert report["counts"] == {"created": 0, "updated": 1, "unchanged": 3, "skipped": 0}
    [updated] = report["updated"]
    assert (updated["line"], updated["id"], updated["fields"]) == (2, first["created"][0]["id"], ["notes"])
    assert history(run, "Lucía") == [
        ("2026-09-01T10:30:00Z", "call", "business", -1, "Competitor Norteña quoted 8% lower."),
        ("2026-09-01T10:30:00Z", "call", "business", -1, "Competitor Norteña quoted 8% lower."),
        ("2026-09-01T10:30:00Z", "call", "check_in", 1, "Asked about the autumn tender; call back in May."),
    ]


def test_a_file_with_one_more_row_adds_only_that_touch(run, tmp_path):
    _contacts(run)
    imported(run, _file(tmp_path, ROWS[:2]))
    report = imported(run, _file(tmp_path, ROWS, "longer.csv"))
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 2, "skipped": 0}
    assert [e["line"] for e in report["created"]] == [4, 5]
    assert len(history(run, "Lucía")) == 3
