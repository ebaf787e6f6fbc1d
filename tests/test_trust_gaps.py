"""Gaps left by the first round of issue #17: a stored contact's UID on another person's card
(point 10), cut cells without an ellipsis (point 27), a blank stored reason on the TUI's first
paint (point 3) and the edit form's warning about another contact's name or e-mail (point 13)."""

from __future__ import annotations

from pathlib import Path


def _card(uid: str, name: str, email: str = "") -> str:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n"
        + (f"EMAIL:{email}\r\n" if email else "")
        + "END:VCARD\r\n"
    )


def _people(run) -> dict[str, dict]:
    result = run("contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in result.json()}


def _warnings(report: dict) -> list[str]:
    return [w for kind in ("created", "updated", "unchanged") for e in report.get(kind, []) for w in e.get("warnings", [])]


# ------------------------------------------------------------------ point 10: a stored contact's UID


def test_a_card_with_a_stored_contacts_uid_naming_another_person_is_reported_not_merged(run, tmp_path: Path):
    uid = "00000000-0000-0000-0000-000000000000"
    first = tmp_path / "ada.vcf"
    first.write_text(_card(uid, "Ada Lovelace", "ada@engine.example"), newline="")
    assert run("import", "vcard", str(first)).exit_code == 0
    ada_id = _people(run)["Ada Lovelace"]["id"]

    other = tmp_path / "charles.vcf"
    other.write_text(_card(uid, "Charles Babbage", "charles@engine.example"), newline="")
    report = run("import", "vcard", str(other), "--json").json()
    assert report["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0}
    assert _warnings(report) == [
        f"has the UID of contact {ada_id}, 'Ada Lovelace': a different person, imported on its own without that UID"
    ]
    people = _people(run)
    assert people["Ada Lovelace"]["emails"] == ["ada@engine.example"]
    assert people["Ada Lovelace"]["uid"] == uid
    assert people["Charles Babbage"]["emails"] == ["charles@engine.example"]
    assert people["Charles Babbage"]["uid"] != uid

    before = run("export", "json").stdout
    again = run("import", "vcard", str(other), "--json").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "skipped": 0}
    assert run("export", "json").stdout == before


def test_a_card_with_a_stored_contacts_uid_and_the_same_person_still_updates_it(run, tmp_path: Path):
    uid = "11111111-1111-1111-1111-111111111111"
    path = tmp_path / "ada.vcf"
    path.write_text(_card(uid, "Ada Lovelace", "ada@engine.example"), newline="")
    assert run("import", "vcard", str(path)).exit_code == 0
    # Renamed, but the same address; then the same name, a new address: both are Ada.
    path.write_text(_card(uid, "Ada King", "ada@engine.example"), newline="")
    renamed = run("import", "vcard", str(path), "--json").json()
    assert renamed["counts"]["updated"] == 1 and _warnings(renamed) == []
    path.write_text(_card(uid, "ada king", "countess@lovelace.example"), newline="")
    assert run("import", "vcard", str(path), "--json").json()["counts"]["updated"] == 1
    people = _people(run)
    assert list(people) == ["ada king"]
    assert people["ada king"]["emails"] == ["ada@engine.example", "countess@lovelace.example"]


# ------------------------------------------------------------------ point 3: a blank stored reason


def test_the_first_paint_shows_a_blank_stored_reason_as_followup_list_does(session, run):
    from sqlalchemy import text

    from keepwarm.engine.agenda import build_agenda
    from keepwarm.model import Contact
    from keepwarm.store import contacts as people
    from keepwarm.store import snapshots

    from conftest import FIXED_NOW

    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    build_agenda(session, advice=False)  # a run stores its snapshots
    with session.store.write() as conn:  # as an older version stored `Proposal(reason="")`
        for reason in ("", "   "):
            conn.execute(text(
                "INSERT INTO followups (contact_id, due, reason, source, rule_key, action, status, sequence, "
                "satisfied_by_touch, created_at, updated_at) VALUES (:cid, '2026-11-22', :reason, 'poison', "
                "'poison', '', 'open', 0, 1, '2026-11-22 09:00:00.000000', '2026-11-22 09:00:00.000000')"
            ), {"cid": cid, "reason": reason})
    with session.store.read() as conn:
        stored = snapshots.stored_agenda(conn, session.today).to_json(conn)
    painted = [i["followup"]["reason"] for i in stored["items"] if i["followup"]["source"] == "poison"]
    listed = [f["reason"] for f in run("followup", "list", "--json").json() if f["source"] == "poison"]
    assert painted == listed == ["(no reason given)"] * 2
