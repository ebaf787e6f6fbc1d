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


# ------------------------------------------------------------------ point 13: the edit form


async def _edit(pilot, app, contact_id: int, **values: str):
    from textual.widgets import Input

    from tui_support import settle

    app.open_contact(contact_id)
    await settle(pilot)
    screen = app.screen
    await pilot.press("e")
    await pilot.pause()
    for name, value in values.items():
        screen.query_one(f"#in-{name}", Input).value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    return screen


def _contact(session, contact_id: int):
    from keepwarm.store import contacts as people

    with session.store.read() as conn:
        return people.get_contact(conn, contact_id)


def test_renaming_a_contact_to_another_ones_name_asks_naming_who_has_it(session):
    from tui_support import build_history, settle, sync

    from keepwarm.tui.app import KeepwarmApp
    from keepwarm.tui.widgets.confirm import ConfirmScreen

    ids = build_history(session)

    @sync
    async def scenario():
        app = KeepwarmApp(session)
        async with app.run_test(size=(110, 34)) as pilot:
            await settle(pilot)
            screen = await _edit(pilot, app, ids["grace"], name="ada lovelace")
            assert isinstance(app.screen, ConfirmScreen)
            assert str(app.screen.query_one("#confirm-question").content) == "Save ada lovelace all the same?"
            assert str(app.screen.query_one("#confirm-detail").content) == (
                f"Ada Lovelace (id {ids['ada']}, Analytical Engines) exists already (same name)")
            await pilot.press("n")  # keep editing: nothing saved
            await settle(pilot)
            assert app.screen is screen and screen.editing
            assert _contact(session, ids["grace"]).name == "Grace Hopper"
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.press("y")  # saved all the same
            await settle(pilot)
            assert not screen.editing

    scenario()
    assert _contact(session, ids["grace"]).name == "ada lovelace"


def test_an_email_another_contact_has_asks_but_an_unchanged_namesake_does_not(session):
    from tui_support import build_history, settle, sync

    from keepwarm.model import Contact
    from keepwarm.store import contacts as people
    from keepwarm.tui.app import KeepwarmApp
    from keepwarm.tui.widgets.confirm import ConfirmScreen

    from conftest import FIXED_NOW

    ids = build_history(session)
    with session.store.write() as conn:
        twin = people.insert_contact(conn, Contact(name="Ada Lovelace", title="Poet"), FIXED_NOW)

    @sync
    async def scenario():
        app = KeepwarmApp(session)
        async with app.run_test(size=(110, 34)) as pilot:
            await settle(pilot)
            screen = await _edit(pilot, app, twin, title="Mathematician")  # her namesake is no news
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmScreen) and not screen.editing
            await pilot.press("escape")
            await settle(pilot)
            screen = await _edit(pilot, app, ids["grace"], emails="grace@navy.example, ADA@engines.example")
            assert isinstance(app.screen, ConfirmScreen)
            assert str(app.screen.query_one("#confirm-detail").content) == (
                f"Ada Lovelace (id {ids['ada']}, Analytical Engines) exists already (e-mail ada@engines.example)")
            await pilot.press("n")
            await settle(pilot)
            assert screen.editing

    scenario()
    assert _contact(session, twin).title == "Mathematician"
    assert "ADA@engines.example" not in _contact(session, ids["grace"]).emails


# ------------------------------------------------------------------ point 27: cut cells end in "…"


LONG = ("Ask Grace how the compiler trial went with the navy's new team, and whether the budget for "
        "next year's training round has been approved by the board")


def test_the_agenda_cuts_a_long_reason_with_an_ellipsis_inside_the_pane(session):
    import datetime as dt

    from rich.cells import cell_len
    from tui_support import build_history, settle, sync, use_test_rules

    from keepwarm.model import FollowUp
    from keepwarm.store import followups
    from keepwarm.tui.app import KeepwarmApp
    from keepwarm.tui.widgets.line_list import LineList

    from conftest import FIXED_NOW

    ids = build_history(session)
    use_test_rules(session)
    with session.store.write() as conn:
        fid = followups.insert_followup(conn, FollowUp(contact_id=ids["grace"], due=dt.date(2026, 11, 22),
                                                       reason=LONG, action="call her"), FIXED_NOW)

    @sync
    async def scenario():
        app = KeepwarmApp(session)
        async with app.run_test(size=(110, 34)) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#agenda-list", LineList)
            widths = table.widths

            def cells(followup_id: int):
                return table.cells(next(n for n, (kind, item) in enumerate(app.screen.rows)
                                        if kind == "item" and item.followup.id == followup_id))

            assert sum(w + 2 * table.cell_padding for w in widths) <= table.size.width
            why = cells(fid)[3]
            assert why.plain.endswith("…") and LONG.startswith(why.plain[:-1])
            assert cell_len(why.plain) <= widths[3]
            assert why.plain[-2] != " "  # cut at a word's end, not after a space
            short = [cells(r)[3].plain for kind, item in app.screen.rows if kind == "item"
                     for r in [item.followup.id] if r != fid]
            whole = "keep the 30-day rhythm · rhythm"
            assert short == [whole if len(whole) <= widths[3] else "keep the 30-day rhythm…"] * 4

            await pilot.resize_terminal(160, 34)  # a wider pane: the rows are fitted to it again
            await settle(pilot)
            wider = table.widths
            assert sum(w + 2 * table.cell_padding for w in wider) <= table.size.width
            longer = cells(fid)[3].plain
            assert len(longer) > len(why.plain) and longer.endswith("…") and LONG.startswith(longer[:-1])

    scenario()


def test_what_fits_is_not_cut_and_a_wide_character_counts_two_cells():
    from rich.cells import cell_len

    from keepwarm.tui.screens.agenda import cut_cell

    assert cut_cell("keep the 30-day rhythm · rhythm", 31) == "keep the 30-day rhythm · rhythm"
    assert cut_cell("keep the 30-day rhythm · rhythm", 30) == "keep the 30-day rhythm…"
    shown = cut_cell("東京の田中さんに来週の会議の資料を送る", 12)
    assert shown.endswith("…") and cell_len(shown) <= 12


def test_columns_give_way_do_first_then_why_and_who():
    from keepwarm.tui.screens.agenda import fit_columns

    natural = [9, 15, 5, 120, 40]
    assert fit_columns(natural, 300, 1) == natural  # everything fits: nothing is cut
    fitted = fit_columns(natural, 100, 1)
    assert fitted[:3] == [9, 15, 5] and fitted[4] == 0  # "do" leaves its room (the side panel shows it)
    assert sum(w + 2 for w in fitted) == 100
    tight = fit_columns(natural, 50, 1)
    assert tight == [9, 12, 5, 14, 0]
